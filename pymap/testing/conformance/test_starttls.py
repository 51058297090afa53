"""End-to-end checks of STARTTLS (RFC 3501 §6.2.1) with a throw-away CA
from ``trustme``: the upgrade, the capability changes, refusals, and that
nothing pipelined in the clear is acted on after the handshake."""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from collections.abc import Iterator
from pathlib import Path

import imapclient
import pytest
import trustme

from pymap.config import IMAPConfig
from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER
from pymap.testing import BackendFactory, ServerThread
from pymap.testing.rawclient import RawClient


@pytest.fixture(scope='module')
def ca() -> trustme.CA:
    """A certificate authority the test clients trust."""
    return trustme.CA()


@pytest.fixture
def config(ca: trustme.CA, tmp_path: Path) -> IMAPConfig:
    """Server settings with a certificate for 127.0.0.1, so STARTTLS is
    offered."""
    cert = ca.issue_cert('127.0.0.1', 'localhost')
    cert_file = tmp_path / 'cert.pem'
    key_file = tmp_path / 'key.pem'
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    for pem in cert.cert_chain_pems[1:]:
        pem.write_to_path(str(cert_file), append=True)
    cert.private_key_pem.write_to_path(str(key_file))
    context = IMAPConfig.server_ssl_context(str(cert_file), str(key_file))
    return IMAPConfig(ssl_context=context)


@pytest.fixture
def client_context(ca: trustme.CA) -> ssl.SSLContext:
    """A verifying client context that trusts the test CA."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture(autouse=True)
def no_server_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No test here may make the server log an unexpected error."""
    caplog.set_level(logging.INFO, logger='pymap')
    yield
    errors = [record.getMessage() for record in caplog.records
              if record.levelno >= logging.ERROR]
    assert not errors, errors


def _caps(line: bytes) -> set[bytes]:
    match = re.search(rb'CAPABILITY ([^\]\r\n]*)', line)
    assert match is not None, line
    return set(match.group(1).split())


def _upgrade(raw: RawClient, context: ssl.SSLContext,
             tag: bytes = b'tls') -> None:
    """Runs STARTTLS and the handshake on a raw client."""
    raw.expect(raw.command(tag + b' STARTTLS'), [tag + rb' OK .*\r\n'])
    assert raw.buf == b''
    raw.sock = context.wrap_socket(raw.sock, server_hostname='127.0.0.1')


def test_starttls_offered_before_tls(raw: RawClient) -> None:
    caps = _caps(raw.greeting)
    assert b'STARTTLS' in caps
    lines = raw.command(b'c CAPABILITY')
    assert b'STARTTLS' in _caps(lines[0])


def test_raw_upgrade(raw: RawClient, client_context: ssl.SSLContext) -> None:
    _upgrade(raw, client_context)
    assert isinstance(raw.sock, ssl.SSLSocket)
    assert raw.sock.version() in ('TLSv1.2', 'TLSv1.3')
    lines = raw.command(b'c CAPABILITY')
    raw.expect(lines, [rb'\* CAPABILITY .*\r\n', rb'c OK .*\r\n'])
    caps = _caps(lines[0])
    assert b'STARTTLS' not in caps
    assert b'AUTH=PLAIN' in caps
    lines = raw.command(b'l LOGIN testuser testpass')
    raw.expect(lines, [rb'l OK \[CAPABILITY .*\] .*\r\n'])
    assert b'STARTTLS' not in _caps(lines[0])


def test_imaplib_starttls(server: ServerThread,
                          client_context: ssl.SSLContext) -> None:
    client = imaplib.IMAP4(server.host, server.port, timeout=10)
    try:
        assert 'STARTTLS' in client.capabilities
        typ, _ = client.starttls(ssl_context=client_context)
        assert typ == 'OK'
        assert isinstance(client.sock, ssl.SSLSocket)
        assert 'STARTTLS' not in client.capabilities
        assert 'AUTH=PLAIN' in client.capabilities
        assert client.login(USER, PASSWORD)[0] == 'OK'
        assert client.append('INBOX', None, None,
                             b'Subject: tls\r\n\r\nsecret\r\n')[0] == 'OK'
        assert client.select('INBOX') == ('OK', [b'1'])
        fetched = client.fetch('1', '(BODY.PEEK[TEXT])')
        assert fetched[0] == 'OK'
        assert fetched[1][0] == (b'1 (BODY[TEXT] {8}', b'secret\r\n')
    finally:
        client.logout()


def test_imapclient_starttls(server: ServerThread,
                             client_context: ssl.SSLContext) -> None:
    client = imapclient.IMAPClient(server.host, server.port, ssl=False,
                                   timeout=10)
    try:
        assert client.has_capability('STARTTLS')
        client.starttls(client_context)
        assert not client.has_capability('STARTTLS')
        client.login(USER, PASSWORD)
        assert client.list_folders() == [((b'\\HasNoChildren',), b'/',
                                          'INBOX')]
    finally:
        client.logout()


def test_untrusted_certificate_fails_handshake(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    try:
        context = ssl.create_default_context()  # does not trust the CA
        with pytest.raises(ssl.SSLCertVerificationError):
            _upgrade(raw, context)
    finally:
        raw.close()
    fresh = RawClient(server.host, server.port)
    try:
        assert b'STARTTLS' in _caps(fresh.greeting)
    finally:
        fresh.close()


def test_starttls_twice_is_bad(raw: RawClient,
                               client_context: ssl.SSLContext) -> None:
    _upgrade(raw, client_context)
    raw.expect(raw.command(b'again STARTTLS'), [rb'again BAD .*\r\n'])
    raw.expect(raw.command(b'n NOOP'), [rb'n OK .*\r\n'])
    raw.expect(raw.command(b'l LOGIN testuser testpass'),
               [rb'l OK .*\r\n'])


def test_starttls_after_login_is_bad(raw: RawClient) -> None:
    raw.expect(raw.command(b'l LOGIN testuser testpass'), [rb'l OK .*\r\n'])
    raw.expect(raw.command(b's STARTTLS'), [rb's BAD .*\r\n'])
    raw.expect(raw.command(b'n NAMESPACE'),
               [rb'\* NAMESPACE .*\r\n', rb'n OK .*\r\n'])


def test_starttls_with_argument_is_bad(raw: RawClient) -> None:
    raw.expect(raw.command(b's STARTTLS now'), [rb's BAD .*\r\n'])
    raw.expect(raw.command(b'n NOOP'), [rb'n OK .*\r\n'])


def test_pipelined_command_is_not_executed(
        raw: RawClient, client_context: ssl.SSLContext) -> None:
    raw.send(b'a STARTTLS\r\nb LOGIN testuser testpass\r\n')
    raw.expect([raw.readline()], [rb'a OK .*\r\n'])
    assert raw.buf == b''
    raw.sock = client_context.wrap_socket(raw.sock,
                                          server_hostname='127.0.0.1')
    lines = raw.command(b'c CAPABILITY')
    raw.expect(lines, [rb'\* CAPABILITY .*\r\n', rb'c OK .*\r\n'])
    assert b'AUTH=PLAIN' in _caps(lines[0]), 'LOGIN b was executed'
    raw.expect(raw.command(b'd NAMESPACE'), [rb'd BAD .*\r\n'])
    raw.expect(raw.command(b'e LOGIN testuser testpass'),
               [rb'e OK .*\r\n'])


def test_pipelined_literal_is_not_executed(
        raw: RawClient, client_context: ssl.SSLContext) -> None:
    raw.send(b'a STARTTLS\r\nb LOGIN testuser {8+}\r\ntestpass\r\n')
    raw.expect([raw.readline()], [rb'a OK .*\r\n'])
    raw.sock = client_context.wrap_socket(raw.sock,
                                          server_hostname='127.0.0.1')
    raw.expect(raw.command(b'd NAMESPACE'), [rb'd BAD .*\r\n'])


def test_garbage_instead_of_handshake(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    try:
        raw.expect(raw.command(b'a STARTTLS'), [rb'a OK .*\r\n'])
        raw.send(b'b LOGIN testuser testpass\r\n')
        assert raw.readline() == b''
    finally:
        raw.close()
    fresh = RawClient(server.host, server.port)
    try:
        fresh.expect(fresh.command(b'x LOGIN testuser testpass'),
                     [rb'x OK .*\r\n'])
    finally:
        fresh.close()


def test_no_certificate_no_starttls(backend: BackendFactory) -> None:
    with ServerThread(backend, IMAPConfig()) as server:
        raw = RawClient(server.host, server.port)
        try:
            assert b'STARTTLS' not in _caps(raw.greeting)
            lines = raw.command(b'c CAPABILITY')
            assert b'STARTTLS' not in _caps(lines[0])
            raw.expect(raw.command(b's STARTTLS'), [rb's BAD .*\r\n'])
            raw.expect(raw.command(b'l LOGIN testuser testpass'),
                       [rb'l OK .*\r\n'])
        finally:
            raw.close()


def test_imaplib_starttls_refused_without_certificate(
        backend: BackendFactory, client_context: ssl.SSLContext) -> None:
    with ServerThread(backend, IMAPConfig()) as server:
        client = imaplib.IMAP4(server.host, server.port, timeout=10)
        try:
            assert 'STARTTLS' not in client.capabilities
            with pytest.raises(imaplib.IMAP4.error, match='TLS'):
                client.starttls(ssl_context=client_context)
            assert not isinstance(client.sock, ssl.SSLSocket)
            assert client.login(USER, PASSWORD)[0] == 'OK'
        finally:
            client.logout()

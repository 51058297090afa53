"""PROXY protocol (HAProxy v1/v2): the header's client address is what
limits and the loopback rule see; a missing or malformed header closes the
connection; a proxy that terminated TLS makes the connection secure.
Plain-text passwords are refused on unprotected, non-loopback connections
(RFC 3501 §6.2.3 LOGINDISABLED, RFC 5530 PRIVACYREQUIRED)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import socket
from collections.abc import Callable, Iterator

import pytest

from pymap.config import IMAPConfig
from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER
from pymap.testing import BackendFactory, ServerThread
from pymap.testing.rawclient import RawClient

from .proxy import proxy_v1, proxy_v2

_LOGIN = b'a LOGIN %s %s' % (USER.encode(), PASSWORD.encode())

Opener = Callable[[bytes], RawClient]


@pytest.fixture(params=['v1', 'v2', 'detect'])
def config(request: pytest.FixtureRequest) -> IMAPConfig:
    return IMAPConfig(proxy_protocol=request.param)


@pytest.fixture
def open_with(server: ServerThread) -> Iterator[Opener]:
    clients: list[RawClient] = []
    sockets: list[socket.socket] = []

    def connect(header: bytes) -> RawClient:
        sock = socket.create_connection((server.host, server.port),
                                        timeout=10)
        sockets.append(sock)
        sock.sendall(header)
        clients.append(RawClient.from_socket(sock))
        return clients[-1]

    yield connect
    for sock in sockets:
        sock.close()


def _header(config: IMAPConfig, address: str, tls: bool = False) -> bytes:
    if config.proxy_protocol == 'v1':
        return proxy_v1(address)
    return proxy_v2(address, tls=tls)


def test_remote_client_gets_logindisabled(config: IMAPConfig,
                                          open_with: Opener) -> None:
    client = open_with(_header(config, '198.51.100.4'))
    assert b'LOGINDISABLED' in client.greeting
    assert b'AUTH=PLAIN' not in client.greeting
    assert b'AUTH=CRAM-MD5' in client.greeting
    lines = client.command(_LOGIN)
    assert lines[-1].startswith(b'a NO [PRIVACYREQUIRED]')
    lines = client.command(b'b AUTHENTICATE PLAIN')
    assert lines[-1].startswith(b'b NO [PRIVACYREQUIRED]')


def test_cram_md5_is_allowed_in_the_clear(config: IMAPConfig,
                                          open_with: Opener,
                                          clear_passwords: bool) -> None:
    client = open_with(_header(config, '198.51.100.4'))
    client.send(b'a AUTHENTICATE CRAM-MD5\r\n')
    challenge = base64.b64decode(client.readline()[2:].strip())
    digest = hmac.new(PASSWORD.encode(), challenge, hashlib.md5).hexdigest()
    answer = f'{USER} {digest}'.encode()
    client.send(base64.b64encode(answer) + b'\r\n')
    outcome = b'a OK' if clear_passwords \
        else b'a NO [AUTHENTICATIONFAILED]'
    assert client.until_tagged(b'a')[-1].startswith(outcome)


def test_loopback_client_may_log_in(config: IMAPConfig,
                                    open_with: Opener) -> None:
    client = open_with(_header(config, '127.0.0.9'))
    assert b'LOGINDISABLED' not in client.greeting
    assert client.command(_LOGIN)[-1].startswith(b'a OK')


def test_tls_terminated_by_proxy_counts_as_secure(
        config: IMAPConfig, open_with: Opener) -> None:
    if config.proxy_protocol == 'v1':
        client = open_with(proxy_v1('198.51.100.4'))
        assert b'LOGINDISABLED' in client.greeting  # v1 cannot say TLS
        return
    client = open_with(_header(config, '198.51.100.4', tls=True))
    assert b'LOGINDISABLED' not in client.greeting
    assert b'STARTTLS' not in client.greeting
    assert client.command(_LOGIN)[-1].startswith(b'a OK')


@pytest.mark.parametrize('header', [b'', b'a1 LOGIN x y\r\n',
                                    b'PROXY TCP4 nonsense\r\n'])
def test_missing_or_bad_header_closes(header: bytes, config: IMAPConfig,
                                      server: ServerThread) -> None:
    with socket.create_connection((server.host, server.port),
                                  timeout=10) as sock:
        sock.sendall(header or b'\r\n')
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(4096) == b''


def test_insecure_login_option(config: IMAPConfig,
                               backend: BackendFactory) -> None:
    relaxed = dataclasses.replace(config, insecure_login=True)
    with ServerThread(backend, relaxed) as server, \
            socket.create_connection((server.host, server.port),
                                     timeout=10) as sock:
        sock.sendall(_header(config, '198.51.100.4'))
        client = RawClient.from_socket(sock)
        assert b'LOGINDISABLED' not in client.greeting
        assert client.command(_LOGIN)[-1].startswith(b'a OK')

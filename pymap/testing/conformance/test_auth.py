"""End-to-end checks of the not-authenticated state: greeting, CAPABILITY,
NOOP, LOGOUT, ID, ENABLE, NAMESPACE, LOGIN and AUTHENTICATE (RFC 3501
§6.1, §6.2; SASL-IR, RFC 4959), the state rules, and that passwords never
reach the log."""

from __future__ import annotations

import hashlib
import hmac
import imaplib
import logging
import re
from base64 import b64decode, b64encode
from collections.abc import Callable

import imapclient
import pytest

from pymap.config import IMAPConfig
from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER
from pymap.testing import BackendFactory, ServerThread
from pymap.testing.rawclient import RawClient

Connect = Callable[..., imaplib.IMAP4]

_PLAIN = b64encode(b'\x00' + USER.encode() + b'\x00' + PASSWORD.encode())
_WRONG_PLAIN = b64encode(b'\x00' + USER.encode() + b'\x00wrongpass')


def _caps(line: bytes) -> set[bytes]:
    """The capability names in a ``CAPABILITY`` response or code."""
    match = re.search(rb'CAPABILITY ([^\]\r\n]*)', line)
    assert match is not None, line
    return set(match.group(1).split())


def _login(raw: RawClient) -> None:
    raw.expect(raw.command(b'L1 LOGIN %s %s' % (USER.encode(),
                                                 PASSWORD.encode())),
               [rb'L1 OK \[CAPABILITY .*\] .*\r\n'])


def _authenticated(raw: RawClient) -> bool:
    """Whether the connection is logged in, judged by a harmless command
    only valid after login."""
    lines = raw.command(b'probe NAMESPACE')
    return lines[-1].startswith(b'probe OK')


# -- greeting, CAPABILITY, NOOP, LOGOUT ---------------------------------------


def test_greeting_carries_capabilities(raw: RawClient) -> None:
    raw.expect([raw.greeting], [rb'\* OK \[CAPABILITY [^\]]+\] .*\r\n'])
    caps = _caps(raw.greeting)
    assert b'IMAP4rev1' in caps
    assert {b'AUTH=PLAIN', b'AUTH=LOGIN', b'AUTH=CRAM-MD5'} <= caps
    assert b'STARTTLS' not in caps  # no certificate configured


def test_capability_before_and_after_login(raw: RawClient) -> None:
    lines = raw.command(b'c1 CAPABILITY')
    raw.expect(lines, [rb'\* CAPABILITY .*\r\n', rb'c1 OK .*\r\n'])
    before = _caps(lines[0])
    assert {b'IMAP4rev1', b'SASL-IR', b'LITERAL+', b'ID', b'ENABLE',
            b'AUTH=PLAIN'} <= before
    lines = raw.command(b'c2 LOGIN testuser testpass')
    assert not any(cap.startswith(b'AUTH=') for cap in _caps(lines[-1]))
    lines = raw.command(b'c3 CAPABILITY')
    raw.expect(lines, [rb'\* CAPABILITY .*\r\n', rb'c3 OK .*\r\n'])
    after = _caps(lines[0])
    assert not any(cap.startswith(b'AUTH=') for cap in after)
    assert b'STARTTLS' not in after
    assert {b'IMAP4rev1', b'IDLE', b'UIDPLUS', b'MOVE', b'NAMESPACE',
            b'CHILDREN', b'UNSELECT', b'MULTIAPPEND', b'BINARY'} <= after
    limits = [cap for cap in after if cap.startswith(b'APPENDLIMIT=')]
    assert limits == [b'APPENDLIMIT=%d' % IMAPConfig().max_append]


def test_noop_in_every_state(raw: RawClient) -> None:
    raw.expect(raw.command(b'n1 NOOP'), [rb'n1 OK .*\r\n'])
    _login(raw)
    raw.expect(raw.command(b'n2 NOOP'), [rb'n2 OK .*\r\n'])
    raw.command(b'n3 SELECT INBOX')
    raw.expect(raw.command(b'n4 noop'), [rb'n4 OK .*\r\n'])


def test_logout_says_bye_then_closes(raw: RawClient) -> None:
    lines = raw.command(b'x LOGOUT')
    raw.expect(lines, [rb'\* BYE .*\r\n', rb'x OK .*\r\n'])
    assert raw.readline() == b''
    assert raw.closed()


def test_logout_after_login(connect: Connect) -> None:
    client = connect()
    typ, data = client.logout()
    assert typ == 'BYE'
    assert data and data[0]


# -- ID, ENABLE, NAMESPACE ----------------------------------------------------


def test_id_nil(raw: RawClient) -> None:
    lines = raw.command(b'i1 ID NIL')
    raw.expect(lines, [rb'\* ID \("name" "pymap" "version" "[^"]+"\)\r\n',
                       rb'i1 OK .*\r\n'])


def test_id_with_parameters(raw: RawClient) -> None:
    lines = raw.command(b'i2 ID ("name" "test suite" "version" NIL)')
    raw.expect(lines, [rb'\* ID \(.*"name" "pymap".*\)\r\n',
                       rb'i2 OK .*\r\n'])


def test_id_malformed_is_bad(raw: RawClient) -> None:
    raw.expect(raw.command(b'i3 ID ("name")'), [rb'i3 BAD .*\r\n'])
    raw.expect(raw.command(b'i4 ID NIL'),
               [rb'\* ID .*\r\n', rb'i4 OK .*\r\n'])


def test_enable(raw: RawClient) -> None:
    # RFC 5161: ENABLE is only valid once authenticated.
    raw.expect(raw.command(b'e0 ENABLE CONDSTORE'), [rb'e0 BAD .*\r\n'])
    _login(raw)
    raw.expect(raw.command(b'e1 ENABLE CONDSTORE UTF8=ACCEPT'),
               [rb'\* ENABLED.*\r\n', rb'e1 OK .*\r\n'])


def test_namespace(imap: imaplib.IMAP4) -> None:
    typ, data = imap.namespace()
    assert typ == 'OK'
    assert data == [b'(("" "/")) NIL NIL']


# -- LOGIN --------------------------------------------------------------------


def test_login_ok_reports_capabilities(raw: RawClient) -> None:
    lines = raw.command(b'a LOGIN testuser testpass')
    raw.expect(lines, [rb'a OK \[CAPABILITY [^\]]*IMAP4rev1[^\]]*\] .*\r\n'])
    assert _authenticated(raw)


def test_login_wrong_password_keeps_connection(raw: RawClient) -> None:
    lines = raw.command(b'a LOGIN testuser wrongpass')
    raw.expect(lines, [rb'a NO \[AUTHENTICATIONFAILED\] .*\r\n'])
    assert not _authenticated(raw)
    lines = raw.command(b'b LOGIN nosuchuser testpass')
    raw.expect(lines, [rb'b NO \[AUTHENTICATIONFAILED\] .*\r\n'])
    raw.expect(raw.command(b'c LOGIN testuser testpass'), [rb'c OK .*\r\n'])
    assert _authenticated(raw)


def test_login_wrong_password_imaplib(connect: Connect) -> None:
    client = connect(login=False)
    with pytest.raises(imaplib.IMAP4.error, match='AUTHENTICATIONFAILED'):
        client.login(USER, 'wrongpass')
    typ, _ = client.login(USER, PASSWORD)
    assert typ == 'OK'
    assert client.state == 'AUTH'


def test_login_quoted_strings(raw: RawClient) -> None:
    raw.expect(raw.command(b'a LOGIN "testuser" "testpass"'),
               [rb'a OK .*\r\n'])


def test_login_literal_password(raw: RawClient) -> None:
    raw.send(b'a LOGIN testuser {8}\r\n')
    raw.expect([raw.readline()], [rb'\+ .*\r\n'])
    raw.send(b'testpass\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a OK .*\r\n'])
    assert _authenticated(raw)


def test_login_nonsync_literals(raw: RawClient) -> None:
    raw.send(b'a LOGIN {8+}\r\ntestuser {8+}\r\ntestpass\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a OK .*\r\n'])


def test_login_missing_argument_is_bad(raw: RawClient) -> None:
    raw.expect(raw.command(b'a LOGIN testuser'), [rb'a BAD .*\r\n'])
    raw.expect(raw.command(b'b LOGIN testuser testpass'), [rb'b OK .*\r\n'])


# -- AUTHENTICATE -------------------------------------------------------------


def test_authenticate_plain_with_continuation(raw: RawClient) -> None:
    raw.send(b'a AUTHENTICATE PLAIN\r\n')
    raw.expect([raw.readline()], [rb'\+ ?\r\n'])
    raw.send(_PLAIN + b'\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a OK .*\r\n'])
    assert _authenticated(raw)


def test_authenticate_plain_sasl_ir(raw: RawClient) -> None:
    lines = raw.command(b'a AUTHENTICATE PLAIN ' + _PLAIN)
    raw.expect(lines, [rb'a OK \[CAPABILITY .*\] .*\r\n'])
    assert _authenticated(raw)


def test_authenticate_plain_wrong_password(raw: RawClient) -> None:
    lines = raw.command(b'a AUTHENTICATE PLAIN ' + _WRONG_PLAIN)
    raw.expect(lines, [rb'a NO \[AUTHENTICATIONFAILED\] .*\r\n'])
    assert not _authenticated(raw)
    raw.expect(raw.command(b'b AUTHENTICATE PLAIN ' + _PLAIN),
               [rb'b OK .*\r\n'])


def test_authenticate_plain_with_authzid(raw: RawClient) -> None:
    own = b64encode(b'testuser\x00testuser\x00testpass')
    raw.expect(raw.command(b'a AUTHENTICATE PLAIN ' + own),
               [rb'a OK .*\r\n'])


def test_authenticate_plain_other_authzid_refused(raw: RawClient) -> None:
    other = b64encode(b'otheruser\x00testuser\x00testpass')
    raw.expect(raw.command(b'a AUTHENTICATE PLAIN ' + other),
               [rb'a NO .*\r\n'])
    assert not _authenticated(raw)


def test_authenticate_login(raw: RawClient) -> None:
    raw.send(b'a AUTHENTICATE LOGIN\r\n')
    line = raw.readline()
    raw.expect([line], [rb'\+ \S+\r\n'])
    assert b64decode(line[2:]).lower().startswith(b'username')
    raw.send(b64encode(USER.encode()) + b'\r\n')
    line = raw.readline()
    raw.expect([line], [rb'\+ \S+\r\n'])
    assert b64decode(line[2:]).lower().startswith(b'password')
    raw.send(b64encode(PASSWORD.encode()) + b'\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a OK .*\r\n'])
    assert _authenticated(raw)


def _cram_md5(raw: RawClient, password: str) -> list[bytes]:
    raw.send(b'a AUTHENTICATE CRAM-MD5\r\n')
    line = raw.readline()
    raw.expect([line], [rb'\+ \S+\r\n'])
    challenge = b64decode(line[2:].strip())
    assert re.fullmatch(rb'<.+@.+>', challenge), challenge
    digest = hmac.new(password.encode(), challenge, hashlib.md5).hexdigest()
    raw.send(b64encode(f'{USER} {digest}'.encode()) + b'\r\n')
    return raw.until_tagged(b'a')


def _cram_md5_outcome(clear_passwords: bool) -> list[bytes]:
    """CRAM-MD5 succeeds where the backend has clear passwords, and is
    refused like a wrong password where it keeps only hashes."""
    return [rb'a OK .*\r\n'] if clear_passwords \
        else [rb'a NO \[AUTHENTICATIONFAILED\] .*\r\n']


def test_authenticate_cram_md5(raw: RawClient,
                               clear_passwords: bool) -> None:
    raw.expect(_cram_md5(raw, PASSWORD), _cram_md5_outcome(clear_passwords))
    assert _authenticated(raw) == clear_passwords


def test_authenticate_cram_md5_wrong_password(raw: RawClient) -> None:
    raw.expect(_cram_md5(raw, 'wrongpass'),
               [rb'a NO \[AUTHENTICATIONFAILED\] .*\r\n'])
    assert not _authenticated(raw)


def test_authenticate_cram_md5_initial_response_is_bad(
        raw: RawClient, clear_passwords: bool) -> None:
    """RFC 4959 §3: a server-first mechanism takes no initial
    response."""
    initial = b64encode(b'testuser 0123456789abcdef0123456789abcdef')
    raw.expect(raw.command(b'a AUTHENTICATE CRAM-MD5 ' + initial),
               [rb'a BAD .*\r\n'])
    raw.expect(_cram_md5(raw, PASSWORD), _cram_md5_outcome(clear_passwords))


def test_authenticate_login_initial_username(raw: RawClient) -> None:
    raw.send(b'a AUTHENTICATE LOGIN ' + b64encode(USER.encode()) + b'\r\n')
    line = raw.readline()
    raw.expect([line], [rb'\+ \S+\r\n'])
    assert b64decode(line[2:]).lower().startswith(b'password')
    raw.send(b64encode(PASSWORD.encode()) + b'\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a OK .*\r\n'])


def test_authenticate_cancelled(raw: RawClient) -> None:
    raw.send(b'a AUTHENTICATE PLAIN\r\n')
    raw.expect([raw.readline()], [rb'\+ ?\r\n'])
    raw.send(b'*\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a BAD .*\r\n'])
    assert not _authenticated(raw)
    raw.expect(raw.command(b'b LOGIN testuser testpass'), [rb'b OK .*\r\n'])


def test_authenticate_login_cancelled_midway(raw: RawClient) -> None:
    raw.send(b'a AUTHENTICATE LOGIN\r\n')
    raw.readline()
    raw.send(b64encode(USER.encode()) + b'\r\n')
    raw.expect([raw.readline()], [rb'\+ \S+\r\n'])
    raw.send(b'*\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a BAD .*\r\n'])
    assert not _authenticated(raw)


def test_authenticate_invalid_base64_response(raw: RawClient) -> None:
    raw.send(b'a AUTHENTICATE PLAIN\r\n')
    raw.readline()
    raw.send(b'!!!not base64!!!\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a BAD .*\r\n'])
    raw.expect(raw.command(b'b NOOP'), [rb'b OK .*\r\n'])


@pytest.mark.parametrize('initial', [b'abc', b'!!!', b'AAAA====='])
def test_authenticate_invalid_base64_initial(raw: RawClient,
                                             initial: bytes) -> None:
    lines = raw.command(b'a AUTHENTICATE PLAIN ' + initial)
    raw.expect(lines, [rb'a BAD .*\r\n'])
    assert not _authenticated(raw)


def test_authenticate_unknown_mechanism(raw: RawClient) -> None:
    lines = raw.command(b'a AUTHENTICATE X-UNKNOWN')
    raw.expect(lines, [rb'a NO .*\r\n'])
    raw.expect(raw.command(b'b LOGIN testuser testpass'), [rb'b OK .*\r\n'])


def test_authenticate_imaplib_plain(connect: Connect) -> None:
    client = connect(login=False)
    creds = f'\0{USER}\0{PASSWORD}'.encode()
    typ, _ = client.authenticate('PLAIN', lambda _challenge: creds)
    assert typ == 'OK'
    assert client.state == 'AUTH'
    assert client.select('INBOX')[0] == 'OK'


def test_authenticate_imaplib_cram_md5(connect: Connect,
                                      clear_passwords: bool) -> None:
    client = connect(login=False)
    if not clear_passwords:
        with pytest.raises(imaplib.IMAP4.error,
                           match='AUTHENTICATIONFAILED'):
            client.login_cram_md5(USER, PASSWORD)
        return
    typ, _ = client.login_cram_md5(USER, PASSWORD)
    assert typ == 'OK'
    assert client.namespace()[0] == 'OK'


def test_imapclient_plain_login(server: ServerThread) -> None:
    client = imapclient.IMAPClient(server.host, server.port, ssl=False,
                                   timeout=10)
    try:
        result = client.plain_login(USER, PASSWORD)
        assert b'Authentication successful' in result
        assert client.list_folders() == [((b'\\HasNoChildren',), b'/',
                                          'INBOX')]
    finally:
        client.logout()


def test_imapclient_login_failure(server: ServerThread) -> None:
    client = imapclient.IMAPClient(server.host, server.port, ssl=False,
                                   timeout=10)
    try:
        with pytest.raises(imapclient.exceptions.LoginError):
            client.login(USER, 'wrongpass')
        assert client.login(USER, PASSWORD)
        assert client.select_folder('INBOX')[b'EXISTS'] == 0
    finally:
        client.logout()


# -- state rules --------------------------------------------------------------


def test_select_before_login_is_bad(raw: RawClient) -> None:
    raw.expect(raw.command(b'a SELECT INBOX'),
               [rb'a BAD .*not authenticated.*\r\n'])


@pytest.mark.parametrize('command', [
    b'LIST "" "*"', b'CREATE foo', b'STATUS INBOX (MESSAGES)',
    b'APPEND INBOX {1+}\r\nx', b'IDLE', b'FETCH 1 FLAGS', b'CLOSE'])
def test_commands_before_login_are_bad(raw: RawClient,
                                       command: bytes) -> None:
    raw.expect(raw.command(b'a ' + command), [rb'a BAD .*\r\n'])
    raw.expect(raw.command(b'b NOOP'), [rb'b OK .*\r\n'])


def test_idle_without_selected_mailbox(raw: RawClient,
                                       server: ServerThread) -> None:
    """IDLE is valid once authenticated (RFC 2177); with nothing
    selected it must still leave the server free for other clients."""
    _login(raw)
    raw.send(b'i IDLE\r\n')
    raw.expect([raw.readline()], [rb'\+ .*\r\n'])
    other = RawClient(server.host, server.port, timeout=5)
    try:
        other.expect(other.command(b'o NOOP'), [rb'o OK .*\r\n'])
    finally:
        other.close()
    raw.send(b'DONE\r\n')
    raw.expect(raw.until_tagged(b'i'), [rb'i OK .*\r\n'])
    assert _authenticated(raw)


def test_login_after_login_is_bad(raw: RawClient) -> None:
    _login(raw)
    raw.expect(raw.command(b'a LOGIN testuser testpass'),
               [rb'a BAD .*\r\n'])
    raw.expect(raw.command(b'b AUTHENTICATE PLAIN ' + _PLAIN),
               [rb'b BAD .*\r\n'])
    assert _authenticated(raw)


def test_fetch_without_selected_mailbox_is_bad(raw: RawClient) -> None:
    _login(raw)
    raw.expect(raw.command(b'a FETCH 1 FLAGS'), [rb'a BAD .*\r\n'])
    raw.expect(raw.command(b'b SELECT INBOX'),
               [rb'\* .*\r\n'] * 6 + [rb'b OK \[READ-WRITE\] .*\r\n'])
    raw.expect(raw.command(b'c UID FETCH 1:* FLAGS'), [rb'c OK .*\r\n'])
    raw.expect(raw.command(b'd CLOSE'), [rb'd OK .*\r\n'])
    raw.expect(raw.command(b'e UID FETCH 1:* FLAGS'), [rb'e BAD .*\r\n'])


# -- secrets and the log ------------------------------------------------------


def _secrets() -> list[bytes]:
    """The password and every encoding of it a client sends here."""
    password = PASSWORD.encode()
    return [password, _PLAIN, b64encode(password),
            b64encode(b'\x00' + USER.encode() + b'\x00' + password)[:-4]]


def _exchange_credentials(client: RawClient) -> None:
    client.expect(client.command(b'a LOGIN testuser testpass'),
                  [rb'a OK .*\r\n'])


def _exchange_literal(client: RawClient) -> None:
    client.send(b'a LOGIN testuser {8}\r\n')
    client.readline()
    client.send(b'testpass\r\n')
    client.expect(client.until_tagged(b'a'), [rb'a OK .*\r\n'])


def _exchange_plain(client: RawClient) -> None:
    client.send(b'a AUTHENTICATE PLAIN\r\n')
    client.readline()
    client.send(_PLAIN + b'\r\n')
    client.expect(client.until_tagged(b'a'), [rb'a OK .*\r\n'])


def _exchange_sasl_ir(client: RawClient) -> None:
    client.expect(client.command(b'a AUTHENTICATE PLAIN ' + _PLAIN),
                  [rb'a OK .*\r\n'])


def _exchange_sasl_login(client: RawClient) -> None:
    client.send(b'a AUTHENTICATE LOGIN\r\n')
    client.readline()
    client.send(b64encode(USER.encode()) + b'\r\n')
    client.readline()
    client.send(b64encode(PASSWORD.encode()) + b'\r\n')
    client.expect(client.until_tagged(b'a'), [rb'a OK .*\r\n'])


def _exchange_wrong(client: RawClient) -> None:
    client.expect(client.command(b'a LOGIN testuser "testpass!"'),
                  [rb'a NO .*\r\n'])


@pytest.mark.parametrize('exchange', [
    _exchange_credentials, _exchange_literal, _exchange_plain,
    _exchange_sasl_ir, _exchange_sasl_login, _exchange_wrong])
def test_passwords_never_logged(backend: BackendFactory,
                                caplog: pytest.LogCaptureFixture,
                                exchange: Callable[[RawClient], None]
                                ) -> None:
    caplog.set_level(logging.DEBUG)
    with ServerThread(backend, IMAPConfig(debug=True)) as server:
        client = RawClient(server.host, server.port)
        try:
            exchange(client)
            client.command(b'z LOGOUT')
        finally:
            client.close()
    records = caplog.records
    assert any(record.levelno == logging.DEBUG
               and record.name.startswith('pymap')
               for record in records), 'the exchange was not logged'
    for record in records:
        text = record.getMessage() + (record.exc_text or '')
        for secret in _secrets():
            assert secret.decode() not in text, (secret, text)

"""End-to-end checks that malformed, oversized or interrupted input gets a
``BAD`` (or ``NO [TOOBIG]``) and never takes the server down: after every
test here, a fresh connection must still be served."""

from __future__ import annotations

import imaplib
import logging
import socket
from collections.abc import Iterator

import pytest

from pymap.config import IMAPConfig
from pymap.imap.stream import MULTIAPPEND_FACTOR
from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER
from pymap.testing import BackendFactory, ServerThread
from pymap.testing.rawclient import RawClient

MAX_LINE = 1024
MAX_LITERAL = 2048
MAX_APPEND = 4096
#: The most literal octets any command may carry: a refused
#: non-synchronizing literal up to this size is skipped, a larger one ends
#: the connection.
MOST_PER_COMMAND = MAX_APPEND * MULTIAPPEND_FACTOR
_MESSAGE = b'Subject: hi\r\n\r\nhello\r\n'


@pytest.fixture
def config() -> IMAPConfig:
    """Small limits, so that exceeding them is cheap."""
    return IMAPConfig(max_line_length=MAX_LINE, max_literal=MAX_LITERAL,
                      max_append=MAX_APPEND)


def _serves(host: str, port: int) -> None:
    """Asserts a new client is greeted, can log in and log out."""
    client = RawClient(host, port, timeout=5)
    try:
        assert client.greeting.startswith(b'* OK '), client.greeting
        lines = client.command(b'h LOGIN %s %s' % (USER.encode(),
                                                   PASSWORD.encode()))
        assert lines[-1].startswith(b'h OK '), lines
        assert client.command(b'h2 LOGOUT')[-1].startswith(b'h2 OK ')
    finally:
        client.close()


@pytest.fixture(autouse=True)
def still_serving(server: ServerThread,
                  caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """After each test: the server takes new connections and has logged
    no unexpected error."""
    caplog.set_level(logging.INFO, logger='pymap')
    yield
    _serves(server.host, server.port)
    errors = [record for record in caplog.records
              if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]


@pytest.fixture
def client(raw: RawClient) -> RawClient:
    """A raw client logged in as ``testuser``."""
    _login(raw)
    return raw


@pytest.fixture
def selected(client: RawClient) -> RawClient:
    """A logged-in raw client with INBOX (two messages) selected."""
    for _ in range(2):
        lines = client.command(b'p APPEND INBOX {%d+}\r\n%s'
                               % (len(_MESSAGE), _MESSAGE))
        assert lines[-1].startswith(b'p OK '), lines
    assert client.command(b's SELECT INBOX')[-1].startswith(b's OK ')
    return client


def _login(raw: RawClient) -> None:
    lines = raw.command(b'L LOGIN %s %s' % (USER.encode(), PASSWORD.encode()))
    assert lines[-1].startswith(b'L OK '), lines


def _alive(raw: RawClient, tag: bytes = b'ok') -> None:
    raw.expect(raw.command(tag + b' NOOP'), [tag + rb' OK .*\r\n'])


def _inbox_count(raw: RawClient) -> int:
    lines = raw.command(b'st STATUS INBOX (MESSAGES)')
    assert lines[-1].startswith(b'st OK '), lines
    return int(lines[0].split()[-1].rstrip(b')'))


# -- garbage ------------------------------------------------------------------


@pytest.mark.parametrize(('line', 'tag'), [
    (b'foo', b'foo'),
    (b'a', b'a'),
    (b'a FROBNICATE', b'a'),
    (b'a NOOP extra', b'a'),
    (b'a  NOOP', b'a'),
    (b'a NOOP\x00', b'a'),
    (b'a LOGIN us\xe9r pass', b'a'),
    (b'a LOGIN "testuser" "test\x00pass"', b'a'),
    (b'a CAPABILITY (', b'a'),
    (b'', b'\\*'),
    (b'   ', b'\\*'),
    (b'(((', b'\\*'),
    (b')', b'\\*'),
    (b'\x00\x00\x00', b'\\*'),
    (b'\xff\xfe\xfd garbage', b'\\*'),
    (b'* NOOP', b'\\*'),
    (b'+ NOOP', b'\\*'),
    (b'{5}', b'\\*'),
    (b'a {5}', b'a'),
    (b'(x {5+}\r\nhello', b'\\*'),
    (b'"a" NOOP', b'\\*'),
])
def test_garbage_line_is_bad(raw: RawClient, line: bytes, tag: bytes) -> None:
    raw.send(line + b'\r\n')
    raw.expect([raw.readline()], [tag + rb' BAD .*\r\n'])
    _alive(raw)


def test_bare_lf_line_ending(raw: RawClient) -> None:
    raw.send(b'a NOOP\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a OK .*\r\n'])


def test_garbage_after_login_keeps_session(client: RawClient) -> None:
    client.expect(client.command(b'x SELECT'), [rb'x BAD .*\r\n'])
    client.expect(client.command(b'y LIST "" "*" extra'), [rb'y BAD .*\r\n'])
    lines = client.command(b'z LIST "" "INBOX"')
    client.expect(lines, [rb'\* LIST .* INBOX\r\n', rb'z OK .*\r\n'])


@pytest.mark.parametrize('command', [
    b'FETCH 1 (FLAGS', b'FETCH 1 FLAGS)', b'FETCH 1 ((FLAGS))',
    b'FETCH 1 (FLAGS))', b'FETCH 1 BODY[HEADER', b'FETCH 1 BODY[]<0.>',
    b'SEARCH (ALL', b'SEARCH ALL)', b'SEARCH ((ALL)',
    b'STORE 1 +FLAGS (\\Seen',
    b'STORE 1 +FLAGS (\\Recent)', b'STORE 1 FROB (\\Seen)',
    b'FETCH 0 FLAGS', b'FETCH 1:0 FLAGS', b'FETCH abc FLAGS',
    b'FETCH 1,,2 FLAGS', b'FETCH 1: FLAGS', b'FETCH :2 FLAGS',
    b'FETCH -1 FLAGS', b'FETCH 1.5 FLAGS', b'FETCH 4294967296 FLAGS',
    b'FETCH 99999999999999999999999 FLAGS', b'FETCH 3 FLAGS',
    b'FETCH 1,3 FLAGS', b'FETCH $ FLAGS', b'UID FETCH 0 FLAGS',
    b'UID FETCH x FLAGS', b'COPY 0 INBOX', b'STORE 7 +FLAGS (\\Seen)',
    b'UID', b'UID FROB 1', b'SEARCH', b'SEARCH BOGUS',
    b'SEARCH SINCE 31-Feb-2024', b'SEARCH LARGER x',
])
def test_malformed_selected_commands(selected: RawClient,
                                     command: bytes) -> None:
    selected.expect(selected.command(b'b ' + command), [rb'b BAD .*\r\n'])
    lines = selected.command(b'f FETCH 1:* (FLAGS)')
    assert len(lines) == 3 and lines[-1].startswith(b'f OK '), lines


def test_uid_ranges_need_not_match(selected: RawClient) -> None:
    lines = selected.command(b'u UID FETCH 99:100 FLAGS')
    selected.expect(lines, [rb'u OK .*\r\n'])
    lines = selected.command(b'v FETCH 2:* FLAGS')
    selected.expect(lines, [rb'\* 2 FETCH .*\r\n', rb'v OK .*\r\n'])


def test_search_unknown_charset(selected: RawClient) -> None:
    lines = selected.command(b'c SEARCH CHARSET KOI8-R TEXT hello')
    selected.expect(lines, [rb'c NO \[BADCHARSET[ \]].*\r\n'])
    assert b'UTF-8' in lines[0]
    lines = selected.command(b'd SEARCH CHARSET UTF-8 TEXT hello')
    selected.expect(lines, [rb'\* SEARCH 1 2\r\n', rb'd OK .*\r\n'])
    lines = selected.command(b'e SEARCH CHARSET "X-BOGUS" ALL')
    selected.expect(lines, [rb'e NO \[BADCHARSET.*\r\n'])


def test_idle_without_done(client: RawClient) -> None:
    client.send(b'i IDLE\r\n')
    client.expect([client.readline()], [rb'\+ .*\r\n'])
    client.send(b'NOT DONE\r\n')
    client.expect(client.until_tagged(b'i'), [rb'i BAD .*\r\n'])
    _alive(client)


# -- the BAD streak -----------------------------------------------------------


def test_ten_bads_in_a_row_close(raw: RawClient) -> None:
    for number in range(9):
        raw.expect(raw.command(b'b%d BOGUS' % number), [rb'b\d BAD .*\r\n'])
    raw.send(b'last BOGUS\r\n')
    raw.expect([raw.readline(), raw.readline()],
               [rb'last BAD .*\r\n', rb'\* BYE .*\r\n'])
    assert raw.readline() == b''
    assert raw.closed()


def test_pipelined_bads_close(raw: RawClient) -> None:
    raw.send(b''.join(b'x%d ?\r\n' % number for number in range(12)))
    lines = [raw.readline() for _ in range(11)]
    raw.expect(lines, [rb'x\d BAD .*\r\n'] * 10 + [rb'\* BYE .*\r\n'])
    assert raw.readline() == b''


def test_good_command_resets_streak(raw: RawClient) -> None:
    for _round in range(3):
        for number in range(9):
            raw.expect(raw.command(b'b%d ?' % number), [rb'b\d BAD .*\r\n'])
        _alive(raw)
    raw.expect(raw.command(b'n LOGIN testuser wrong'), [rb'n NO .*\r\n'])
    for number in range(9):
        raw.expect(raw.command(b'c%d ?' % number), [rb'c\d BAD .*\r\n'])
    _alive(raw)


# -- line and literal limits --------------------------------------------------


def test_overlong_line_is_drained(raw: RawClient) -> None:
    raw.send(b'long NOOP ' + b'x' * (MAX_LINE * 8) + b'\r\nnext NOOP\r\n')
    raw.expect([raw.readline()], [rb'long BAD .*\r\n'])
    raw.expect(raw.until_tagged(b'next'), [rb'next OK .*\r\n'])


def test_overlong_line_in_pieces(raw: RawClient) -> None:
    raw.send(b'long ID ("x" "')
    for _ in range(10):
        raw.send(b'y' * 500)
    raw.send(b'")\r\n')
    raw.expect([raw.readline()], [rb'long BAD .*\r\n'])
    _alive(raw)


def test_line_at_the_limit_is_accepted(raw: RawClient) -> None:
    head = b'a ID ("k" "'
    value = b'v' * (MAX_LINE - len(head) - 2)
    line = head + value + b'")'
    assert len(line) == MAX_LINE
    raw.expect(raw.command(line), [rb'\* ID .*\r\n', rb'a OK .*\r\n'])
    raw.expect(raw.command(b'b' + line[1:] + b' '), [rb'b BAD .*\r\n'])


def test_overlong_line_ending_in_nonsync_literal(client: RawClient) -> None:
    body = b'c LOGOUT\r\n' * 100
    client.send(b'a APPEND INBOX (' + b'\\Seen ' * 300 + b') {%d+}\r\n'
                % len(body) + body + b'\r\n')
    client.expect([client.readline()], [rb'a BAD .*\r\n'])
    _alive(client)
    assert _inbox_count(client) == 0


def test_overlong_line_ending_in_sync_literal(client: RawClient) -> None:
    client.send(b'a APPEND INBOX (' + b'\\Seen ' * 300 + b') {10}\r\n')
    client.expect([client.readline()], [rb'a BAD .*\r\n'])
    _alive(client)


def _overlong_line(announcement: bytes, length: int = MAX_LINE * 3,
                   eol: bytes = b'\r\n') -> bytes:
    """An APPEND line of at least *length* octets before *eol*, longer
    than ``MAX_LINE``, ending in the literal *announcement* (``{5+}``)."""
    head = b'a APPEND INBOX'
    pad = max(length - len(head) - len(announcement) - 1, 0)
    return head + b'x' * pad + b' ' + announcement + eol


@pytest.mark.parametrize('line', [
    _overlong_line(b'{%d+}' % (MOST_PER_COMMAND + 1), MAX_LINE + 1, b'\n'),
    _overlong_line(b'{%d+}' % (MOST_PER_COMMAND + 1)),
    _overlong_line(b'{%s+}' % (b'9' * 21)),
    _overlong_line(b'~{%s+}' % (b'9' * 5000)),
], ids=['whole-line', 'drained-line', '21-digits', '5000-digits'])
def test_overlong_line_with_literal_too_large_to_skip_closes(
        client: RawClient, line: bytes) -> None:
    """The over-long line is refused, and the literal it announces, too
    large to skip as it arrives (RFC 7888 §4), is neither skipped nor read
    as commands: an untagged BYE ends the connection (RFC 3501 §7.1.5)."""
    client.send(line + b'b LOGOUT\r\n')
    assert client.readline() == b'a BAD Command line too long.\r\n'
    assert client.readline() == b'* BYE Literal too large to skip.\r\n'
    assert client.readline() == b''
    assert client.closed()


@pytest.mark.parametrize(('length', 'eol'), [
    (MAX_LINE + 1, b'\n'), (MAX_LINE * 3, b'\r\n'),
], ids=['whole-line', 'drained-line'])
def test_overlong_line_skips_literal_up_to_most_per_command(
        client: RawClient, length: int, eol: bytes) -> None:
    """A non-synchronizing literal as large as a command may carry, on an
    over-long line, is skipped as it arrives (RFC 7888 §4); its octets are
    not read as commands and the connection stays usable."""
    body = (b'c LOGOUT\r\n' * MOST_PER_COMMAND)[:MOST_PER_COMMAND]
    client.send(_overlong_line(b'{%d+}' % len(body), length, eol) + body
                + b'\r\n')
    assert client.readline() == b'a BAD Command line too long.\r\n'
    _alive(client)
    assert _inbox_count(client) == 0


@pytest.mark.parametrize('size', [
    b'%d' % (MOST_PER_COMMAND + 1), b'9' * 21, b'9' * 5000,
], ids=['over-most-per-command', '21-digits', '5000-digits'])
def test_overlong_line_ending_in_large_sync_literal(client: RawClient,
                                                    size: bytes) -> None:
    """A synchronizing literal is only sent after a continuation request
    (RFC 3501 §7.5), which an over-long line never gets: nothing is
    skipped, and the next line is a command."""
    client.send(_overlong_line(b'{%s}' % size) + b'b NOOP\r\n')
    assert client.readline() == b'a BAD Command line too long.\r\n'
    client.expect(client.until_tagged(b'b'), [rb'b OK .*\r\n'])


def test_default_config_64k_line(backend: BackendFactory) -> None:
    with ServerThread(backend) as server:
        raw = RawClient(server.host, server.port)
        try:
            raw.send(b'big LOGIN testuser ' + b'p' * (70 * 1024) + b'\r\n')
            raw.expect([raw.readline()], [rb'big BAD .*\r\n'])
            raw.expect(raw.command(b'ok LOGIN testuser testpass'),
                       [rb'ok OK .*\r\n'])
            raw.send(b'big2 NOOP ' + b'z' * (256 * 1024) + b'\r\n')
            raw.expect([raw.readline()], [rb'big2 BAD .*\r\n'])
            _alive(raw)
        finally:
            raw.close()
        _serves(server.host, server.port)


def test_sync_literal_over_limit_gets_no_continuation(raw: RawClient) -> None:
    raw.send(b'a LOGIN testuser {%d}\r\n' % (MAX_LITERAL + 1))
    raw.expect([raw.readline()], [rb'a BAD .*\r\n'])
    raw.expect(raw.command(b'b LOGIN testuser {8+}\r\ntestpass'),
               [rb'b OK .*\r\n'])


def test_sync_literal_at_limit_accepted(raw: RawClient) -> None:
    raw.send(b'a LOGIN testuser {%d}\r\n' % MAX_LITERAL)
    raw.expect([raw.readline()], [rb'\+ .*\r\n'])
    raw.send(b'p' * MAX_LITERAL + b'\r\n')
    raw.expect(raw.until_tagged(b'a'),
               [rb'a NO \[AUTHENTICATIONFAILED\] .*\r\n'])


def test_nonsync_literal_over_limit_is_drained(raw: RawClient) -> None:
    body = (b'b LOGOUT\r\n' * MAX_LITERAL)[:MAX_LITERAL + 1]
    raw.send(b'a LOGIN testuser {%d+}\r\n%s tail\r\n'
             % (len(body), body))
    raw.expect([raw.readline()], [rb'a BAD .*\r\n'])
    _alive(raw)


def test_literals_add_up_to_the_limit(raw: RawClient) -> None:
    half = MAX_LITERAL // 2 + 1
    raw.send(b'a LOGIN {%d+}\r\n%s {%d+}\r\n%s\r\n'
             % (half, b'u' * half, half, b'p' * half))
    raw.expect([raw.readline()], [rb'a BAD .*\r\n'])
    _alive(raw)


@pytest.mark.parametrize('digits', [20, 21, 5000])
def test_literal_count_too_long(raw: RawClient, digits: int) -> None:
    raw.send(b'a LOGIN {%s}\r\n' % (b'9' * digits))
    raw.expect([raw.readline()], [rb'a BAD .*\r\n'])
    _alive(raw)


@pytest.mark.parametrize('size', [b'9' * 21, b'%d' % (MAX_APPEND * 5)])
def test_nonsync_literal_too_large_to_skip_closes(client: RawClient,
                                                  size: bytes) -> None:
    """What follows such an announcement is neither read as commands
    nor waited for (RFC 7888 §4): the connection ends."""
    client.send(b'a APPEND INBOX {%s+}\r\nb LOGOUT\r\n' % size)
    client.expect([client.readline(), client.readline()],
                  [rb'a NO \[TOOBIG\] .*\r\n', rb'\* BYE .*\r\n'])
    assert client.readline() == b''


def test_number_of_thousands_of_digits(selected: RawClient) -> None:
    number = b'1' * 5000
    for command in (b'FETCH %s FLAGS', b'FETCH 1 BODY.PEEK[%s]',
                    b'FETCH 1 BODY.PEEK[]<0.%s>', b'SEARCH LARGER %s'):
        line, = selected.command(b'b ' + command % number)
        selected.expect([line], [rb'b BAD .*\r\n'])
        assert b'digits' not in line and b'sys.' not in line, line
    _alive(selected)


def test_append_literal_before_login_uses_literal_limit(
        raw: RawClient) -> None:
    raw.send(b'a APPEND INBOX {%d}\r\n' % (MAX_LITERAL + 1))
    raw.expect([raw.readline()], [rb'a BAD .*\r\n'])
    _alive(raw)


# -- APPEND limits ------------------------------------------------------------


def test_append_sync_over_limit_refused_before_data(client: RawClient
                                                    ) -> None:
    client.send(b'a APPEND INBOX (\\Seen) {%d}\r\n' % (MAX_APPEND + 1))
    line = client.readline()
    client.expect([line], [rb'a NO \[TOOBIG\] .*\r\n'])
    _alive(client)
    assert _inbox_count(client) == 0


def test_append_at_limit_accepted(client: RawClient) -> None:
    message = b'Subject: big\r\n\r\n' + b'x' * (MAX_APPEND - 16)
    assert len(message) == MAX_APPEND
    client.send(b'a APPEND INBOX {%d}\r\n' % len(message))
    client.expect([client.readline()], [rb'\+ .*\r\n'])
    client.send(message + b'\r\n')
    client.expect(client.until_tagged(b'a'), [rb'a OK \[APPENDUID .*\r\n'])
    assert _inbox_count(client) == 1


def test_append_nonsync_over_limit_drained(client: RawClient) -> None:
    body = b'b LOGOUT\r\n' * (MAX_APPEND // 10 + 1)
    client.send(b'a APPEND INBOX {%d+}\r\n%s\r\nc NOOP\r\n'
                % (len(body), body))
    client.expect([client.readline()], [rb'a NO \[TOOBIG\] .*\r\n'])
    client.expect(client.until_tagged(b'c'), [rb'c OK .*\r\n'])
    assert _inbox_count(client) == 0


def test_multiappend_second_over_limit(client: RawClient) -> None:
    big = MAX_APPEND + 1
    client.send(b'a APPEND INBOX {%d+}\r\n%s {%d+}\r\n%s\r\n'
                % (len(_MESSAGE), _MESSAGE, big, b'y' * big))
    client.expect([client.readline()], [rb'a NO \[TOOBIG\] .*\r\n'])
    _alive(client)
    assert _inbox_count(client) == 0


def test_imaplib_append_too_big(server: ServerThread) -> None:
    client = imaplib.IMAP4(server.host, server.port, timeout=10)
    try:
        client.login(USER, PASSWORD)
        typ, data = client.append('INBOX', None, None,
                                  b'z' * (MAX_APPEND + 1))
        assert typ == 'NO'
        assert data[0].startswith(b'[TOOBIG] ')
        assert client.status('INBOX', '(MESSAGES)') == (
            'OK', [b'INBOX (MESSAGES 0)'])
    finally:
        client.logout()


# -- the refused literals of one command add up -------------------------------


def _refused_append(*sizes: int) -> bytes:
    """An APPEND whose first literal, over APPENDLIMIT, is refused, with
    literals of *sizes* octets after it: all non-synchronizing, each
    announced on its own line and sent, but the last only announced."""
    first = MAX_APPEND + 1
    return b''.join([b'a APPEND INBOX {%d+}\r\n' % first, b'm' * first,
                     *(b' {%d+}\r\n%s' % (size, b'n' * size)
                       for size in sizes)])


def _assert_refused_then_bye(client: RawClient) -> None:
    """The command's refusal, then an untagged BYE (RFC 3501 §7.1.5) and
    the end of the connection."""
    client.expect([client.readline()], [rb'a NO \[TOOBIG\] .*\r\n'])
    assert client.readline() == b'* BYE Literal too large to skip.\r\n'
    assert client.readline() == b''
    assert client.closed()


@pytest.mark.parametrize('line', [
    b' {%d+}\r\n' % (MOST_PER_COMMAND + 1),
    b' {%s+}\r\n' % (b'9' * 21),
    _overlong_line(b'{%d+}' % (MOST_PER_COMMAND + 1), MAX_LINE + 1, b'\n'),
    _overlong_line(b'~{%s+}' % (b'9' * 5000)),
], ids=['short-line', '21-digits', 'whole-overlong-line',
        'drained-overlong-line'])
def test_discarded_command_announcing_literal_too_large_closes(
        client: RawClient, line: bytes) -> None:
    """A later line of a command already refused announces a
    non-synchronizing literal too large to skip (RFC 7888 §4): the
    refusal, then BYE, as for the command's first literal."""
    client.send(_refused_append() + line + b'b LOGOUT\r\n')
    _assert_refused_then_bye(client)


def test_discarded_literals_adding_up_past_the_limit_close(
        client: RawClient) -> None:
    """Literals each small enough to skip, but more in all than a command
    may carry: the refusal, then BYE once the last is announced."""
    sizes = [MAX_APPEND] * 2 + [MOST_PER_COMMAND - MAX_APPEND * 3]
    client.send(_refused_append(*sizes)[:-sizes[-1]])
    _assert_refused_then_bye(client)


@pytest.mark.parametrize('last', [
    b' {%d+}\r\n',
    _overlong_line(b'{%d+}', MAX_LINE * 3),
], ids=['short-line', 'overlong-line'])
def test_discarded_literals_up_to_the_limit_are_skipped(
        client: RawClient, last: bytes) -> None:
    """Literals of a refused command adding up to as many octets as a
    command may carry are skipped as they arrive (RFC 7888 §4), not read
    as commands, and the connection goes on."""
    rest = MOST_PER_COMMAND - (MAX_APPEND + 1) - MAX_APPEND * 2
    body = (b'c LOGOUT\r\n' * rest)[:rest]
    client.send(_refused_append(MAX_APPEND, MAX_APPEND) + last % rest
                + body + b'\r\nd NOOP\r\n')
    client.expect(client.until_tagged(b'd'),
                  [rb'a NO \[TOOBIG\] .*\r\n', rb'd OK .*\r\n'])
    _alive(client)
    assert _inbox_count(client) == 0


# -- raw lines announce no literal --------------------------------------------


_RAW_LINES = [
    _overlong_line(b'{6+}', MAX_LINE + 1, b'\n'),
    _overlong_line(b'{%d+}' % (MOST_PER_COMMAND + 1)),
    _overlong_line(b'{%s+}' % (b'9' * 21)),
]
_RAW_LINE_IDS = ['whole-line', 'drained-line', '21-digits']


@pytest.mark.parametrize('line', _RAW_LINES, ids=_RAW_LINE_IDS)
def test_overlong_line_in_idle_skips_nothing(client: RawClient,
                                             line: bytes) -> None:
    """IDLE waits for the line ``DONE`` (RFC 2177 §3): an over-long line
    instead ends it with BAD, and whatever it ends in, what follows is
    read as the next command."""
    client.send(b'i IDLE\r\n')
    client.expect([client.readline()], [rb'\+ .*\r\n'])
    client.send(line + b'DONE\r\nn NOOP\r\n')
    client.expect(client.until_tagged(b'i'), [rb'i BAD .*\r\n'])
    client.expect(client.until_tagged(b'n'),
                  [rb'DONE BAD .*\r\n', rb'n OK .*\r\n'])


@pytest.mark.parametrize('line', _RAW_LINES, ids=_RAW_LINE_IDS)
def test_overlong_sasl_response_skips_nothing(raw: RawClient,
                                              line: bytes) -> None:
    """A SASL response is one line of BASE64 (RFC 3501 §6.2.2): an
    over-long one fails the exchange, and what follows it is read as the
    next command, whatever it ends in."""
    raw.send(b'a AUTHENTICATE PLAIN\r\n')
    raw.expect([raw.readline()], [rb'\+ ?\r\n'])
    raw.send(line + b'n NOOP\r\n')
    raw.expect(raw.until_tagged(b'a'), [rb'a BAD .*\r\n'])
    raw.expect(raw.until_tagged(b'n'), [rb'n OK .*\r\n'])


# -- odd bytes ----------------------------------------------------------------


def test_nul_in_literal_is_bad(raw: RawClient) -> None:
    raw.expect(raw.command(b'a LOGIN {3+}\r\nt\x00u testpass'),
               [rb'a BAD .*\r\n'])
    _alive(raw)


def test_nul_in_appended_message_is_bad(client: RawClient) -> None:
    message = b'Subject: nul\r\n\r\n\x00\r\n'
    lines = client.command(b'a APPEND INBOX {%d+}\r\n%s'
                           % (len(message), message))
    client.expect(lines, [rb'a BAD .*\r\n'])
    assert _inbox_count(client) == 0


def test_eight_bit_password_literal(raw: RawClient) -> None:
    raw.expect(raw.command(b'a LOGIN testuser {4+}\r\n\xc3\xa9\xc3\xa9'),
               [rb'a NO \[AUTHENTICATIONFAILED\] .*\r\n'])
    raw.expect(raw.command(b'b LOGIN testuser {2+}\r\n\xff\xfe'),
               [rb'b (BAD|NO) .*\r\n'])
    _alive(raw)


def test_eight_bit_mailbox_name_is_bad(client: RawClient) -> None:
    client.expect(client.command(b'a CREATE "Entw\xc3\xbcrfe"'),
                  [rb'a BAD .*\r\n'])
    client.expect(client.command(b'b SELECT {3+}\r\n\xe6\x97\xa5'),
                  [rb'b BAD .*\r\n'])
    _alive(client)


# -- disconnects --------------------------------------------------------------


def _hang_up(raw: RawClient, data: bytes) -> None:
    raw.send(data)
    raw.sock.shutdown(socket.SHUT_RDWR)
    raw.close()


def test_disconnect_in_sync_literal(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    raw.send(b'a LOGIN testuser {8}\r\n')
    raw.expect([raw.readline()], [rb'\+ .*\r\n'])
    _hang_up(raw, b'tes')


def test_disconnect_in_nonsync_literal(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    _hang_up(raw, b'a LOGIN testuser {100+}\r\nabc')


def test_disconnect_in_drained_literal(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    _login(raw)
    _hang_up(raw, b'a APPEND INBOX {%d+}\r\n' % (MAX_APPEND * 2)
             + b'x' * 100)


def test_disconnect_in_append(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    _login(raw)
    raw.send(b'a APPEND INBOX {100}\r\n')
    raw.expect([raw.readline()], [rb'\+ .*\r\n'])
    _hang_up(raw, b'Subject: cut')
    check = RawClient(server.host, server.port)
    try:
        _login(check)
        assert _inbox_count(check) == 0
    finally:
        check.close()


def test_disconnect_mid_line(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    _hang_up(raw, b'a LOGIN test')


def test_disconnect_during_overlong_line(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    _hang_up(raw, b'a NOOP ' + b'x' * (MAX_LINE * 3))


def test_disconnect_during_authenticate(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    raw.send(b'a AUTHENTICATE LOGIN\r\n')
    raw.expect([raw.readline()], [rb'\+ .*\r\n'])
    _hang_up(raw, b'dGVzdA')


def test_disconnect_during_idle(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    _login(raw)
    raw.command(b's SELECT INBOX')
    raw.send(b'i IDLE\r\n')
    raw.expect([raw.readline()], [rb'\+ .*\r\n'])
    _hang_up(raw, b'DO')


def test_disconnect_with_unread_responses(server: ServerThread) -> None:
    raw = RawClient(server.host, server.port)
    _login(raw)
    raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    _hang_up(raw, b'c CAPABILITY\r\n' * 2000)


# -- silence ------------------------------------------------------------------


def test_silent_clients_are_logged_out(backend: BackendFactory) -> None:
    config = IMAPConfig(preauth_timeout=0.3, autologout=0.5)
    with ServerThread(backend, config) as server:
        silent = RawClient(server.host, server.port, timeout=5)
        idle = RawClient(server.host, server.port, timeout=5)
        try:
            _login(idle)
            silent.expect([silent.readline()], [rb'\* BYE .*\r\n'])
            assert silent.readline() == b''
            idle.expect([idle.readline()], [rb'\* BYE .*\r\n'])
            assert idle.readline() == b''
        finally:
            silent.close()
            idle.close()
        _serves(server.host, server.port)

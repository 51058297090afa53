"""SELECT and EXAMINE over a real socket (RFC 3501 §6.3.1, §6.3.2), and
the ``\\Recent`` flag (§2.3.2)."""

from __future__ import annotations

import imaplib
import re
from collections.abc import Callable, Iterator

import pytest

from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

from .messages import ALTERNATIVE, ENCODED, PLAIN

SYSTEM = {b'\\Answered', b'\\Flagged', b'\\Deleted', b'\\Seen', b'\\Draft'}


def login(client: RawClient) -> RawClient:
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def append(client: RawClient, data: bytes, flags: bytes = b'()',
           mailbox: bytes = b'INBOX') -> tuple[int, int]:
    """APPENDs with a non-synchronizing literal; returns (UIDVALIDITY,
    UID) from APPENDUID."""
    lines = client.command(b'ap APPEND %s %s {%d+}\r\n%s'
                           % (mailbox, flags, len(data), data))
    match = re.fullmatch(rb'ap OK \[APPENDUID (\d+) (\d+)\] .*\r\n',
                         lines[-1])
    assert match, lines
    return int(match[1]), int(match[2])


def flag_list(line: bytes, pattern: bytes) -> set[bytes]:
    match = re.fullmatch(pattern, line, re.DOTALL)
    assert match, (line, pattern)
    return set(match[1].split())


@pytest.fixture
def open_raw(server: ServerThread) -> Iterator[Callable[[], RawClient]]:
    clients: list[RawClient] = []

    def make() -> RawClient:
        client = login(RawClient(server.host, server.port))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def test_select_empty_inbox_exactly(raw: RawClient) -> None:
    login(raw)
    lines = raw.command(b's SELECT INBOX')
    raw.expect(lines, [
        rb'\* FLAGS \(.*\)\r\n',
        rb'\* 0 EXISTS\r\n',
        rb'\* 0 RECENT\r\n',
        rb'\* OK \[PERMANENTFLAGS \(.*\)\] .*\r\n',
        rb'\* OK \[UIDVALIDITY [1-9][0-9]*\] .*\r\n',
        rb'\* OK \[UIDNEXT 1\] .*\r\n',
        rb's OK \[READ-WRITE\] .*\r\n',
    ])
    assert flag_list(lines[0], rb'\* FLAGS \((.*)\)\r\n') - {b'\\Recent'} \
        == SYSTEM
    assert flag_list(lines[3], rb'.*PERMANENTFLAGS \((.*)\)\].*') \
        == SYSTEM | {b'\\*'}


def test_select_reports_messages_keywords_and_unseen(raw: RawClient) -> None:
    login(raw)
    validity, _ = append(raw, PLAIN, b'(\\Seen)')
    append(raw, ALTERNATIVE, b'(\\Flagged $Work)')
    append(raw, ENCODED, b'(\\Seen NonJunk)')
    lines = raw.command(b's SELECT INBOX')
    raw.expect(lines, [
        rb'\* FLAGS \(.*\)\r\n',
        rb'\* 3 EXISTS\r\n',
        rb'\* 3 RECENT\r\n',
        rb'\* OK \[UNSEEN 2\] .*\r\n',
        rb'\* OK \[PERMANENTFLAGS \(.*\)\] .*\r\n',
        b'\\* OK \\[UIDVALIDITY %d\\] .*\r\n' % validity,
        rb'\* OK \[UIDNEXT 4\] .*\r\n',
        rb's OK \[READ-WRITE\] SELECT completed\.\r\n',
    ])
    keywords = {b'$Work', b'NonJunk'}
    assert flag_list(lines[0], rb'\* FLAGS \((.*)\)\r\n') - {b'\\Recent'} \
        == SYSTEM | keywords
    assert flag_list(lines[4], rb'.*PERMANENTFLAGS \((.*)\)\].*') \
        == SYSTEM | keywords | {b'\\*'}


def test_select_without_unseen_messages_omits_unseen(raw: RawClient) -> None:
    login(raw)
    append(raw, PLAIN, b'(\\Seen)')
    lines = raw.command(b's SELECT INBOX')
    assert not any(b'[UNSEEN' in line for line in lines), lines


def test_uidnext_is_not_reused_after_expunge(raw: RawClient) -> None:
    login(raw)
    append(raw, PLAIN)
    append(raw, PLAIN, b'(\\Deleted)')
    raw.command(b's SELECT INBOX')
    assert raw.command(b'e EXPUNGE') == [b'* 2 EXPUNGE\r\n',
                                          b'e OK EXPUNGE completed.\r\n']
    raw.command(b'u UNSELECT')
    lines = raw.command(b's SELECT INBOX')
    assert b'* 1 EXISTS\r\n' in lines
    assert any(line.startswith(b'* OK [UIDNEXT 3]') for line in lines)
    assert append(raw, PLAIN)[1] == 3


def test_examine_is_read_only(raw: RawClient) -> None:
    login(raw)
    append(raw, PLAIN, b'(\\Deleted $Work)')
    lines = raw.command(b'x EXAMINE INBOX')
    raw.expect(lines, [
        rb'\* FLAGS \(.*\)\r\n',
        rb'\* 1 EXISTS\r\n',
        rb'\* 1 RECENT\r\n',
        rb'\* OK \[UNSEEN 1\] .*\r\n',
        rb'\* OK \[PERMANENTFLAGS \(\)\] .*\r\n',
        rb'\* OK \[UIDVALIDITY \d+\] .*\r\n',
        rb'\* OK \[UIDNEXT 2\] .*\r\n',
        rb'x OK \[READ-ONLY\] EXAMINE completed\.\r\n',
    ])
    assert b'$Work' in lines[0]
    raw.expect(raw.command(b'a STORE 1 +FLAGS (\\Seen)'), [rb'a NO .*'])
    raw.expect(raw.command(b'b EXPUNGE'), [rb'b NO .*'])
    raw.expect(raw.command(b'c UID EXPUNGE 1'), [rb'c NO .*'])
    raw.expect(raw.command(b'd MOVE 1 INBOX'), [rb'd NO .*'])
    fetched = raw.command(b'f FETCH 1 (BODY[])')
    assert not any(b'FLAGS' in line for line in fetched), fetched
    assert fetched[-1].startswith(b'f OK ')
    raw.expect(raw.command(b'g FETCH 1 (FLAGS)'), [
        rb'\* 1 FETCH \(FLAGS \((\$Work \\Deleted|\\Deleted \$Work)'
        rb'( \\Recent)?\)\)\r\n',
        rb'g OK .*'])
    raw.command(b'h CLOSE')
    lines = raw.command(b's SELECT INBOX')
    assert b'* 1 EXISTS\r\n' in lines, 'CLOSE after EXAMINE expunged'
    assert b'* OK [UNSEEN 1] First unseen.\r\n' in lines


def test_examine_does_not_take_recent(
        open_raw: Callable[[], RawClient]) -> None:
    first, second = open_raw(), open_raw()
    append(first, PLAIN)
    assert b'* 1 RECENT\r\n' in first.command(b'x EXAMINE INBOX')
    assert b'* 1 RECENT\r\n' in second.command(b's SELECT INBOX')
    assert b'* 0 RECENT\r\n' in first.command(b'x EXAMINE INBOX')


def test_recent_goes_to_exactly_one_session(
        open_raw: Callable[[], RawClient]) -> None:
    first, second, writer = open_raw(), open_raw(), open_raw()
    for client in (first, second):
        assert b'* 0 RECENT\r\n' in client.command(b's SELECT INBOX')
    append(writer, PLAIN)
    counts = []
    for client in (first, second):
        lines = client.command(b'n NOOP')
        assert b'* 1 EXISTS\r\n' in lines, lines
        recent = [int(m[1]) for line in lines
                  if (m := re.fullmatch(rb'\* (\d+) RECENT\r\n', line))]
        assert len(recent) == 1, lines
        counts.append(recent[0])
        flags = client.command(b'f FETCH 1 (FLAGS)')[0]
        assert (b'\\Recent' in flags) == (recent[0] == 1), flags
    assert sorted(counts) == [0, 1]
    assert b'* 0 RECENT\r\n' in writer.command(b's SELECT INBOX')


def test_recent_count_and_reselect(raw: RawClient) -> None:
    login(raw)
    for _ in range(3):
        append(raw, PLAIN)
    lines = raw.command(b's SELECT INBOX')
    assert b'* 3 RECENT\r\n' in lines
    assert raw.command(b'r SEARCH RECENT')[0] == b'* SEARCH 1 2 3\r\n'
    raw.command(b'u UNSELECT')
    assert b'* 0 RECENT\r\n' in raw.command(b's SELECT INBOX')
    assert raw.command(b'r SEARCH RECENT')[0] == b'* SEARCH\r\n'
    append(raw, ALTERNATIVE)
    assert raw.command(b'r SEARCH RECENT')[0] == b'* SEARCH 4\r\n'


def test_append_while_selected_is_recent_for_selecting_session(
        raw: RawClient) -> None:
    login(raw)
    raw.command(b's SELECT INBOX')
    lines = raw.command(b'ap APPEND INBOX {%d+}\r\n%s' % (len(PLAIN), PLAIN))
    raw.expect(lines, [rb'\* 1 EXISTS\r\n', rb'\* 1 RECENT\r\n',
                       rb'ap OK \[APPENDUID \d+ 1\] .*'])


def test_select_other_mailbox_and_inbox_case(raw: RawClient) -> None:
    login(raw)
    raw.command(b'c CREATE Archive')
    append(raw, PLAIN, mailbox=b'Archive')
    append(raw, PLAIN, mailbox=b'Archive')
    assert b'* 2 EXISTS\r\n' in raw.command(b's SELECT Archive')
    lines = raw.command(b's SELECT inbox')
    assert b'* 0 EXISTS\r\n' in lines
    assert lines[-1].startswith(b's OK [READ-WRITE]')


def test_failed_select_leaves_selected_state(raw: RawClient) -> None:
    login(raw)
    append(raw, PLAIN)
    raw.command(b's SELECT INBOX')
    raw.expect(raw.command(b't SELECT Nowhere'),
               [rb't NO \[NONEXISTENT\] .*'])
    raw.expect(raw.command(b'f FETCH 1 (FLAGS)'), [rb'f BAD .*'])


def test_select_requires_login(raw: RawClient) -> None:
    raw.expect(raw.command(b's SELECT INBOX'), [rb's BAD .*'])


def test_select_with_imaplib(imap: imaplib.IMAP4) -> None:
    imap.append('INBOX', '(\\Seen)', None, PLAIN)
    typ, data = imap.select('INBOX')
    assert (typ, data) == ('OK', [b'1'])
    assert imap.untagged_responses.get('RECENT') == [b'1']
    assert imap.untagged_responses.get('READ-WRITE') == [b'']
    typ, data = imap.select('INBOX', readonly=True)
    assert (typ, data) == ('OK', [b'1'])
    assert imap.untagged_responses.get('READ-ONLY') == [b'']

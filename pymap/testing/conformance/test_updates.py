"""What one session learns of another's changes: untagged EXISTS, RECENT,
FETCH FLAGS and EXPUNGE (RFC 3501 §7), when EXPUNGE may not be sent
(RFC 2180 §4), and IDLE (RFC 2177)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

from .messages import ALTERNATIVE, ENCODED, PLAIN

#: Seconds to wait for a pushed IDLE update before failing.
PUSH_TIMEOUT = 5.0

Opener = Callable[[], RawClient]


def login(client: RawClient) -> RawClient:
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def append(client: RawClient, data: bytes = PLAIN,
           flags: bytes = b'') -> list[bytes]:
    lines = client.command(b'ap APPEND INBOX (%s) {%d+}\r\n%s'
                           % (flags, len(data), data))
    assert lines[-1].startswith(b'ap OK [APPENDUID '), lines
    return lines


def untagged(lines: list[bytes], kind: bytes) -> list[bytes]:
    return [line for line in lines
            if re.fullmatch(rb'\* \d+ %s( .*)?\r\n' % kind, line)]


def uids(client: RawClient) -> list[int]:
    lines = client.command(b'f FETCH 1:* (UID)')
    return [int(m[1]) for line in lines
            if (m := re.fullmatch(rb'\* \d+ FETCH \(UID (\d+)\)\r\n', line))]


@pytest.fixture
def open_raw(server: ServerThread) -> Iterator[Opener]:
    """Opens further logged-in raw clients."""
    clients: list[RawClient] = []

    def make() -> RawClient:
        client = login(RawClient(server.host, server.port))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def three(open_raw: Opener) -> tuple[RawClient, RawClient]:
    """Sessions A and B with INBOX selected, holding three messages (UIDs
    1-3) that A took as \\Recent."""
    first, second = open_raw(), open_raw()
    for data in (PLAIN, ALTERNATIVE, ENCODED):
        append(first, data)
    assert b'* 3 RECENT\r\n' in first.command(b's SELECT INBOX')
    assert b'* 0 RECENT\r\n' in second.command(b's SELECT INBOX')
    return first, second


def expunge_second(client: RawClient) -> None:
    client.command(b'd STORE 2 +FLAGS.SILENT (\\Deleted)')
    assert client.command(b'e EXPUNGE') == [b'* 2 EXPUNGE\r\n',
                                            b'e OK EXPUNGE completed.\r\n']


# -- updates at NOOP --------------------------------------------------------

def test_append_is_seen_at_noop(open_raw: Opener) -> None:
    writer, reader = open_raw(), open_raw()
    reader.command(b's SELECT INBOX')
    append(writer)
    append(writer)
    assert reader.command(b'n NOOP') == [
        b'* 2 EXISTS\r\n', b'* 2 RECENT\r\n', b'n OK NOOP completed.\r\n']
    assert reader.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_store_is_seen_as_fetch_flags(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    first.command(b't STORE 2 +FLAGS (\\Flagged $Later)')
    lines = second.command(b'n NOOP')
    assert len(lines) == 2 and lines[-1] == b'n OK NOOP completed.\r\n'
    match = re.fullmatch(rb'\* 2 FETCH \((?:UID 2 )?FLAGS \(([^)]*)\)'
                         rb'(?: UID 2)?\)\r\n', lines[0])
    assert match, lines
    assert set(match[1].split()) == {b'\\Flagged', b'$Later'}
    assert second.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_expunge_is_seen_at_noop(three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    expunge_second(first)
    assert second.command(b'n NOOP') == [b'* 2 EXPUNGE\r\n',
                                         b'n OK NOOP completed.\r\n']
    assert uids(second) == [1, 3]


def test_move_out_is_seen_as_expunge(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    first.command(b'c CREATE Archive')
    first.command(b'm MOVE 1 Archive')
    assert second.command(b'n NOOP') == [b'* 1 EXPUNGE\r\n',
                                         b'n OK NOOP completed.\r\n']


def test_examine_session_sees_updates(open_raw: Opener) -> None:
    writer, reader = open_raw(), open_raw()
    append(writer)
    reader.command(b'x EXAMINE INBOX')
    writer.command(b's SELECT INBOX')
    writer.command(b't STORE 1 +FLAGS.SILENT (\\Answered)')
    append(writer)
    lines = reader.command(b'n NOOP')
    assert untagged(lines, b'EXISTS') == [b'* 2 EXISTS\r\n']
    assert len(untagged(lines, b'FETCH')) == 1
    assert b'\\Answered' in untagged(lines, b'FETCH')[0]


# -- no lost updates ----------------------------------------------------------

@pytest.mark.parametrize('command', [
    b'c STORE 1 +FLAGS (\\Seen)', b'c STORE 1 +FLAGS.SILENT (\\Seen)',
    b'c UID STORE 1 -FLAGS (\\Seen)', b'c EXPUNGE', b'c FETCH 1 (FLAGS)',
    b'c SEARCH ALL', b'c COPY 1 INBOX', b'c CHECK',
])
def test_new_message_is_always_announced(
        three: tuple[RawClient, RawClient], command: bytes) -> None:
    first, second = three
    append(first)
    lines = second.command(command) + second.command(b'n NOOP')
    exists = [int(line.split()[1]) for line in untagged(lines, b'EXISTS')]
    assert exists and exists[-1] == len(uids(second)) >= 4, lines


def test_flag_change_is_announced_around_store(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    first.command(b't STORE 3 +FLAGS.SILENT (\\Answered)')
    lines = second.command(b'c STORE 1 +FLAGS.SILENT (\\Seen)') \
        + second.command(b'n NOOP')
    assert [line for line in untagged(lines, b'FETCH')
            if line.startswith(b'* 3 ')], lines


# -- RFC 2180: no EXPUNGE during FETCH, STORE and SEARCH ---------------------

def test_no_expunge_during_fetch(three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    expunge_second(first)
    lines = second.command(b'f FETCH 2:3 (UID FLAGS)')
    assert not untagged(lines, b'EXPUNGE'), lines
    assert re.fullmatch(rb'f (NO \[EXPUNGEISSUED\]|OK) .*\r\n', lines[-1])
    assert any(line.startswith(b'* 3 FETCH (UID 3 ') for line in lines), \
        'sequence numbers must not shift before EXPUNGE is sent'
    lines = second.command(b'f FETCH 3 (UID)')
    assert lines == [b'* 3 FETCH (UID 3)\r\n', b'f OK FETCH completed.\r\n']
    assert second.command(b'n NOOP') == [b'* 2 EXPUNGE\r\n',
                                         b'n OK NOOP completed.\r\n']
    assert uids(second) == [1, 3]


def test_no_expunge_during_store(three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    expunge_second(first)
    lines = second.command(b't STORE 1:3 +FLAGS (\\Seen)')
    assert not untagged(lines, b'EXPUNGE'), lines
    assert re.fullmatch(rb't (NO \[EXPUNGEISSUED\]|OK) .*\r\n', lines[-1])
    fetched = untagged(lines, b'FETCH')
    assert [line.split()[1] for line in fetched][:1] == [b'1']
    assert any(line.startswith(b'* 3 FETCH') for line in fetched), lines
    assert second.command(b'n NOOP')[0] == b'* 2 EXPUNGE\r\n'
    assert second.command(b's SEARCH SEEN')[0] == b'* SEARCH 1 2\r\n'


def test_no_expunge_during_search(three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    expunge_second(first)
    lines = second.command(b's SEARCH ALL')
    assert not untagged(lines, b'EXPUNGE'), lines
    found = [int(n) for n in lines[0].split()[2:]]
    assert lines[0].startswith(b'* SEARCH') and {1, 3} <= set(found) \
        <= {1, 2, 3}, lines
    assert second.command(b'n NOOP')[0] == b'* 2 EXPUNGE\r\n'
    assert second.command(b's SEARCH ALL')[0] == b'* SEARCH 1 2\r\n'


def test_sequence_keys_count_messages_not_yet_expunged(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    expunge_second(first)
    second.command(b't STORE 3 +FLAGS.SILENT (\\Flagged)')
    assert second.command(b's SEARCH 3 FLAGGED')[0] == b'* SEARCH 3\r\n'
    assert second.command(b's SEARCH 2')[0] == b'* SEARCH\r\n'
    assert second.command(b's SEARCH 1:3 UNFLAGGED')[0] == \
        b'* SEARCH 1\r\n'


def test_uid_commands_may_send_expunge_once(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    expunge_second(first)
    lines = second.command(b'u UID FETCH 1:* (FLAGS)')
    lines += second.command(b'u UID SEARCH ALL')
    lines += second.command(b'n NOOP')
    assert untagged(lines, b'EXPUNGE') == [b'* 2 EXPUNGE\r\n'], lines
    assert uids(second) == [1, 3]


@pytest.mark.parametrize('command', [
    b'u UID FETCH 1:3 (FLAGS)', b'u UID FETCH 2 (FLAGS)',
    b'u UID STORE 1:3 +FLAGS (\\Seen)', b'u UID STORE 2 +FLAGS (\\Seen)',
])
def test_uid_commands_ignore_expunged_uids(
        three: tuple[RawClient, RawClient], command: bytes) -> None:
    first, second = three
    expunge_second(first)
    lines = second.command(command)
    # RFC 3501 §6.4.8: a non-existent UID is ignored without any error.
    assert lines[-1].startswith(b'u OK '), lines
    assert not [line for line in untagged(lines, b'FETCH')
                if b'UID 2 ' in line or b'UID 2)' in line], lines
    lines += second.command(b'n NOOP')
    assert untagged(lines, b'EXPUNGE') == [b'* 2 EXPUNGE\r\n'], lines


def test_search_agrees_with_flags_of_other_session(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    first.command(b't STORE 3 +FLAGS.SILENT (\\Flagged)')
    lines = second.command(b's SEARCH FLAGGED')
    assert b'* SEARCH 3\r\n' in lines, lines
    lines = second.command(b's SEARCH UNFLAGGED')
    assert b'* SEARCH 1 2\r\n' in lines, lines


def test_search_never_names_an_unannounced_message(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    append(first)
    lines = second.command(b's SEARCH ALL')
    known = 3
    for line in lines:
        if line.startswith(b'* SEARCH'):
            assert all(int(n) <= known for n in line.split()[2:]), lines
        elif re.fullmatch(rb'\* \d+ EXISTS\r\n', line):
            known = int(line.split()[1])


# -- IDLE -------------------------------------------------------------------

def start_idle(client: RawClient) -> None:
    client.sock.settimeout(PUSH_TIMEOUT)
    client.send(b'i IDLE\r\n')
    assert client.readline().startswith(b'+ ')


def stop_idle(client: RawClient) -> None:
    client.send(b'DONE\r\n')
    assert client.until_tagged(b'i') == [b'i OK IDLE terminated.\r\n']


def test_idle_pushes_append_store_expunge(open_raw: Opener) -> None:
    idler, writer = open_raw(), open_raw()
    idler.command(b's SELECT INBOX')
    start_idle(idler)
    append(writer)
    assert idler.readline() == b'* 1 EXISTS\r\n'
    assert idler.readline() == b'* 1 RECENT\r\n'
    writer.command(b's SELECT INBOX')
    writer.command(b't STORE 1 +FLAGS.SILENT (\\Seen)')
    line = idler.readline()
    assert re.fullmatch(rb'\* 1 FETCH \((UID 1 )?FLAGS \(.*\)( UID 1)?\)\r\n',
                        line), line
    assert b'\\Seen' in line and b'\\Recent' in line
    writer.command(b't STORE 1 +FLAGS.SILENT (\\Deleted)')
    assert b'\\Deleted' in idler.readline()
    writer.command(b'e EXPUNGE')
    assert idler.readline() == b'* 1 EXPUNGE\r\n'
    stop_idle(idler)
    assert idler.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_idle_sends_pending_updates_at_once(open_raw: Opener) -> None:
    idler, writer = open_raw(), open_raw()
    idler.command(b's SELECT INBOX')
    append(writer)
    start_idle(idler)
    assert idler.readline() == b'* 1 EXISTS\r\n'
    assert idler.readline() == b'* 1 RECENT\r\n'
    stop_idle(idler)


def test_idle_sends_expunge_held_back_during_fetch(
        three: tuple[RawClient, RawClient]) -> None:
    first, second = three
    expunge_second(first)
    lines = second.command(b'f FETCH 1 (FLAGS)')
    assert not untagged(lines, b'EXPUNGE'), lines
    start_idle(second)
    assert second.readline() == b'* 2 EXPUNGE\r\n'
    stop_idle(second)


def test_commands_work_after_idle(open_raw: Opener) -> None:
    idler, writer = open_raw(), open_raw()
    append(writer)
    idler.command(b's SELECT INBOX')
    for _ in range(3):
        start_idle(idler)
        stop_idle(idler)
    assert idler.command(b'f FETCH 1 (UID)') == [
        b'* 1 FETCH (UID 1)\r\n', b'f OK FETCH completed.\r\n']
    append(writer)
    start_idle(idler)
    assert idler.readline() == b'* 2 EXISTS\r\n'
    assert idler.readline() == b'* 2 RECENT\r\n'
    stop_idle(idler)
    assert uids(idler) == [1, 2]


def test_idle_without_selected_mailbox_blocks_nobody(
        open_raw: Opener) -> None:
    idler, other = open_raw(), open_raw()
    start_idle(idler)
    other.sock.settimeout(PUSH_TIMEOUT)
    assert other.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']
    append(other)
    stop_idle(idler)
    assert idler.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_idle_ends_with_done_in_any_case(open_raw: Opener) -> None:
    idler = open_raw()
    idler.command(b's SELECT INBOX')
    start_idle(idler)
    idler.send(b'done\r\n')
    assert idler.until_tagged(b'i') == [b'i OK IDLE terminated.\r\n']


def test_idle_ended_by_other_text_is_bad(open_raw: Opener) -> None:
    idler = open_raw()
    idler.command(b's SELECT INBOX')
    start_idle(idler)
    idler.send(b'NOOP\r\n')
    idler.expect(idler.until_tagged(b'i'), [rb'i BAD .*\r\n'])
    assert idler.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_idle_requires_login(raw: RawClient) -> None:
    raw.expect(raw.command(b'i IDLE'), [rb'i BAD .*\r\n'])


# -- the selected mailbox deleted by another session (RFC 2180 §3.2) -------

#: What a session whose selected mailbox was deleted hears, just before
#: the server closes the connection.
DELETED_BYE = b'* BYE Selected mailbox was deleted.\r\n'


def doomed(open_raw: Opener, mailbox: bytes = b'Doomed',
           command: bytes = b'SELECT') -> tuple[RawClient, RawClient]:
    """Sessions A and B; B has *mailbox*, holding one message, selected."""
    first, second = open_raw(), open_raw()
    assert first.command(b'c CREATE %s' % mailbox)[-1].startswith(b'c OK')
    lines = first.command(b'ap APPEND %s () {%d+}\r\n%s'
                          % (mailbox, len(PLAIN), PLAIN))
    assert lines[-1].startswith(b'ap OK'), lines
    lines = second.command(b's %s %s' % (command, mailbox))
    assert lines[-1].startswith(b's OK'), lines
    return first, second


def delete(client: RawClient, mailbox: bytes = b'Doomed') -> None:
    lines = client.command(b'd DELETE %s' % mailbox)
    assert lines == [b'd OK DELETE completed.\r\n'], lines


def assert_bye(client: RawClient, lines: list[bytes]) -> None:
    """The command got the BYE, no tagged response, and the connection
    closed."""
    assert lines == [DELETED_BYE, b''], lines
    assert client.closed()


@pytest.mark.parametrize('command', [
    b'n NOOP', b'n CHECK', b'n FETCH 1 (FLAGS)', b'n UID FETCH 1:* (UID)',
    b'n STORE 1 +FLAGS (\\Seen)', b'n UID STORE 1 +FLAGS (\\Seen)',
    b'n SEARCH ALL', b'n UID SEARCH ALL', b'n EXPUNGE',
    b'n COPY 1 INBOX', b'n MOVE 1 INBOX'])
def test_command_on_deleted_selected_mailbox_gets_bye(
        open_raw: Opener, command: bytes) -> None:
    first, second = doomed(open_raw)
    delete(first)
    assert_bye(second, second.command(command))
    # The session that deleted it goes on.
    assert first.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_deleted_parent_with_children_gets_bye(open_raw: Opener) -> None:
    first, second = doomed(open_raw)
    assert first.command(b'c CREATE Doomed/child')[-1].startswith(b'c OK')
    delete(first)  # Doomed stays, as a \Noselect parent of its child
    assert_bye(second, second.command(b'n NOOP'))


@pytest.mark.parametrize('command', [b'CLOSE', b'UNSELECT'])
@pytest.mark.parametrize('select', [b'SELECT', b'EXAMINE'])
def test_leaving_a_deleted_selected_mailbox_is_ok(
        open_raw: Opener, command: bytes, select: bytes) -> None:
    first, second = doomed(open_raw, command=select)
    delete(first)
    lines = second.command(b'c ' + command)
    assert lines == [b'c OK %s completed.\r\n' % command], lines
    assert second.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']
    lines = second.command(b's SELECT INBOX')
    assert lines[-1].startswith(b's OK [READ-WRITE]'), lines
    assert second.command(b'l LOGOUT') == [
        b'* BYE Logging out.\r\n', b'l OK LOGOUT completed.\r\n']


def test_selecting_another_mailbox_after_deletion(open_raw: Opener) -> None:
    first, second = doomed(open_raw)
    delete(first)
    lines = second.command(b's SELECT INBOX')
    assert lines[-1].startswith(b's OK [READ-WRITE]'), lines
    assert second.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_renamed_selected_mailbox_never_answers_no(open_raw: Opener) -> None:
    """A mailbox renamed while selected either stays usable (the backend
    keeps the mailbox) or ends the session like a deletion; it never
    answers NO to every command."""
    first, second = doomed(open_raw)
    lines = first.command(b'r RENAME Doomed Saved')
    assert lines == [b'r OK RENAME completed.\r\n'], lines
    lines = second.command(b'n NOOP')
    assert lines in ([b'n OK NOOP completed.\r\n'], [DELETED_BYE, b'']), \
        lines


@pytest.mark.parametrize('command', [b'COPY', b'MOVE', b'UID COPY'])
def test_copy_to_a_missing_mailbox_still_says_trycreate(
        open_raw: Opener, command: bytes) -> None:
    _, second = doomed(open_raw)
    lines = second.command(b'c %s 1 Nowhere' % command)
    assert len(lines) == 1 and lines[0].startswith(b'c NO [TRYCREATE] '), \
        lines
    assert second.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_append_elsewhere_after_deletion_gets_its_ok(
        open_raw: Opener) -> None:
    """An APPEND to another mailbox stores the message: it is answered
    OK, so that the client does not send it again, and the next command
    hears of the deletion."""
    first, second = doomed(open_raw)
    delete(first)
    lines = second.command(b'a APPEND INBOX () {%d+}\r\n%s'
                           % (len(PLAIN), PLAIN))
    assert len(lines) == 1 and lines[0].startswith(b'a OK [APPENDUID '), \
        lines
    assert_bye(second, second.command(b'n NOOP'))
    lines = first.command(b's STATUS INBOX (MESSAGES)')
    assert lines[0] == b'* STATUS INBOX (MESSAGES 1)\r\n', lines


def test_idle_on_deleted_mailbox_gets_bye(open_raw: Opener) -> None:
    first, second = doomed(open_raw)
    start_idle(second)
    delete(first)
    # Told without sending anything (start_idle set a read timeout).
    assert second.readline() == DELETED_BYE
    assert second.readline() == b''

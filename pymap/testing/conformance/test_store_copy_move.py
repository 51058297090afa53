"""STORE (RFC 3501 §6.4.6), COPY (§6.4.7) with COPYUID (RFC 4315) and
MOVE (RFC 6851), in their sequence and UID forms."""

from __future__ import annotations

import re

import pytest

from pymap.testing.rawclient import RawClient

from .messages import ALTERNATIVE, ENCODED, PLAIN


def login(client: RawClient) -> RawClient:
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def append(client: RawClient, data: bytes, flags: bytes = b'',
           mailbox: bytes = b'INBOX') -> int:
    lines = client.command(b'ap APPEND %s (%s) {%d+}\r\n%s'
                           % (mailbox, flags, len(data), data))
    match = re.search(rb'ap OK \[APPENDUID \d+ (\d+)\]', lines[-1])
    assert match, lines
    return int(match[1])


def validity(client: RawClient, mailbox: bytes) -> int:
    lines = client.command(b'st STATUS %s (UIDVALIDITY)' % mailbox)
    match = re.search(rb'UIDVALIDITY (\d+)', lines[0])
    assert match, lines
    return int(match[1])


def flags_by_seq(lines: list[bytes]) -> dict[int, set[bytes]]:
    """The FLAGS of each untagged FETCH response."""
    found = {}
    for line in lines:
        match = re.fullmatch(rb'\* (\d+) FETCH \(.*FLAGS \(([^)]*)\).*\)\r\n',
                             line)
        if match:
            found[int(match[1])] = set(match[2].split())
    return found


def uids(client: RawClient) -> list[int]:
    lines = client.command(b'f FETCH 1:* (UID)')
    return [int(m[1]) for line in lines
            if (m := re.search(rb'UID (\d+)', line))]


@pytest.fixture
def mailbox(raw: RawClient) -> RawClient:
    """INBOX with three messages (UIDs 1-3), selected; an empty Archive."""
    login(raw)
    append(raw, PLAIN, b'\\Seen')
    append(raw, ALTERNATIVE, b'\\Flagged $Work')
    append(raw, ENCODED)
    assert raw.command(b'c CREATE Archive')[-1].startswith(b'c OK ')
    lines = raw.command(b's SELECT INBOX')
    assert b'* 3 EXISTS\r\n' in lines
    return raw


# -- STORE ------------------------------------------------------------------

def test_store_replace_add_remove(mailbox: RawClient) -> None:
    lines = mailbox.command(b'a STORE 1 FLAGS (\\Draft Custom)')
    assert lines[-1] == b'a OK STORE completed.\r\n'
    assert flags_by_seq(lines) == {1: {b'\\Draft', b'Custom', b'\\Recent'}}
    lines = mailbox.command(b'b STORE 1 +FLAGS (\\Answered \\Draft)')
    assert flags_by_seq(lines) == {
        1: {b'\\Draft', b'Custom', b'\\Answered', b'\\Recent'}}
    lines = mailbox.command(b'c STORE 1 -FLAGS (Custom \\Flagged)')
    assert flags_by_seq(lines) == {1: {b'\\Draft', b'\\Answered',
                                       b'\\Recent'}}
    lines = mailbox.command(b'd STORE 1 FLAGS ()')
    assert flags_by_seq(lines) == {1: {b'\\Recent'}}


def test_store_several_messages(mailbox: RawClient) -> None:
    lines = mailbox.command(b'a STORE 1:* +FLAGS \\Deleted')
    assert [line.split(b' ', 2)[1] for line in lines[:-1]] \
        == [b'1', b'2', b'3']
    assert all(b'\\Deleted' in flags
               for flags in flags_by_seq(lines).values())
    assert flags_by_seq(lines)[2] == {b'\\Deleted', b'\\Flagged', b'$Work',
                                      b'\\Recent'}


def test_store_silent_sends_no_fetch(mailbox: RawClient) -> None:
    for line in (b'a STORE 1 FLAGS.SILENT (\\Answered)',
                 b'a STORE 2 +FLAGS.SILENT (Later)',
                 b'a STORE 3 -FLAGS.SILENT (\\Seen)',
                 b'a UID STORE 1:3 +FLAGS.SILENT (\\Draft)'):
        assert mailbox.command(line) == [b'a OK STORE completed.\r\n'], line
    flags = flags_by_seq(mailbox.command(b'f FETCH 1:3 (FLAGS)'))
    assert flags == {
        1: {b'\\Answered', b'\\Draft', b'\\Recent'},
        2: {b'\\Flagged', b'$Work', b'Later', b'\\Draft', b'\\Recent'},
        3: {b'\\Draft', b'\\Recent'},
    }


def test_uid_store_includes_uid(mailbox: RawClient) -> None:
    lines = mailbox.command(b'u UID STORE 2:3 +FLAGS (\\Seen)')
    mailbox.expect(lines, [
        rb'\* 2 FETCH \((UID 2 FLAGS \(.*\)|FLAGS \(.*\) UID 2)\)\r\n',
        rb'\* 3 FETCH \((UID 3 FLAGS \(.*\)|FLAGS \(.*\) UID 3)\)\r\n',
        rb'u OK .*\r\n'])


def test_uid_store_of_missing_uids_is_ok(mailbox: RawClient) -> None:
    assert mailbox.command(b'u UID STORE 10:20 +FLAGS (\\Seen)') \
        == [b'u OK STORE completed.\r\n']


def test_keywords_persist_and_are_announced(mailbox: RawClient) -> None:
    mailbox.command(b'a STORE 3 +FLAGS ($Important Project-X)')
    mailbox.command(b'u UNSELECT')
    lines = mailbox.command(b's SELECT INBOX')
    flags = next(line for line in lines if line.startswith(b'* FLAGS'))
    permanent = next(line for line in lines if b'PERMANENTFLAGS' in line)
    for keyword in (b'$Important', b'Project-X', b'$Work'):
        assert keyword in flags.split(b'(')[1], flags
        assert keyword in permanent, permanent
    assert b'\\*' in permanent
    assert flags_by_seq(mailbox.command(b'f FETCH 3 (FLAGS)'))[3] \
        == {b'$Important', b'Project-X'}
    assert mailbox.command(b'k SEARCH KEYWORD Project-X')[0] \
        == b'* SEARCH 3\r\n'


@pytest.mark.parametrize('line', [
    b'a STORE 1 +FLAGS (\\Recent)', b'a STORE 1 FLAGS \\Recent',
    b'a STORE 4 +FLAGS (\\Seen)', b'a STORE 1 +FLAGS (bad(flag)',
    b'a STORE 1 XFLAGS (\\Seen)', b'a STORE 1 +FLAGS',
])
def test_store_errors(mailbox: RawClient, line: bytes) -> None:
    mailbox.expect(mailbox.command(line), [rb'a BAD .*\r\n'])
    assert flags_by_seq(mailbox.command(b'f FETCH 1:* (FLAGS)')) == {
        1: {b'\\Seen', b'\\Recent'},
        2: {b'\\Flagged', b'$Work', b'\\Recent'}, 3: {b'\\Recent'}}


def test_store_of_system_flags_is_case_insensitive(mailbox: RawClient) -> None:
    lines = mailbox.command(b'a STORE 3 +FLAGS (\\SEEN \\flagged)')
    assert flags_by_seq(lines) == {3: {b'\\Seen', b'\\Flagged',
                                       b'\\Recent'}}


# -- COPY -------------------------------------------------------------------

def test_copy_reports_copyuid(mailbox: RawClient) -> None:
    archive = validity(mailbox, b'Archive')
    assert mailbox.command(b'c COPY 1:2 Archive') == [
        b'c OK [COPYUID %d 1:2 1:2] COPY completed.\r\n' % archive]
    assert mailbox.command(b'c COPY 3 Archive') == [
        b'c OK [COPYUID %d 3 3] COPY completed.\r\n' % archive]
    assert mailbox.command(b'c UID COPY 3,1 Archive') == [
        b'c OK [COPYUID %d 1,3 4:5] COPY completed.\r\n' % archive]
    assert uids(mailbox) == [1, 2, 3], 'COPY must leave the source alone'


def test_copy_keeps_flags_and_date(mailbox: RawClient) -> None:
    mailbox.command(b'a STORE 3 +FLAGS.SILENT (\\Answered Later)')
    before = mailbox.command(b'f FETCH 2:3 (INTERNALDATE RFC822.SIZE)')
    mailbox.command(b'c COPY 2:3 Archive')
    mailbox.command(b's SELECT Archive')
    flags = flags_by_seq(mailbox.command(b'f FETCH 1:2 (FLAGS)'))
    assert {seq: f - {b'\\Recent'} for seq, f in flags.items()} == {
        1: {b'\\Flagged', b'$Work'}, 2: {b'\\Answered', b'Later'}}
    after = mailbox.command(b'f FETCH 1:2 (INTERNALDATE RFC822.SIZE)')
    assert [line.split(b' ', 2)[2] for line in after[:-1]] \
        == [line.split(b' ', 2)[2] for line in before[:-1]]


def test_copy_to_missing_mailbox_asks_to_create(mailbox: RawClient) -> None:
    for line in (b'c COPY 1 Nowhere', b'c UID COPY 1 Nowhere',
                 b'c MOVE 1 Nowhere', b'c UID MOVE 1 Nowhere'):
        mailbox.expect(mailbox.command(line),
                       [rb'c NO \[TRYCREATE\] .*\r\n'])
    assert uids(mailbox) == [1, 2, 3]


def test_copy_to_selected_mailbox_reports_exists(mailbox: RawClient) -> None:
    lines = mailbox.command(b'c COPY 1 INBOX')
    mailbox.expect(lines, [rb'\* 4 EXISTS\r\n', rb'\* \d+ RECENT\r\n',
                           rb'c OK \[COPYUID \d+ 1 4\] .*\r\n'])


def test_copy_errors(mailbox: RawClient) -> None:
    mailbox.expect(mailbox.command(b'c COPY 4 Archive'), [rb'c BAD .*'])
    mailbox.expect(mailbox.command(b'c UID COPY 10:20 Archive'),
                   [rb'c OK .*'])
    assert b'* 0 EXISTS\r\n' \
        in mailbox.command(b'x EXAMINE Archive')


def test_copy_from_read_only_mailbox(mailbox: RawClient) -> None:
    mailbox.command(b'x EXAMINE INBOX')
    mailbox.expect(mailbox.command(b'c COPY 1 Archive'),
                   [rb'c OK \[COPYUID \d+ 1 1\] .*'])
    mailbox.expect(mailbox.command(b'm MOVE 1 Archive'), [rb'm NO .*'])
    assert uids(mailbox) == [1, 2, 3]


# -- MOVE -------------------------------------------------------------------

def test_move_order_of_responses(mailbox: RawClient) -> None:
    archive = validity(mailbox, b'Archive')
    assert mailbox.command(b'm MOVE 2 Archive') == [
        b'* OK [COPYUID %d 2 1] Moved.\r\n' % archive,
        b'* 2 EXPUNGE\r\n',
        b'm OK MOVE completed.\r\n']
    assert uids(mailbox) == [1, 3]


def test_uid_move_of_several(mailbox: RawClient) -> None:
    archive = validity(mailbox, b'Archive')
    lines = mailbox.command(b'm UID MOVE 1,3 Archive')
    assert lines[0] == b'* OK [COPYUID %d 1,3 1:2] Moved.\r\n' % archive
    assert lines[-1] == b'm OK MOVE completed.\r\n'
    assert sorted(lines[1:-1]) in ([b'* 1 EXPUNGE\r\n', b'* 2 EXPUNGE\r\n'],
                                   [b'* 1 EXPUNGE\r\n', b'* 3 EXPUNGE\r\n'])
    assert uids(mailbox) == [2]
    mailbox.command(b's SELECT Archive')
    lines = mailbox.command(b'f FETCH 1:* (BODY.PEEK[HEADER.FIELDS '
                            b'(MESSAGE-ID)])')
    ids = re.findall(rb'Message-I[dD]: <([^@]+)@', b''.join(lines))
    assert ids == [b'B27397-0100000', b'gruss-1']


def test_move_keeps_flags(mailbox: RawClient) -> None:
    mailbox.command(b'm MOVE 2 Archive')
    mailbox.command(b's SELECT Archive')
    flags = flags_by_seq(mailbox.command(b'f FETCH 1 (FLAGS)'))
    assert flags[1] - {b'\\Recent'} == {b'\\Flagged', b'$Work'}


def test_repeated_move_copy_expunge_rounds(mailbox: RawClient) -> None:
    mailbox.command(b'm MOVE 1:* Archive')
    assert uids(mailbox) == []
    archived = 3
    last_uid = 3
    for round_ in range(10):
        for _ in range(3):
            uid = append(mailbox, PLAIN)
            assert uid > last_uid, 'UIDs must grow'
            last_uid = uid
        assert len(uids(mailbox)) == 3, round_
        assert mailbox.command(b'c COPY 1 Archive')[-1] \
            .startswith(b'c OK [COPYUID ')
        moved = mailbox.command(b'm MOVE 2 Archive')
        assert moved[1:] == [b'* 2 EXPUNGE\r\n', b'm OK MOVE completed.\r\n']
        mailbox.command(b'd STORE 1:2 +FLAGS.SILENT (\\Deleted)')
        assert mailbox.command(b'e EXPUNGE')[-1].startswith(b'e OK ')
        assert uids(mailbox) == [], round_
        archived += 2
    mailbox.command(b's SELECT Archive')
    assert len(uids(mailbox)) == archived
    assert append(mailbox, ENCODED, mailbox=b'Archive') == archived + 1

"""EXPUNGE (RFC 3501 §6.4.3), UID EXPUNGE (RFC 4315 §2.1), CLOSE
(§6.4.2), UNSELECT (RFC 3691) and CHECK (§6.4.1)."""

from __future__ import annotations

import re

import pytest

from pymap.testing.rawclient import RawClient

from .messages import PLAIN


def login(client: RawClient) -> RawClient:
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def append(client: RawClient, flags: bytes = b'') -> None:
    lines = client.command(b'ap APPEND INBOX (%s) {%d+}\r\n%s'
                           % (flags, len(PLAIN), PLAIN))
    assert lines[-1].startswith(b'ap OK '), lines


def uids(client: RawClient) -> list[int]:
    lines = client.command(b'f FETCH 1:* (UID)')
    return [int(m[1]) for line in lines
            if (m := re.search(rb'UID (\d+)', line))]


def apply_expunges(known: list[int], lines: list[bytes]) -> list[int]:
    """What a client's list of UIDs becomes after the EXPUNGE responses;
    each must name a message that exists at that moment."""
    current = list(known)
    for line in lines:
        match = re.fullmatch(rb'\* (\d+) EXPUNGE\r\n', line)
        if match:
            seq = int(match[1])
            assert 1 <= seq <= len(current), (line, current)
            del current[seq - 1]
    return current


@pytest.fixture
def mailbox(raw: RawClient) -> RawClient:
    """INBOX with seven messages, UIDs 1-7, where 2, 3, 5 and 7 are
    \\Deleted; selected."""
    login(raw)
    for uid in range(1, 8):
        append(raw, b'\\Deleted' if uid in (2, 3, 5, 7) else b'\\Seen')
    assert b'* 7 EXISTS\r\n' in raw.command(b's SELECT INBOX')
    return raw


def test_expunge_renumbers_consistently(mailbox: RawClient) -> None:
    lines = mailbox.command(b'e EXPUNGE')
    assert lines[-1] == b'e OK EXPUNGE completed.\r\n'
    assert len(lines) == 5, lines
    assert apply_expunges([1, 2, 3, 4, 5, 6, 7], lines) == [1, 4, 6]
    assert uids(mailbox) == [1, 4, 6]
    mailbox.expect(mailbox.command(b'f FETCH 4 (UID)'), [rb'f BAD .*'])


def test_expunge_with_nothing_deleted(mailbox: RawClient) -> None:
    mailbox.command(b'e EXPUNGE')
    assert mailbox.command(b'e EXPUNGE') == [b'e OK EXPUNGE completed.\r\n']
    assert uids(mailbox) == [1, 4, 6]


def test_expunge_after_undelete(mailbox: RawClient) -> None:
    mailbox.command(b's STORE 2:3 -FLAGS.SILENT (\\Deleted)')
    lines = mailbox.command(b'e EXPUNGE')
    assert apply_expunges([1, 2, 3, 4, 5, 6, 7], lines) == [1, 2, 3, 4, 6]


def test_uid_expunge_only_removes_given_uids(mailbox: RawClient) -> None:
    lines = mailbox.command(b'e UID EXPUNGE 3:4,7')
    assert len(lines) == 3 and lines[-1].startswith(b'e OK ')
    assert apply_expunges([1, 2, 3, 4, 5, 6, 7], lines) == [1, 2, 4, 5, 6]
    assert uids(mailbox) == [1, 2, 4, 5, 6]
    assert mailbox.command(b's SEARCH DELETED')[0] == b'* SEARCH 2 4\r\n'
    assert mailbox.command(b'e UID EXPUNGE 100:*')[-1].startswith(b'e OK ')
    assert uids(mailbox) == [1, 2, 4, 5, 6]


def test_uid_expunge_of_nothing(mailbox: RawClient) -> None:
    assert mailbox.command(b'e UID EXPUNGE 1,4,50:60') \
        == [b'e OK EXPUNGE completed.\r\n']


def test_close_expunges_silently(mailbox: RawClient) -> None:
    assert mailbox.command(b'c CLOSE') == [b'c OK CLOSE completed.\r\n']
    mailbox.expect(mailbox.command(b'f FETCH 1 (UID)'), [rb'f BAD .*'])
    assert b'* 3 EXISTS\r\n' in mailbox.command(b's SELECT INBOX')
    assert uids(mailbox) == [1, 4, 6]


def test_close_after_examine_does_not_expunge(mailbox: RawClient) -> None:
    mailbox.command(b'x EXAMINE INBOX')
    assert mailbox.command(b'c CLOSE') == [b'c OK CLOSE completed.\r\n']
    assert b'* 7 EXISTS\r\n' in mailbox.command(b's SELECT INBOX')


def test_unselect_does_not_expunge(mailbox: RawClient) -> None:
    assert mailbox.command(b'u UNSELECT') == [b'u OK UNSELECT completed.\r\n']
    mailbox.expect(mailbox.command(b'f FETCH 1 (UID)'), [rb'f BAD .*'])
    assert b'* 7 EXISTS\r\n' in mailbox.command(b's SELECT INBOX')


def test_check(mailbox: RawClient) -> None:
    assert mailbox.command(b'c CHECK') == [b'c OK CHECK completed.\r\n']
    assert uids(mailbox) == [1, 2, 3, 4, 5, 6, 7]
    mailbox.command(b'u UNSELECT')
    mailbox.expect(mailbox.command(b'c CHECK'), [rb'c BAD .*'])


def test_expunge_needs_writable_selected_mailbox(raw: RawClient) -> None:
    login(raw)
    append(raw, b'\\Deleted')
    raw.expect(raw.command(b'e EXPUNGE'), [rb'e BAD .*'])
    raw.expect(raw.command(b'c CLOSE'), [rb'c BAD .*'])
    raw.command(b'x EXAMINE INBOX')
    raw.expect(raw.command(b'e EXPUNGE'), [rb'e NO .*'])
    assert uids(raw) == [1]


def test_new_messages_after_expunge_get_new_uids(mailbox: RawClient) -> None:
    mailbox.command(b'e EXPUNGE')
    lines = mailbox.command(b'ap APPEND INBOX {%d+}\r\n%s'
                            % (len(PLAIN), PLAIN))
    mailbox.expect(lines, [rb'\* 4 EXISTS\r\n', rb'\* \d+ RECENT\r\n',
                           rb'ap OK \[APPENDUID \d+ 8\] .*'])
    assert uids(mailbox) == [1, 4, 6, 8]

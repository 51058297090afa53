"""SEARCH and UID SEARCH over a real socket: every key of RFC 3501
§6.4.4, charsets, and searching decoded text."""

from __future__ import annotations

import re

import pytest

from pymap.testing.rawclient import RawClient

from .messages import (
    ALTERNATIVE,
    ATTACHMENT,
    EIGHT_BIT,
    ENCODED,
    FORWARD,
    PLAIN,
)

#: (message, flags, INTERNALDATE) in sequence order. The first three are
#: taken as \Recent by an earlier session, so only 4-6 are recent.
MESSAGES = [
    (PLAIN, b'\\Seen \\Answered', b'01-Jan-2020 12:00:00 +0000'),
    (ALTERNATIVE, b'\\Flagged $Work', b'15-Mar-2022 12:00:00 +0000'),
    (ATTACHMENT, b'\\Deleted', b'01-Jun-2022 12:00:00 +0000'),
    (FORWARD, b'\\Draft', b'02-Jun-2022 12:00:00 +0000'),
    (ENCODED, b'', b'03-Jun-2022 12:00:00 +0000'),
    (EIGHT_BIT, b'\\Seen', b'04-Jun-2022 12:00:00 +0000'),
]


def login(client: RawClient) -> RawClient:
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def append(client: RawClient, data: bytes, flags: bytes,
           date: bytes) -> None:
    lines = client.command(b'ap APPEND INBOX (%s) "%s" {%d+}\r\n%s'
                           % (flags, date, len(data), data))
    assert lines[-1].startswith(b'ap OK '), lines


def search(client: RawClient, criteria: bytes,
           command: bytes = b'SEARCH') -> list[int]:
    """Runs a search; asserts exactly one SEARCH response and OK."""
    lines = client.command(b's %s %s' % (command, criteria))
    assert lines[-1].startswith(b's OK '), (criteria, lines)
    results = [line for line in lines if line.startswith(b'* SEARCH')]
    assert len(results) == 1, lines
    assert results[0].endswith(b'\r\n')
    return [int(n) for n in results[0][len(b'* SEARCH'):].split()]


def search_literal(client: RawClient, before: bytes, text: str,
                   after: bytes = b'') -> list[int]:
    """A search whose last string is a synchronizing literal of UTF-8
    text, as clients send non-ASCII search strings."""
    data = text.encode('utf-8')
    client.send(b's SEARCH %s {%d}\r\n' % (before, len(data)))
    assert client.readline().startswith(b'+ ')
    client.send(data + after + b'\r\n')
    lines = client.until_tagged(b's')
    assert lines[-1].startswith(b's OK '), lines
    return [int(n) for n in lines[0][len(b'* SEARCH'):].split()]


@pytest.fixture
def mailbox(raw: RawClient) -> RawClient:
    """INBOX with :data:`MESSAGES` at UIDs 2-7 (UID 1 was expunged, so
    UIDs and sequence numbers differ), selected."""
    login(raw)
    append(raw, b'Subject: gone\r\n\r\n', b'\\Deleted', MESSAGES[0][2])
    for data, flags, date in MESSAGES[:3]:
        append(raw, data, flags, date)
    raw.command(b's SELECT INBOX')
    assert raw.command(b'u UID EXPUNGE 1')[0] == b'* 1 EXPUNGE\r\n'
    raw.command(b'c UNSELECT')
    for data, flags, date in MESSAGES[3:]:
        append(raw, data, flags, date)
    lines = raw.command(b's SELECT INBOX')
    assert b'* 6 EXISTS\r\n' in lines and b'* 3 RECENT\r\n' in lines
    return raw


ALL = [1, 2, 3, 4, 5, 6]


def others(*seqs: int) -> list[int]:
    return [seq for seq in ALL if seq not in seqs]


@pytest.mark.parametrize(('criteria', 'expected'), [
    (b'ALL', ALL),
    (b'ANSWERED', [1]), (b'UNANSWERED', others(1)),
    (b'DELETED', [3]), (b'UNDELETED', others(3)),
    (b'DRAFT', [4]), (b'UNDRAFT', others(4)),
    (b'FLAGGED', [2]), (b'UNFLAGGED', others(2)),
    (b'SEEN', [1, 6]), (b'UNSEEN', [2, 3, 4, 5]),
    (b'RECENT', [4, 5, 6]), (b'OLD', [1, 2, 3]), (b'NEW', [4, 5]),
    (b'KEYWORD $Work', [2]), (b'UNKEYWORD $Work', others(2)),
    (b'KEYWORD $Missing', []), (b'UNKEYWORD $Missing', ALL),
])
def test_flag_keys(mailbox: RawClient, criteria: bytes,
                   expected: list[int]) -> None:
    assert search(mailbox, criteria) == expected


@pytest.mark.parametrize(('criteria', 'expected'), [
    (b'BEFORE 1-Jun-2022', [1, 2]), (b'ON 1-Jun-2022', [3]),
    (b'SINCE 2-Jun-2022', [4, 5, 6]), (b'ON 2-Jun-2021', []),
    (b'SINCE "1-Jan-2020"', ALL), (b'BEFORE 1-Jan-2020', []),
    (b'SENTBEFORE 1-Jan-2000', [1]), (b'SENTON 3-Jun-2022', [5]),
    (b'SENTON 7-Feb-1994', [1]), (b'SENTSINCE 2-Jun-2022', [4, 5, 6]),
    (b'SENTSINCE 15-Mar-2022 SENTBEFORE 2-Jun-2022', [2, 3]),
])
def test_date_keys(mailbox: RawClient, criteria: bytes,
                   expected: list[int]) -> None:
    assert search(mailbox, criteria) == expected


def test_size_keys(mailbox: RawClient) -> None:
    sizes = [len(data) for data, _, _ in MESSAGES]
    for threshold in (len(PLAIN), len(ATTACHMENT), 1000):
        assert search(mailbox, b'LARGER %d' % threshold) == [
            seq for seq, size in enumerate(sizes, 1) if size > threshold]
        assert search(mailbox, b'SMALLER %d' % threshold) == [
            seq for seq, size in enumerate(sizes, 1) if size < threshold]
    assert search(mailbox, b'LARGER 0') == ALL
    assert search(mailbox, b'SMALLER 1') == []


@pytest.mark.parametrize(('criteria', 'expected'), [
    (b'FROM foobar', [1]), (b'FROM "Fred Foobar"', [1]),
    (b'FROM FOOBAR@blurdybloop', [1]), (b'FROM office.example', [4]),
    (b'TO mooch', [1]), (b'TO carol', []), (b'CC alice', [1]),
    (b'CC builder.example', [1]), (b'CC foobar', []), (b'BCC secret', [1]),
    (b'SUBJECT lunch', [4]), (b'SUBJECT AFTERNOON', [1]),
    (b'SUBJECT "weekly digest"', [2]),
    (b'HEADER Message-ID digest-42', [2]),
    (b'HEADER content-transfer-encoding quoted-printable', [5]),
    (b'HEADER X-Mailer ""', []), (b'HEADER MIME-Version ""', ALL),
])
def test_header_keys(mailbox: RawClient, criteria: bytes,
                     expected: list[int]) -> None:
    assert search(mailbox, criteria) == expected


@pytest.mark.parametrize(('criteria', 'expected'), [
    (b'BODY tomatoes', [2]), (b'BODY "LAST FROST"', [2]),
    (b'BODY ramen', [4]), (b'BODY afternoon', []), (b'TEXT afternoon', [1]),
    (b'TEXT "Weekly digest"', [2]), (b'BODY 3:30', [1]),
    # the note is base64 inside a multipart: only the decoded text holds it
    (b'BODY zanzibar', [3]),
    # a quoted-printable soft line break splits "lang" on the wire
    (b'BODY "sehr lang in"', [5]),
])
def test_body_keys(mailbox: RawClient, criteria: bytes,
                   expected: list[int]) -> None:
    assert search(mailbox, criteria) == expected


@pytest.mark.parametrize(('before', 'text', 'expected'), [
    (b'SUBJECT', 'Grüße', [5]), (b'SUBJECT', 'münchen', [5]),
    (b'FROM', 'Jürgen Müller', [5]), (b'TO', 'André', [5]),
    (b'BODY', 'Käsekuchen', [5]), (b'BODY', 'crème brûlée', [6]),
    (b'TEXT', 'Zoë', [6]), (b'BODY', 'Grüße', [5]),
    (b'SUBJECT', 'Gruße', []),
    # TEXT covers the header too, decoded like SUBJECT and FROM are
    (b'TEXT', 'Grüße aus München', [5]), (b'TEXT', 'Jürgen', [5]),
    (b'TEXT', 'André', [5]), (b'BODY', 'München', []),
])
def test_utf8_literals(mailbox: RawClient, before: bytes, text: str,
                       expected: list[int]) -> None:
    assert search_literal(mailbox, b'CHARSET UTF-8 ' + before, text) \
        == expected


def test_utf8_literal_followed_by_more_keys(mailbox: RawClient) -> None:
    assert search_literal(mailbox, b'CHARSET UTF-8 OR SEEN BODY',
                          'Käsekuchen', b' UNDRAFT') == [1, 5, 6]


@pytest.mark.parametrize(('criteria', 'expected'), [
    (b'NOT SEEN', [2, 3, 4, 5]), (b'NOT NOT SEEN', [1, 6]),
    (b'OR SEEN FLAGGED', [1, 2, 6]), (b'OR (SEEN DELETED) DRAFT', [4]),
    (b'NOT OR SEEN FLAGGED', [3, 4, 5]), (b'(SEEN UNANSWERED)', [6]),
    (b'SEEN UNANSWERED', [6]), (b'OR OR DRAFT DELETED ANSWERED', [1, 3, 4]),
    (b'(OR SEEN FLAGGED) (NOT RECENT)', [1, 2]),
    (b'NOT (SUBJECT lunch)', others(4)),
])
def test_combinations(mailbox: RawClient, criteria: bytes,
                      expected: list[int]) -> None:
    assert search(mailbox, criteria) == expected


@pytest.mark.parametrize(('criteria', 'expected'), [
    (b'2:4', [2, 3, 4]), (b'5:*', [5, 6]), (b'*', [6]), (b'*:5', [5, 6]),
    (b'1,3,5 SEEN', [1]), (b'NOT 1:5', [6]), (b'UID 3:4', [2, 3]),
    (b'UID *', [6]), (b'UID 1', []), (b'UID 1:2,7', [1, 6]),
    (b'UID 100:*', [6]),
])
def test_sequence_and_uid_sets(mailbox: RawClient, criteria: bytes,
                               expected: list[int]) -> None:
    assert search(mailbox, criteria) == expected


def test_uid_search_returns_uids(mailbox: RawClient) -> None:
    assert search(mailbox, b'SEEN', b'UID SEARCH') == [2, 7]
    assert search(mailbox, b'ALL', b'UID SEARCH') == [2, 3, 4, 5, 6, 7]
    assert search(mailbox, b'UID 3:4', b'UID SEARCH') == [3, 4]
    assert search(mailbox, b'1:2', b'UID SEARCH') == [2, 3]


def test_charsets(mailbox: RawClient) -> None:
    assert search(mailbox, b'CHARSET US-ASCII SUBJECT lunch') == [4]
    assert search(mailbox, b'CHARSET utf-8 SUBJECT lunch') == [4]
    assert search(mailbox, b'CHARSET "UTF-8" SEEN') == [1, 6]
    lines = mailbox.command(b's SEARCH CHARSET KOI8-R SUBJECT lunch')
    mailbox.expect(lines, [rb's NO \[BADCHARSET( \(.*\))?\] .*\r\n'])
    listed = re.search(rb'BADCHARSET \((.*)\)', lines[0])
    assert listed and b'UTF-8' in listed[1].split(), lines


def test_no_match_gives_empty_search_response(mailbox: RawClient) -> None:
    assert mailbox.command(b's SEARCH SUBJECT nonesuch') == [
        b'* SEARCH\r\n', b's OK SEARCH completed.\r\n']


def test_search_string_as_literal(mailbox: RawClient) -> None:
    mailbox.send(b's SEARCH SUBJECT {5}\r\n')
    assert mailbox.readline().startswith(b'+ ')
    mailbox.send(b'lunch\r\n')
    assert mailbox.until_tagged(b's')[0] == b'* SEARCH 4\r\n'


def test_search_sees_flags_changed_by_store(mailbox: RawClient) -> None:
    mailbox.command(b't STORE 5 +FLAGS.SILENT (\\Flagged)')
    assert search(mailbox, b'FLAGGED') == [2, 5]
    mailbox.command(b't STORE 2 -FLAGS.SILENT (\\Flagged)')
    assert search(mailbox, b'FLAGGED') == [5]


@pytest.mark.parametrize('criteria', [
    b'', b'BOGUS', b'SINCE yesterday', b'LARGER x', b'OR SEEN',
    b'(SEEN', b'NOT', b'HEADER Subject', b'KEYWORD \\Bad(', b'0',
])
def test_syntax_errors(mailbox: RawClient, criteria: bytes) -> None:
    line = (b's SEARCH ' + criteria).rstrip()
    mailbox.expect(mailbox.command(line), [rb's BAD .*\r\n'])


def test_search_needs_selected_mailbox(raw: RawClient) -> None:
    login(raw)
    raw.expect(raw.command(b's SEARCH ALL'), [rb's BAD .*\r\n'])

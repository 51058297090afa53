"""FETCH and UID FETCH over a real socket (RFC 3501 §6.4.5, §7.4.2;
RFC 3516 BINARY)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from pymap.testing.rawclient import RawClient

from .messages import (
    ALTERNATIVE,
    ATTACHMENT,
    ATTACHMENT_BYTES,
    ATTACHMENT_NOTE,
    EIGHT_BIT,
    ENCODED,
    FORWARD,
    LARGE,
    LARGE_ATTACHMENT,
    LARGE_MIME,
    LARGE_TEXT,
    PLAIN,
    PLAIN_BODY,
    PLAIN_HEADER,
    lf_only,
)

Value = bytes | int | None | list['Value']

#: The messages of the ``mailbox`` fixture, in sequence order.
MESSAGES = [PLAIN, ALTERNATIVE, ATTACHMENT, FORWARD, ENCODED, EIGHT_BIT]
PLAIN_DATE = b'"07-Feb-1994 21:52:25 -0800"'
_DATE_TIME = re.compile(rb'( [1-9]|[0-3][0-9])-[A-Z][a-z]{2}-[0-9]{4} '
                        rb'[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}')


def internaldate(value: Value) -> datetime:
    """Checks the RFC 3501 ``date-time`` form (the day is two digits or
    a space and one) and returns the instant."""
    assert isinstance(value, bytes) and _DATE_TIME.fullmatch(value), value
    return datetime.strptime(value.decode().strip(), '%d-%b-%Y %H:%M:%S %z')


# -- a small reader for responses that carry literals ----------------------

def read_responses(client: RawClient, tag: bytes) -> list[bytes]:
    """Whole responses up to the tagged one, each with its literals
    inline (the ``{n}`` announcement kept, so they can be parsed)."""
    responses = []
    while True:
        response = client.readline()
        while (match := re.search(rb'\{(\d+)\}\r\n\Z', response)):
            response += client.read_exact(int(match[1]))
            response += client.readline()
        responses.append(response)
        if not response or response.startswith(tag + b' '):
            return responses


def send(client: RawClient, line: bytes) -> list[bytes]:
    client.send(line + b'\r\n')
    return read_responses(client, line.split(b' ', 1)[0])


def parse_value(data: bytes, pos: int) -> tuple[Value, int]:
    """One value: a list, quoted string, literal, literal8, NIL, number,
    or atom (with a ``[section]`` and ``<origin>`` kept in it)."""
    if data[pos:pos + 1] == b'(':
        items: list[Value] = []
        pos += 1
        while data[pos:pos + 1] != b')':
            if data[pos:pos + 1] == b' ':
                pos += 1
            item, pos = parse_value(data, pos)
            items.append(item)
        return items, pos + 1
    if data[pos:pos + 1] == b'"':
        match = re.compile(rb'"((?:[^"\\]|\\.)*)"').match(data, pos)
        assert match, data[pos:]
        return re.sub(rb'\\(.)', rb'\1', match[1]), match.end()
    literal = re.compile(rb'~?\{(\d+)\}\r\n').match(data, pos)
    if literal:
        end = literal.end() + int(literal[1])
        return data[literal.end():end], end
    atom = re.compile(rb'[^ ()\[\r]+(\[[^\]]*\](<\d+>)?)?').match(data, pos)
    assert atom, data[pos:]
    word = atom[0]
    if word == b'NIL':
        return None, atom.end()
    return (int(word) if word.isdigit() else word), atom.end()


def parse_fetch(response: bytes) -> tuple[int, dict[bytes, Value]]:
    """The sequence number and items of an untagged FETCH response, in a
    dict that keeps their order."""
    match = re.match(rb'\* (\d+) FETCH ', response)
    assert match, response
    items, end = parse_value(response, match.end())
    assert response[end:] == b'\r\n', response
    assert isinstance(items, list) and len(items) % 2 == 0, items
    names = [name for name in items[::2] if isinstance(name, bytes)]
    assert len(names) == len(items) // 2, items
    pairs = dict(zip(names, items[1::2], strict=True))
    assert len(pairs) == len(names), 'an item was repeated'
    return int(match[1]), pairs


def fetch(client: RawClient, line: bytes) -> dict[int, dict[bytes, Value]]:
    """Runs a FETCH; asserts OK and returns items by sequence number."""
    responses = send(client, line)
    assert responses[-1].startswith(line.split(b' ', 1)[0] + b' OK '), \
        responses
    results: dict[int, dict[bytes, Value]] = {}
    for response in responses[:-1]:
        seq, items = parse_fetch(response)
        results.setdefault(seq, {}).update(items)
    return results


def fetch_one(client: RawClient, line: bytes) -> dict[bytes, Value]:
    results = fetch(client, line)
    assert len(results) == 1, results
    return next(iter(results.values()))


def login(client: RawClient) -> RawClient:
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def append(client: RawClient, data: bytes, extra: bytes = b'') -> int:
    lines = client.command(b'ap APPEND INBOX %s{%d+}\r\n%s'
                           % (extra, len(data), data))
    match = re.fullmatch(rb'(?:.*)ap OK \[APPENDUID \d+ (\d+)\] .*',
                         b''.join(lines), re.DOTALL)
    assert match, lines
    return int(match[1])


@pytest.fixture
def mailbox(raw: RawClient) -> RawClient:
    """INBOX holding :data:`MESSAGES` (the first one ``\\Seen`` with a set
    INTERNALDATE), selected."""
    login(raw)
    append(raw, PLAIN, b'(\\Seen) ' + PLAIN_DATE + b' ')
    for message in MESSAGES[1:]:
        append(raw, message)
    assert b'* 6 EXISTS\r\n' in raw.command(b's SELECT INBOX')
    return raw


# -- simple attributes ------------------------------------------------------

def test_flags_uid_internaldate_size(mailbox: RawClient) -> None:
    items = fetch_one(mailbox,
                      b'f FETCH 1 (FLAGS UID INTERNALDATE RFC822.SIZE)')
    assert list(items) == [b'FLAGS', b'UID', b'INTERNALDATE',
                           b'RFC822.SIZE']
    assert isinstance(items[b'FLAGS'], list)
    assert set(items[b'FLAGS']) == {b'\\Seen', b'\\Recent'}
    assert items[b'UID'] == 1
    assert internaldate(items[b'INTERNALDATE']) == datetime(
        1994, 2, 8, 5, 52, 25, tzinfo=UTC)
    assert items[b'RFC822.SIZE'] == len(PLAIN)


def test_sizes_of_every_message(mailbox: RawClient) -> None:
    results = fetch(mailbox, b'f FETCH 1:* (RFC822.SIZE)')
    assert {seq: items[b'RFC822.SIZE'] for seq, items in results.items()} \
        == {seq: len(data) for seq, data in enumerate(MESSAGES, 1)}


def test_internaldate_defaults_to_now(mailbox: RawClient) -> None:
    value = fetch_one(mailbox, b'f FETCH 2 (INTERNALDATE)')[b'INTERNALDATE']
    stamp = internaldate(value)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=5)


def test_bare_lf_message_is_sized_and_sent_with_crlf(raw: RawClient) -> None:
    login(raw)
    append(raw, lf_only(ALTERNATIVE))
    raw.command(b's SELECT INBOX')
    items = fetch_one(raw, b'f FETCH 1 (RFC822.SIZE BODY.PEEK[])')
    assert items[b'RFC822.SIZE'] == len(ALTERNATIVE)
    assert items[b'RFC822.SIZE'] != len(lf_only(ALTERNATIVE))
    assert items[b'BODY[]'] == ALTERNATIVE


def test_envelope(mailbox: RawClient) -> None:
    envelope = fetch_one(mailbox, b'f FETCH 1 (ENVELOPE)')[b'ENVELOPE']
    fred = [[b'Fred Foobar', None, b'foobar', b'Blurdybloop.example']]
    assert envelope == [
        b'Mon, 07 Feb 1994 21:52:25 -0800', b'afternoon meeting',
        fred, fred, fred,
        [[None, None, b'mooch', b'owatagu.siam.example']],
        [[b'Alice Liddell', None, b'alice', b'wonderland.example'],
         [None, None, b'bob', b'builder.example']],
        [[None, None, b'secret', b'hidden.example']],
        None, b'<B27397-0100000@Blurdybloop.example>']


def test_envelope_keeps_encoded_words(mailbox: RawClient) -> None:
    envelope = fetch_one(mailbox, b'f FETCH 5 (ENVELOPE)')[b'ENVELOPE']
    assert isinstance(envelope, list)
    assert envelope[1] == b'=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?='
    assert envelope[2] == [[b'=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=', None,
                            b'juergen', b'example.de']]


# -- structure --------------------------------------------------------------

def test_body_and_bodystructure_of_plain_message(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 1 (BODY BODYSTRUCTURE)')
    basic = [b'TEXT', b'PLAIN', [b'CHARSET', b'US-ASCII'], None, None,
             b'7BIT', len(PLAIN_BODY), 2]
    assert items[b'BODY'] == basic
    assert items[b'BODYSTRUCTURE'] == [*basic, None, None, None, None]


def test_bodystructure_sizes_match_fetched_parts(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 2 (BODYSTRUCTURE BODY.PEEK[1] '
                               b'BODY.PEEK[2])')
    structure = items[b'BODYSTRUCTURE']
    assert isinstance(structure, list)
    plain, html = structure[0], structure[1]
    assert isinstance(plain, list) and isinstance(html, list)
    assert [part[:2] for part in (plain, html)] == [[b'text', b'plain'],
                                                    [b'text', b'html']]
    assert plain[6] == len(items[b'BODY[1]'])  # type: ignore[arg-type]
    assert html[6] == len(items[b'BODY[2]'])  # type: ignore[arg-type]
    assert structure[2:4] == [b'alternative', [b'boundary', b'alt-boundary']]


def test_bodystructure_of_attachment(mailbox: RawClient) -> None:
    structure = fetch_one(mailbox, b'f FETCH 3 (BODYSTRUCTURE)')[
        b'BODYSTRUCTURE']
    assert isinstance(structure, list)
    binary = structure[2]
    assert isinstance(binary, list)
    assert binary[:6] == [b'application', b'octet-stream',
                          [b'name', b'invoice.bin'], None, None, b'base64']
    assert binary[8] == [b'attachment', [b'filename', b'invoice.bin']]
    assert structure[3] == b'mixed'


def test_bodystructure_of_encapsulated_message(mailbox: RawClient) -> None:
    structure = fetch_one(mailbox, b'f FETCH 4 (BODYSTRUCTURE)')[
        b'BODYSTRUCTURE']
    assert isinstance(structure, list)
    inner = structure[1]
    assert isinstance(inner, list)
    assert inner[:2] == [b'message', b'rfc822']
    assert inner[4] == b'original message'
    envelope, body = inner[7], inner[8]
    assert isinstance(envelope, list) and envelope[1] == b'lunch plans'
    assert isinstance(body, list) and body[2] == b'alternative'


# -- sections ---------------------------------------------------------------

def test_whole_header_and_text(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 1 (BODY.PEEK[] BODY.PEEK[HEADER] '
                               b'BODY.PEEK[TEXT])')
    assert items == {b'BODY[]': PLAIN, b'BODY[HEADER]': PLAIN_HEADER,
                     b'BODY[TEXT]': PLAIN_BODY}


def test_header_fields_and_not(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 1 (BODY.PEEK[HEADER.FIELDS '
                               b'(subject FROM X-Absent)] '
                               b'BODY.PEEK[HEADER.FIELDS.NOT (Date Bcc Cc '
                               b'To Message-ID MIME-Version '
                               b'Content-Type)])')
    assert items == {
        b'BODY[HEADER.FIELDS (SUBJECT FROM X-ABSENT)]':
            b'From: Fred Foobar <foobar@Blurdybloop.example>\r\n'
            b'Subject: afternoon meeting\r\n\r\n',
        b'BODY[HEADER.FIELDS.NOT (DATE BCC CC TO MESSAGE-ID MIME-VERSION '
        b'CONTENT-TYPE)]':
            b'From: Fred Foobar <foobar@Blurdybloop.example>\r\n'
            b'Subject: afternoon meeting\r\n\r\n',
    }


def test_header_field_names_are_astrings(mailbox: RawClient) -> None:
    """RFC 3501 §9: header-fld-name is an astring, so a name with an
    atom-special goes back quoted."""
    first, *_ = send(mailbox, b'f FETCH 1 (BODY.PEEK[HEADER.FIELDS '
                              b'("X)Y" Subject)])')
    assert first.startswith(b'* 1 FETCH (BODY[HEADER.FIELDS ("X)Y" '
                            b'SUBJECT)] {'), first


def test_header_field_names_in_literals(mailbox: RawClient) -> None:
    """Items whose text is alike but whose literals differ are each
    parsed on their own."""
    subject = send(mailbox, b'f FETCH 1 (BODY.PEEK[HEADER.FIELDS '
                            b'({7+}\r\nSubject)])')
    assert b'Subject: afternoon meeting' in subject[0], subject
    other = send(mailbox, b'g FETCH 1 (BODY.PEEK[HEADER.FIELDS '
                          b'({7+}\r\nX-Other)])')
    assert other[0].startswith(b'* 1 FETCH (BODY[HEADER.FIELDS (X-OTHER)] '), \
        other
    assert b'Subject' not in other[0]
    invalid = send(mailbox, b'h FETCH 1 (BODY.PEEK[HEADER.FIELDS '
                            b'({7+}\r\nFrom:XX)])')
    assert invalid[-1].startswith(b'h BAD '), invalid


def test_part_numbers_of_multipart(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 2 (BODY.PEEK[1] BODY.PEEK[2] '
                               b'BODY.PEEK[2.MIME])')
    assert items == {
        b'BODY[1]': b'Plant your tomatoes after the last frost.',
        b'BODY[2]': b'<html><body><p>Plant your <b>tomatoes</b> after the '
                    b'last frost.</p></body></html>',
        b'BODY[2.MIME]': b'Content-Type: text/html; charset=utf-8\r\n'
                         b'Content-Transfer-Encoding: 7bit\r\n\r\n',
    }


def test_part_one_of_single_part_message_is_its_body(
        mailbox: RawClient) -> None:
    assert fetch_one(mailbox, b'f FETCH 1 (BODY.PEEK[1])') \
        == {b'BODY[1]': PLAIN_BODY}


def test_nested_parts_of_encapsulated_message(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 4 (BODY.PEEK[2.HEADER.FIELDS '
                               b'(SUBJECT)] BODY.PEEK[2.1] BODY.PEEK[2.2] '
                               b'BODY.PEEK[2.1.MIME] BODY.PEEK[2.TEXT] '
                               b'BODY.PEEK[2] BODY.PEEK[2.HEADER])')
    assert items[b'BODY[2.HEADER.FIELDS (SUBJECT)]'] \
        == b'Subject: lunch plans\r\n\r\n'
    assert items[b'BODY[2.1]'] == b'Shall we try the new ramen place?'
    assert items[b'BODY[2.2]'] \
        == b'<p>Shall we try the new <i>ramen</i> place?</p>'
    assert items[b'BODY[2.1.MIME]'] \
        == b'Content-Type: text/plain; charset=us-ascii\r\n\r\n'
    whole, header, text = (items[b'BODY[2]'], items[b'BODY[2.HEADER]'],
                           items[b'BODY[2.TEXT]'])
    assert isinstance(whole, bytes) and isinstance(header, bytes)
    assert whole.startswith(b'Date: Wed, 01 Jun 2022 12:00:00 +0000\r\n')
    assert header.endswith(b'boundary="inner"\r\n\r\n')
    assert whole == header + text  # type: ignore[operator]
    assert whole in FORWARD


def test_missing_part_is_empty(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 2 (BODY.PEEK[3] BODY.PEEK[1.2])')
    assert items[b'BODY[3]'] in (None, b'')
    assert items[b'BODY[1.2]'] in (None, b'')


def test_partial_fetches(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 1 (BODY.PEEK[]<0.10> '
                               b'BODY.PEEK[TEXT]<6.3> '
                               b'BODY.PEEK[]<100000.10>)')
    assert items == {b'BODY[]<0>': PLAIN[:10], b'BODY[TEXT]<6>': b'Joe',
                     b'BODY[]<100000>': b''}


def test_partial_running_past_the_end(mailbox: RawClient) -> None:
    start = len(PLAIN) - 5
    items = fetch_one(mailbox, b'f FETCH 1 (BODY.PEEK[]<%d.100>)' % start)
    assert items == {b'BODY[]<%d>' % start: PLAIN[-5:]}


def test_rfc822_items(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 1 (RFC822.HEADER RFC822.TEXT '
                               b'RFC822)')
    assert items == {b'RFC822.HEADER': PLAIN_HEADER,
                     b'RFC822.TEXT': PLAIN_BODY, b'RFC822': PLAIN}


def test_rfc822_sets_seen_but_rfc822_header_does_not(
        mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 2 (RFC822.HEADER)')
    assert b'FLAGS' not in items
    before = fetch_one(mailbox, b'g FETCH 2 FLAGS')[b'FLAGS']
    assert isinstance(before, list) and b'\\Seen' not in before
    flags = fetch_one(mailbox, b'f FETCH 2 (RFC822)')[b'FLAGS']
    assert isinstance(flags, list) and b'\\Seen' in flags


# -- BINARY -----------------------------------------------------------------

def test_binary_decodes_base64(mailbox: RawClient) -> None:
    responses = send(mailbox, b'f FETCH 3 (BINARY.PEEK[3] BINARY.SIZE[3] '
                              b'BINARY.PEEK[2] BINARY.SIZE[2])')
    assert re.search(rb'BINARY\[3\] ~\{%d\}\r\n' % len(ATTACHMENT_BYTES),
                     responses[0]), 'NUL bytes need a literal8'
    _, items = parse_fetch(responses[0])
    assert items == {b'BINARY[3]': ATTACHMENT_BYTES,
                     b'BINARY.SIZE[3]': len(ATTACHMENT_BYTES),
                     b'BINARY[2]': ATTACHMENT_NOTE,
                     b'BINARY.SIZE[2]': len(ATTACHMENT_NOTE)}


def test_binary_size_of_missing_part_is_a_number(mailbox: RawClient) -> None:
    """RFC 3516 §4.2: BINARY.SIZE is always a number; BINARY may be NIL."""
    items = fetch_one(mailbox, b'f FETCH 1 (BINARY.SIZE[2] BINARY.SIZE[1.3])')
    assert items == {b'BINARY.SIZE[2]': 0, b'BINARY.SIZE[1.3]': 0}


def test_binary_decodes_quoted_printable(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 5 (BINARY.PEEK[1] BINARY.SIZE[1])')
    text = items[b'BINARY[1]']
    assert isinstance(text, bytes)
    assert text.decode('utf-8') == (
        'Liebe Grüße, der Käsekuchen war köstlich und sehr lang in '
        'Erinnerung.\r\n')
    assert items[b'BINARY.SIZE[1]'] == len(text)


def test_binary_partial(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 3 (BINARY.PEEK[2]<10.4>)')
    # RFC 3516 §4.3 names the item with its origin; its ABNF omits it.
    [(name, data)] = items.items()
    assert name in (b'BINARY[2]<10>', b'BINARY[2]')
    assert data == ATTACHMENT_NOTE[10:14]


def test_binary_sets_seen_unless_peek(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 3 (BINARY.PEEK[1])')
    assert b'FLAGS' not in items
    items = fetch_one(mailbox, b'f FETCH 3 (BINARY[1])')
    assert b'\\Seen' in items[b'FLAGS']  # type: ignore[operator]


# -- body parts of large messages ------------------------------------------

@pytest.fixture
def large_mailbox(raw: RawClient) -> RawClient:
    """INBOX holding a small message, :data:`LARGE` as sent and with bare
    LF line endings, and a small one again, selected: a backend may read
    a large message's parts apart, from either form."""
    login(raw)
    for message in (PLAIN, LARGE, lf_only(LARGE), PLAIN):
        append(raw, message)
    assert b'* 4 EXISTS\r\n' in raw.command(b's SELECT INBOX')
    return raw


@pytest.mark.parametrize('seq', [2, 3])
def test_parts_of_large_message(large_mailbox: RawClient, seq: int) -> None:
    items = fetch_one(large_mailbox, b'f FETCH %d (BODY.PEEK[1] '
                      b'BODY.PEEK[2.MIME] BINARY.PEEK[2] BINARY.SIZE[2] '
                      b'BODY.PEEK[3.HEADER.FIELDS (SUBJECT)] BODY.PEEK[3.1] '
                      b'BODY.PEEK[1]<4.11> BODY.PEEK[4] BINARY.SIZE[4])'
                      % seq)
    assert items == {
        b'BODY[1]': LARGE_TEXT,
        b'BODY[2.MIME]': LARGE_MIME,
        b'BINARY[2]': LARGE_ATTACHMENT,
        b'BINARY.SIZE[2]': len(LARGE_ATTACHMENT),
        b'BODY[3.HEADER.FIELDS (SUBJECT)]': b'Subject: report\r\n\r\n',
        b'BODY[3.1]': b'The report is in the photographs.',
        b'BODY[1]<4>': LARGE_TEXT[4:15],
        b'BODY[4]': None,
        b'BINARY.SIZE[4]': 0,
    }


def test_parts_of_small_and_large_messages_in_order(
        large_mailbox: RawClient) -> None:
    responses = send(large_mailbox, b'f FETCH 1:4 (BODY.PEEK[1])')
    assert responses[-1].startswith(b'f OK '), responses
    fetched = [parse_fetch(response) for response in responses[:-1]]
    assert fetched == [(1, {b'BODY[1]': PLAIN_BODY}),
                       (2, {b'BODY[1]': LARGE_TEXT}),
                       (3, {b'BODY[1]': LARGE_TEXT}),
                       (4, {b'BODY[1]': PLAIN_BODY})]


def test_part_of_large_message_sets_seen(large_mailbox: RawClient) -> None:
    items = fetch_one(large_mailbox, b'f FETCH 2 (BODY[2.MIME])')
    assert items[b'BODY[2.MIME]'] == LARGE_MIME
    assert b'\\Seen' in items[b'FLAGS']  # type: ignore[operator]


# -- macros, UID, \Seen -----------------------------------------------------

def test_macros(mailbox: RawClient) -> None:
    fast = fetch_one(mailbox, b'f FETCH 1 FAST')
    assert list(fast) == [b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE']
    every = fetch_one(mailbox, b'f FETCH 1 ALL')
    assert list(every) == [b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE',
                           b'ENVELOPE']
    full = fetch_one(mailbox, b'f FETCH 1 FULL')
    assert list(full) == [b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE',
                          b'ENVELOPE', b'BODY']
    assert full[b'BODY'] == fetch_one(mailbox, b'g FETCH 1 BODY')[b'BODY']


def test_uid_fetch_includes_uid(mailbox: RawClient) -> None:
    results = fetch(mailbox, b'u UID FETCH 2:3 (FLAGS)')
    assert {seq: items[b'UID'] for seq, items in results.items()} \
        == {2: 2, 3: 3}


def test_body_fetch_sets_seen_and_reports_flags(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 2 (BODY[TEXT])')
    assert b'\\Seen' in items[b'FLAGS']  # type: ignore[operator]
    lines = mailbox.command(b's SEARCH UNSEEN')
    assert lines[0] == b'* SEARCH 3 4 5 6\r\n'


def test_peek_does_not_set_seen(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 2 (BODY.PEEK[] BINARY.PEEK[1])')
    assert b'FLAGS' not in items
    assert mailbox.command(b's SEARCH SEEN')[0] == b'* SEARCH 1\r\n'


def test_fetch_of_seen_message_keeps_flags(mailbox: RawClient) -> None:
    items = fetch_one(mailbox, b'f FETCH 1 (FLAGS BODY[])')
    assert set(items[b'FLAGS']) == {b'\\Seen', b'\\Recent'}  # type: ignore
    assert items[b'BODY[]'] == PLAIN


# -- sequence sets ----------------------------------------------------------

@pytest.mark.parametrize(('seq_set', 'expected'), [
    (b'*', [6]), (b'2:3', [2, 3]), (b'3:2', [2, 3]), (b'5:*', [5, 6]),
    (b'1,3,5', [1, 3, 5]), (b'4,1:2,4', [1, 2, 4]),
    (b'1:*', [1, 2, 3, 4, 5, 6]),
])
def test_sequence_sets(mailbox: RawClient, seq_set: bytes,
                       expected: list[int]) -> None:
    responses = send(mailbox, b'f FETCH %s (UID)' % seq_set)
    assert responses[-1].startswith(b'f OK ')
    assert [parse_fetch(r)[0] for r in responses[:-1]] == expected


def test_uid_ranges(mailbox: RawClient) -> None:
    assert fetch(mailbox, b'u UID FETCH 100:200 (FLAGS)') == {}
    results = fetch(mailbox, b'u UID FETCH 100:* (FLAGS)')
    assert list(results) == [6], 'n:* includes the highest UID'
    assert results[6][b'UID'] == 6
    assert list(fetch(mailbox, b'u UID FETCH 2,5:6,99 (FLAGS)')) == [2, 5, 6]


def test_sequence_number_past_exists_is_bad(mailbox: RawClient) -> None:
    mailbox.expect(mailbox.command(b'f FETCH 7 (FLAGS)'), [rb'f BAD .*'])
    mailbox.expect(mailbox.command(b'f FETCH 1:7 (FLAGS)'), [rb'f BAD .*'])


def test_fetch_on_empty_mailbox(raw: RawClient) -> None:
    login(raw)
    raw.command(b's SELECT INBOX')
    # RFC 3501 §9 seq-number: a BAD response "includes * if the selected
    # mailbox is empty".
    raw.expect(raw.command(b'f FETCH 1:* (FLAGS)'), [rb'f BAD .*'])
    raw.expect(raw.command(b'u UID FETCH 1:* (FLAGS)'), [rb'u OK .*'])


def test_fetch_syntax_errors(mailbox: RawClient) -> None:
    for line in (b'f FETCH 1 (FLAGS BOGUS)', b'f FETCH 0 (FLAGS)',
                 b'f FETCH 1 (BODY[0])', b'f FETCH 1 (BODY[]<0.0>)',
                 b'f FETCH 1 (BODY[MIME])'):
        mailbox.expect(mailbox.command(line), [rb'f BAD .*'])
    mailbox.expect(mailbox.command(b'f FETCH 1 (FLAGS)'),
                   [rb'\* 1 FETCH .*', rb'f OK .*'])


def test_fetch_needs_a_selected_mailbox(raw: RawClient) -> None:
    login(raw)
    raw.expect(raw.command(b'f FETCH 1 (FLAGS)'), [rb'f BAD .*'])


def test_every_message_body_round_trips(mailbox: RawClient) -> None:
    results = fetch(mailbox, b'f FETCH 1:* (BODY.PEEK[])')
    assert [items[b'BODY[]'] for items in results.values()] == MESSAGES


def test_binary_append_is_never_sent_with_nul_in_a_plain_literal(
        raw: RawClient) -> None:
    login(raw)
    data = (b'Subject: binary\r\nContent-Type: application/octet-stream\r\n'
            b'Content-Transfer-Encoding: binary\r\n\r\nab\x00cd\r\n')
    lines = raw.command(b'ap APPEND INBOX ~{%d+}\r\n%s' % (len(data), data))
    assert lines[-1].startswith(b'ap OK ')
    raw.command(b's SELECT INBOX')
    responses = send(raw, b'f FETCH 1 (RFC822.SIZE BINARY.PEEK[1] '
                          b'BINARY.PEEK[] BODY.PEEK[TEXT])')
    _, items = parse_fetch(responses[0])
    assert items[b'RFC822.SIZE'] == len(data)
    assert items[b'BINARY[1]'] == b'ab\x00cd\r\n'
    assert items[b'BINARY[]'] == data
    # RFC 3501 §4.3: a literal is CHAR8, which excludes NUL; only BINARY
    # may answer with a literal8.
    body = re.search(rb'BODY\[TEXT\] \{\d+\}\r\n(.*)\)\r\n\Z',
                     responses[0], re.DOTALL)
    assert body and body[1] == b'ab\x80cd\r\n', responses[0]


def test_binary_of_unknown_encoding_is_refused(raw: RawClient) -> None:
    login(raw)
    data = (b'Subject: old\r\nContent-Type: text/plain\r\n'
            b'Content-Transfer-Encoding: x-uuencode\r\n\r\n'
            b'begin 644 a.txt\r\n#86)C\r\n`\r\nend\r\n')
    append(raw, data)
    raw.command(b's SELECT INBOX')
    for item in (b'BINARY.PEEK[1]', b'BINARY.SIZE[1]'):
        raw.expect(raw.command(b'f FETCH 1 (%s)' % item),
                   [rb'f NO \[UNKNOWN-CTE\] .*\r\n'])
    assert fetch_one(raw, b'f FETCH 1 (BODY.PEEK[1])') \
        == {b'BODY[1]': data.split(b'\r\n\r\n', 1)[1]}


def test_responses_before_a_refused_message_are_sent(raw: RawClient) -> None:
    login(raw)
    append(raw, b'Subject: plain\r\n\r\nfine\r\n')
    append(raw, b'Subject: old\r\nContent-Transfer-Encoding: x-uuencode'
                b'\r\n\r\nbegin 644 a.txt\r\n`\r\nend\r\n')
    raw.command(b's SELECT INBOX')
    raw.expect(raw.command(b'f FETCH 1:2 (BINARY.PEEK[1])'),
               [rb'\* 1 FETCH \(BINARY\[1\] \{6\}\r\n', rb'fine\r\n',
                rb'\)\r\n', rb'f NO \[UNKNOWN-CTE\] .*\r\n'])

"""FETCH data items (RFC 3501 §6.4.5, RFC 3516 BINARY)."""

from __future__ import annotations

import pytest

from pymap.parsing.fetch import (
    FetchAttribute,
    Section,
    parse_fetch_attributes,
)
from pymap.parsing.scanner import ParseError, Scanner


def parse(data: bytes) -> tuple[FetchAttribute, ...]:
    scanner = Scanner(data)
    attributes = parse_fetch_attributes(scanner)
    assert scanner.at_end
    return attributes


def body(*parts: int, text: bytes | None = None,
         fields: tuple[bytes, ...] = (),
         partial: tuple[int, int] | None = None,
         peek: bool = False) -> FetchAttribute:
    return FetchAttribute(b'BODY', Section(parts, text, fields), partial,
                          peek)


ROUND_TRIPS: list[tuple[bytes, FetchAttribute]] = [
    (b'ENVELOPE', FetchAttribute(b'ENVELOPE')),
    (b'FLAGS', FetchAttribute(b'FLAGS')),
    (b'INTERNALDATE', FetchAttribute(b'INTERNALDATE')),
    (b'RFC822', FetchAttribute(b'RFC822')),
    (b'RFC822.HEADER', FetchAttribute(b'RFC822.HEADER')),
    (b'RFC822.SIZE', FetchAttribute(b'RFC822.SIZE')),
    (b'RFC822.TEXT', FetchAttribute(b'RFC822.TEXT')),
    (b'BODY', FetchAttribute(b'BODY')),
    (b'BODYSTRUCTURE', FetchAttribute(b'BODYSTRUCTURE')),
    (b'UID', FetchAttribute(b'UID')),
    (b'BODY[]', body()),
    (b'BODY.PEEK[]', body(peek=True)),
    (b'BODY[]<0.1024>', body(partial=(0, 1024))),
    (b'BODY[HEADER]', body(text=b'HEADER')),
    (b'BODY[TEXT]', body(text=b'TEXT')),
    (b'BODY[HEADER.FIELDS (DATE FROM)]',
     body(text=b'HEADER.FIELDS', fields=(b'DATE', b'FROM'))),
    (b'BODY.PEEK[HEADER.FIELDS.NOT (X-SPAM)]',
     body(text=b'HEADER.FIELDS.NOT', fields=(b'X-SPAM',), peek=True)),
    (b'BODY[1]', body(1)),
    (b'BODY[1.2.3]', body(1, 2, 3)),
    (b'BODY[4.2.MIME]', body(4, 2, text=b'MIME')),
    (b'BODY[3.HEADER]', body(3, text=b'HEADER')),
    (b'BODY[3.TEXT]<5.5>', body(3, text=b'TEXT', partial=(5, 5))),
    (b'BODY.PEEK[1.2.HEADER.FIELDS (A B)]<0.10>',
     body(1, 2, text=b'HEADER.FIELDS', fields=(b'A', b'B'),
          partial=(0, 10), peek=True)),
    (b'BODY[10.20]<4294967295.4294967295>',
     body(10, 20, partial=(4294967295, 4294967295))),
    (b'BINARY[]', FetchAttribute(b'BINARY', Section())),
    (b'BINARY[1]', FetchAttribute(b'BINARY', Section((1,)))),
    (b'BINARY.PEEK[1]', FetchAttribute(b'BINARY', Section((1,)),
                                       peek=True)),
    (b'BINARY.PEEK[1.2]<0.100>',
     FetchAttribute(b'BINARY', Section((1, 2)), (0, 100), True)),
    (b'BINARY.SIZE[2]', FetchAttribute(b'BINARY.SIZE', Section((2,)))),
    (b'BINARY.SIZE[]', FetchAttribute(b'BINARY.SIZE', Section())),
]


@pytest.mark.parametrize(('data', 'expected'), ROUND_TRIPS,
                         ids=[data.decode() for data, _ in ROUND_TRIPS])
def test_round_trip(data: bytes, expected: FetchAttribute) -> None:
    assert parse(data) == (expected,)
    assert parse(b'(' + data + b')') == (expected,)
    assert bytes(expected) == data


@pytest.mark.parametrize(('data', 'expected'), [
    (b'body.peek[header.fields (date from)]',
     b'BODY.PEEK[HEADER.FIELDS (DATE FROM)]'),
    (b'Rfc822.Size', b'RFC822.SIZE'),
    (b'binary.size[1]', b'BINARY.SIZE[1]'),
    (b'BODY[1.mime]', b'BODY[1.MIME]'),
    (b'BODY[HEADER.FIELDS ("Subject" {2}\r\nTo)]',
     b'BODY[HEADER.FIELDS (SUBJECT TO)]'),
])
def test_case_is_normalized(data: bytes, expected: bytes) -> None:
    (attribute,) = parse(data)
    assert bytes(attribute) == expected


@pytest.mark.parametrize(('macro', 'names'), [
    (b'FAST', [b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE']),
    (b'ALL', [b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE', b'ENVELOPE']),
    (b'FULL', [b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE', b'ENVELOPE',
               b'BODY']),
    (b'full', [b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE', b'ENVELOPE',
               b'BODY']),
])
def test_macros(macro: bytes, names: list[bytes]) -> None:
    attributes = parse(macro)
    assert [bytes(item) for item in attributes] == names
    assert all(item.section is None for item in attributes)


def test_list_of_several() -> None:
    assert parse(b'(FLAGS UID BODY.PEEK[TEXT]<1.2> RFC822.SIZE)') == (
        FetchAttribute(b'FLAGS'), FetchAttribute(b'UID'),
        body(text=b'TEXT', partial=(1, 2), peek=True),
        FetchAttribute(b'RFC822.SIZE'))


def test_a_repeated_list_is_parsed_once() -> None:
    first = Scanner(b'1 (UID BODY.PEEK[])', 2)
    again = Scanner(b'9 (UID BODY.PEEK[])', 2)
    parsed = parse_fetch_attributes(first)
    assert parse_fetch_attributes(again) is parsed
    assert first.pos == again.pos == len(first.data)
    assert parsed == (FetchAttribute(b'UID'), body(peek=True))


def test_a_cached_list_is_still_followed_by_the_rest() -> None:
    for _ in range(2):
        scanner = Scanner(b'(UID FLAGS) EXTRA')
        assert parse_fetch_attributes(scanner) == (
            FetchAttribute(b'UID'), FetchAttribute(b'FLAGS'))
        with pytest.raises(ParseError):
            scanner.end()


@pytest.mark.parametrize('data', [
    b'FOO', b'(ALL)', b'()', b'BODY.PEEK', b'BINARY', b'RFC822.PEEK',
    b'BODY[MIME]', b'BODY[0]', b'BODY[1.]', b'BODY[]<1.0>',
    b'BINARY[TEXT]', b'BINARY.SIZE[1]<0.1>', b'BODY[HEADER.FIELDS ()]',
    b'BODY[HEADER.FIELDS (A:)]',
])
def test_parse_rejects(data: bytes) -> None:
    scanner = Scanner(data)
    with pytest.raises(ParseError):
        parse_fetch_attributes(scanner)
        scanner.end()


@pytest.mark.parametrize(('data', 'response'), [
    (b'BODY.PEEK[1.MIME]<0.10>', b'BODY[1.MIME]<0>'),
    (b'BODY[]<25.100>', b'BODY[]<25>'),
    (b'BODY.PEEK[HEADER.FIELDS (A B)]',
     b'BODY[HEADER.FIELDS (A B)]'),
    (b'BINARY.PEEK[2]', b'BINARY[2]'),
    (b'BINARY.SIZE[2]', b'BINARY.SIZE[2]'),
    (b'RFC822.HEADER', b'RFC822.HEADER'),
    (b'BODY', b'BODY'),
])
def test_response_name(data: bytes, response: bytes) -> None:
    (attribute,) = parse(data)
    assert attribute.response_name() == response


@pytest.mark.parametrize(('data', 'sets_seen', 'needs_content'), [
    (b'FLAGS', False, False),
    (b'UID', False, False),
    (b'INTERNALDATE', False, False),
    (b'RFC822.SIZE', False, False),
    (b'ENVELOPE', False, True),
    (b'BODY', False, True),
    (b'BODYSTRUCTURE', False, True),
    (b'RFC822', True, True),
    (b'RFC822.TEXT', True, True),
    (b'RFC822.HEADER', False, True),
    (b'BODY[]', True, True),
    (b'BODY[HEADER]', True, True),
    (b'BODY.PEEK[]', False, True),
    (b'BINARY[1]', True, True),
    (b'BINARY.PEEK[1]', False, True),
    (b'BINARY.SIZE[1]', False, True),
])
def test_seen_and_content(data: bytes, sets_seen: bool,
                          needs_content: bool) -> None:
    (attribute,) = parse(data)
    assert attribute.sets_seen is sets_seen
    assert attribute.needs_content is needs_content


@pytest.mark.parametrize(('data', 'summary_suffices'), [
    (b'UID', True),
    (b'RFC822.SIZE', True),
    (b'ENVELOPE', True),
    (b'BODY', True),
    (b'BODYSTRUCTURE', True),
    (b'RFC822.HEADER', True),
    (b'BODY.PEEK[HEADER]', True),
    (b'BODY[HEADER.FIELDS (FROM TO)]<0.10>', True),
    (b'BODY.PEEK[HEADER.FIELDS.NOT (FROM)]', True),
    (b'BODY[]', False),
    (b'BODY[TEXT]', False),
    (b'BODY[1]', False),
    (b'BODY[1.HEADER]', False),
    (b'BODY[1.HEADER.FIELDS (FROM)]', False),
    (b'RFC822', False),
    (b'RFC822.TEXT', False),
    (b'BINARY[]', False),
    (b'BINARY.SIZE[1]', False),
])
def test_summary_suffices(data: bytes, summary_suffices: bool) -> None:
    (attribute,) = parse(data)
    assert attribute.summary_suffices is summary_suffices


@pytest.mark.parametrize(('section', 'data'), [
    (Section(), b'[]'),
    (Section((1,)), b'[1]'),
    (Section((), b'TEXT'), b'[TEXT]'),
    (Section((2, 1), b'MIME'), b'[2.1.MIME]'),
    (Section((), b'HEADER.FIELDS', (b'A',)), b'[HEADER.FIELDS (A)]'),
])
def test_section_bytes(section: Section, data: bytes) -> None:
    assert bytes(section) == data

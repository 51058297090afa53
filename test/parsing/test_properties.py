"""Property-based tests: the parser and framer never raise, and every
renderer's output reads back as what was rendered."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pymap.parsing.commands import Command, InvalidCommand
from pymap.parsing.fetch import (
    FetchAttribute,
    Section,
    parse_fetch_attributes,
)
from pymap.parsing.framing import Framed
from pymap.parsing.modutf7 import decode_modutf7, encode_modutf7
from pymap.parsing.parser import _head_by_pattern, command_head, parse_command
from pymap.parsing.response import render_mailbox, render_string
from pymap.parsing.scanner import ParseError, Scanner
from pymap.parsing.sequence import _SEQ_SET, SequenceSet
from pymap.parsing.values import format_datetime, parse_datetime

from .cases import VALID
from .framer_driver import bytewise, on_the_wire, run

MAX = 2 ** 32 - 1
SETTINGS = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
WIRES = [wire for wire, _ in VALID]
TOKENS = [b' ', b'\r\n', b'\n', b'{3}\r\n', b'{2+}\r\n', b'~{4}\r\n',
          b'{0+}\r\n', b'{40}\r\n', b'a1 ', b'UID ', b'FETCH ', b'1:*',
          b'(', b')', b'"', b'\\', b'BODY[1.MIME]<0.5>', b'\x00', b'\xff',
          b'NIL', b'&ZeVnLIqe-', b'SEARCH OR NOT ']


def check_result(data: bytes, literals: tuple[bytes, ...] = ()) -> None:
    result = parse_command(data, literals)
    assert isinstance(result, Command | InvalidCommand)
    if isinstance(result, InvalidCommand):
        assert isinstance(result.reason, str) and result.reason
        assert result.tag == command_head(data)[0]
        assert result.verb == command_head(data)[1]
    else:
        assert result.tag == command_head(data)[0]


@SETTINGS
@given(st.binary(max_size=300))
def test_parse_arbitrary_bytes(data: bytes) -> None:
    check_result(data)


@SETTINGS
@given(st.sampled_from(WIRES[:40]),
       st.lists(st.sampled_from(TOKENS) | st.binary(max_size=8),
                max_size=12))
def test_parse_arbitrary_arguments(head: bytes, parts: list[bytes]) -> None:
    verb_line = b' '.join(head.split(b' ')[:2])
    check_result(verb_line + b' ' + b''.join(parts))


mutation = st.tuples(st.sampled_from(['insert', 'delete', 'replace']),
                     st.integers(min_value=0), st.binary(min_size=1,
                                                         max_size=3))


@SETTINGS
@given(st.sampled_from(WIRES), st.lists(mutation, min_size=1, max_size=6))
def test_parse_mutated_commands(
        wire: bytes, mutations: list[tuple[str, int, bytes]]) -> None:
    data = bytearray(wire)
    for kind, position, chunk in mutations:
        index = position % (len(data) + 1)
        if kind == 'insert':
            data[index:index] = chunk
        elif kind == 'delete':
            del data[index:index + len(chunk)]
        else:
            data[index:index + len(chunk)] = chunk
    check_result(bytes(data))


def split(data: bytes, sizes: list[int]) -> list[bytes]:
    chunks, start = [], 0
    for size in sizes * (len(data) + 1):
        if start >= len(data):
            break
        chunks.append(data[start:start + size])
        start += size
    return chunks


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS) | st.binary(max_size=12),
                max_size=30).map(b''.join),
       st.lists(st.integers(1, 12), min_size=1, max_size=6),
       st.lists(st.booleans(), max_size=8),
       st.sampled_from([4, 8, 16, 64, 8192]))
def test_framer_chunking_invariant(data: bytes, sizes: list[int],
                                   answers: list[bool],
                                   max_line: int) -> None:
    whole = run([data], max_line, answers)
    assert run(split(data, sizes), max_line, answers) == whole
    assert run(bytewise(data), max_line, answers) == whole
    for event in whole:
        if isinstance(event, Framed):
            check_result(event.data, event.literals)


@SETTINGS
@given(st.lists(st.sampled_from(WIRES), min_size=1, max_size=5),
       st.lists(st.integers(1, 40), min_size=1, max_size=6))
def test_framer_valid_stream(wires: list[bytes], sizes: list[int]) -> None:
    data = b''.join(wire + b'\r\n' for wire in wires)
    events = run(split(data, sizes))
    assert [on_the_wire(event) for event in events
            if isinstance(event, Framed)] == wires


bound = st.none() | st.integers(1, MAX)


@SETTINGS
@given(st.lists(st.tuples(bound, bound), min_size=1, max_size=8))
def test_sequence_set_round_trip(ranges: list[tuple[int | None,
                                                    int | None]]) -> None:
    seq_set = SequenceSet(tuple(ranges))
    scanner = Scanner(bytes(seq_set))
    assert SequenceSet.parse(scanner) == seq_set
    assert scanner.at_end


HEAD_WORDS = [b'a1', b'A001', b'x' * 64, b'x' * 65, b'a.1', b'a+', b'*',
              b'', b'UID', b'uid', b'FETCH', b'fetch1', b'N\xc3\xa4', b'{4}',
              b'\r\n', b'1', b'\t']


@SETTINGS
@given(st.lists(st.sampled_from(HEAD_WORDS) | st.binary(max_size=6),
                max_size=5),
       st.sampled_from([b' ', b'  ', b'\t']))
@example([b'a1', b'UID', b'FETCH1'], b' ')  # letters, then more
@example([b'a1', b'UID', b'fetch\r\n'], b' ')
def test_command_head_agrees_with_its_pattern(words: list[bytes],
                                              space: bytes) -> None:
    line = space.join(words)
    assert command_head(line) == _head_by_pattern(line)


@SETTINGS
@given(st.lists(st.tuples(bound, bound), min_size=1, max_size=3),
       st.sampled_from([b'', b' ', b' X', b')', b',', b':', b'x', b'0',
                        b'\r\n', b'{3}']))
def test_sequence_set_ends_where_its_pattern_does(
        ranges: list[tuple[int | None, int | None]], rest: bytes) -> None:
    data = bytes(SequenceSet(tuple(ranges))) + rest
    match = _SEQ_SET.match(data)
    assert match is not None
    scanner = Scanner(data)
    try:
        SequenceSet.parse(scanner)
    except ParseError:  # a number past the largest, with the 0 after it
        assert any(int(part) > MAX for part in
                   match.group(0).replace(b':', b',').split(b',')
                   if part != b'*')
    else:
        assert scanner.pos == match.end()


small = st.none() | st.integers(1, 30)


@SETTINGS
@given(st.lists(st.tuples(small, small), min_size=1, max_size=5),
       st.integers(0, 35))
def test_sequence_numbers_match_expansion(
        ranges: list[tuple[int | None, int | None]], count: int) -> None:
    seq_set = SequenceSet(tuple(ranges))
    expected: set[int] = set()
    for low, high in ranges:
        first = count if low is None else low
        last = count if high is None else high
        expected.update(range(min(first, last), max(first, last) + 1))
    explicit = [b for pair in ranges for b in pair if b is not None]
    if any(value > count for value in explicit):
        try:
            seq_set.sequence_numbers(count)
        except ValueError:
            pass
        else:
            raise AssertionError('out-of-range number accepted')
    elif count:
        assert seq_set.sequence_numbers(count) == sorted(expected)
    assert all(seq_set.contains(n, max(count, 1)) ==
               (n in _expand(ranges, max(count, 1))) for n in range(1, 32))


def _expand(ranges: list[tuple[int | None, int | None]],
            largest: int) -> set[int]:
    found: set[int] = set()
    for low, high in ranges:
        first = largest if low is None else low
        last = largest if high is None else high
        found.update(range(min(first, last), max(first, last) + 1))
    return found


@SETTINGS
@given(st.lists(st.tuples(small, small), min_size=1, max_size=5),
       st.sets(st.integers(1, 40), max_size=12))
def test_select_uids_match_expansion(
        ranges: list[tuple[int | None, int | None]], uid_set: set[int]
) -> None:
    uids = sorted(uid_set)
    seq_set = SequenceSet(tuple(ranges))
    expected = sorted(_expand(ranges, uids[-1]) & uid_set) if uids else []
    assert seq_set.select_uids(uids) == expected


@SETTINGS
@given(st.text(max_size=40))
def test_modutf7_round_trip(text: str) -> None:
    encoded = encode_modutf7(text)
    assert all(0x20 <= byte <= 0x7e for byte in encoded)
    assert decode_modutf7(encoded) == text


@SETTINGS
@given(st.text(max_size=40))
def test_mailbox_render_parse_round_trip(name: str) -> None:
    ascii_inbox = name.isascii() and name.upper() == 'INBOX'
    assume(ascii_inbox or name.upper() != 'INBOX')
    command = parse_command(b'a SELECT ' + render_mailbox(name))
    expected = 'INBOX' if ascii_inbox else name
    assert getattr(command, 'mailbox', None) == expected


@SETTINGS
@given(st.binary(max_size=1200).filter(lambda value: b'\x00' not in value))
def test_render_string_reads_back(value: bytes) -> None:
    scanner = Scanner(render_string(value))
    assert scanner.string() == value
    assert scanner.at_end


@SETTINGS
@given(st.binary(max_size=64))
def test_render_binary_string_reads_back(value: bytes) -> None:
    scanner = Scanner(render_string(value, binary=True))
    if scanner.peek() == b'"':
        assert scanner.quoted() == value
    else:
        assert scanner.literal(allow_binary=True) == \
            (value, b'\x00' in value)
    assert scanner.at_end


offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes)))


@SETTINGS
@given(st.datetimes(min_value=datetime(1, 1, 1),
                    max_value=datetime(9999, 12, 31, 23, 59, 59)),
       offsets)
def test_datetime_round_trip(value: datetime, zone: timezone) -> None:
    value = value.replace(microsecond=0, tzinfo=zone)
    rendered = format_datetime(value)
    scanner = Scanner(rendered)
    parsed = parse_datetime(scanner)
    assert scanner.at_end
    assert parsed == value
    assert parsed.utcoffset() == value.utcoffset()


parts = st.lists(st.integers(1, 10 ** 6), max_size=4).map(tuple)
field_name = st.from_regex(rb'[!-9;-~]{1,12}', fullmatch=True).filter(
    lambda name: name.upper() == name and b'"' not in name and
    b'\\' not in name and not set(name) & set(b'(){%*]'))


@st.composite
def body_sections(draw: st.DrawFn) -> Section:
    numbers = draw(parts)
    texts = [None, b'HEADER', b'TEXT', b'HEADER.FIELDS',
             b'HEADER.FIELDS.NOT']
    if numbers:
        texts.append(b'MIME')
    text = draw(st.sampled_from(texts))
    fields: tuple[bytes, ...] = ()
    if text is not None and text.startswith(b'HEADER.FIELDS'):
        fields = tuple(draw(st.lists(field_name, min_size=1, max_size=3)))
    return Section(numbers, text, fields)


partials = st.none() | st.tuples(st.integers(0, MAX), st.integers(1, MAX))


@SETTINGS
@given(st.one_of(
    st.builds(FetchAttribute, st.just(b'BODY'), body_sections(), partials,
              st.booleans()),
    st.builds(FetchAttribute, st.just(b'BINARY'), st.builds(Section, parts),
              partials, st.booleans()),
    st.builds(FetchAttribute, st.just(b'BINARY.SIZE'),
              st.builds(Section, parts)),
    st.sampled_from([b'ENVELOPE', b'FLAGS', b'INTERNALDATE', b'RFC822',
                     b'RFC822.HEADER', b'RFC822.SIZE', b'RFC822.TEXT',
                     b'BODY', b'BODYSTRUCTURE', b'UID']).map(FetchAttribute),
))
def test_fetch_attribute_round_trip(attribute: FetchAttribute) -> None:
    scanner = Scanner(b'(' + bytes(attribute) + b')')
    assert parse_fetch_attributes(scanner) == (attribute,)
    assert scanner.at_end

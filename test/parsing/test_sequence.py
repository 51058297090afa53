"""Sequence sets (RFC 3501 §9 ``sequence-set``)."""

from __future__ import annotations

import pytest

from pymap.parsing.scanner import ParseError, Scanner
from pymap.parsing.sequence import SequenceSet

MAX = 2 ** 32 - 1


def parse(data: bytes) -> SequenceSet:
    scanner = Scanner(data)
    seq_set = SequenceSet.parse(scanner)
    assert scanner.at_end
    return seq_set


ROUND_TRIPS = [
    (b'1', ((1, 1),)),
    (b'*', ((None, None),)),
    (b'1:*', ((1, None),)),
    (b'*:1', ((None, 1),)),
    (b'3:1', ((3, 1),)),
    (b'1:3', ((1, 3),)),
    (b'1,3:5,*', ((1, 1), (3, 5), (None, None))),
    (b'2,2,2', ((2, 2), (2, 2), (2, 2))),
    (b'4294967295', ((MAX, MAX),)),
    (b'1:4294967295', ((1, MAX),)),
    (b'10:20,5,30:*,1:2', ((10, 20), (5, 5), (30, None), (1, 2))),
]


@pytest.mark.parametrize(('data', 'ranges'), ROUND_TRIPS,
                         ids=[data.decode() for data, _ in ROUND_TRIPS])
def test_round_trip(data: bytes, ranges: tuple[tuple[int | None,
                                                     int | None], ...]
                    ) -> None:
    seq_set = parse(data)
    assert seq_set.ranges == ranges
    assert bytes(seq_set) == data


@pytest.mark.parametrize(('data', 'canonical'), [
    (b'5:5', b'5'), (b'*:*', b'*'), (b'007', b'7'), (b'01:02', b'1:2'),
])
def test_render_is_canonical(data: bytes, canonical: bytes) -> None:
    assert bytes(parse(data)) == canonical
    assert parse(canonical) == parse(data)


@pytest.mark.parametrize('data', [
    b'0', b'0:5', b'5:0', b'4294967296', b'1:4294967296', b'',
    b'-1', b'a', b'$', b',1', b':1',
])
def test_parse_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        SequenceSet.parse(Scanner(data))


@pytest.mark.parametrize(('data', 'rest'), [
    (b'1,', b','), (b'1:', b':'), (b'1:2:3', b':3'), (b'1 2', b' 2'),
    (b'1,,2', b',,2'), (b'**', b'*'),
])
def test_parse_stops_at_end_of_set(data: bytes, rest: bytes) -> None:
    scanner = Scanner(data)
    SequenceSet.parse(scanner)
    assert scanner.data[scanner.pos:] == rest


def test_of() -> None:
    assert SequenceSet.of(1, 5) == parse(b'1,5')
    assert bytes(SequenceSet.of()) == b''


@pytest.mark.parametrize(('data', 'count', 'expected'), [
    (b'1', 1, [1]),
    (b'*', 5, [5]),
    (b'1:*', 3, [1, 2, 3]),
    (b'*:1', 3, [1, 2, 3]),
    (b'3:1', 4, [1, 2, 3]),
    (b'1,3:5,*', 9, [1, 3, 4, 5, 9]),
    (b'2:4,3:6,1', 6, [1, 2, 3, 4, 5, 6]),
    (b'5,1,3', 5, [1, 3, 5]),
    (b'4:*', 4, [4]),
])
def test_sequence_numbers(data: bytes, count: int,
                          expected: list[int]) -> None:
    assert parse(data).sequence_numbers(count) == expected


@pytest.mark.parametrize(('data', 'count'), [
    (b'6', 5), (b'1:6', 5), (b'6:*', 5), (b'1', 0), (b'1:*', 0),
    (b'1,4294967295', 10),
])
def test_sequence_numbers_out_of_range(data: bytes, count: int) -> None:
    with pytest.raises(ValueError, match='out of range'):
        parse(data).sequence_numbers(count)


def test_star_in_empty_mailbox_is_out_of_range() -> None:
    with pytest.raises(ValueError):
        parse(b'*').sequence_numbers(0)


@pytest.mark.parametrize(('data', 'uids', 'expected'), [
    (b'1:*', [3, 7, 9], [3, 7, 9]),
    (b'*', [3, 7, 9], [9]),
    (b'4:8', [3, 7, 9], [7]),
    (b'8:4', [3, 7, 9], [7]),
    (b'100:*', [3, 7, 9], [9]),
    (b'*:100', [3, 7, 9], [9]),
    (b'100:200', [3, 7, 9], []),
    (b'1,2,4', [3, 7, 9], []),
    (b'3,3,3:3', [3, 7, 9], [3]),
    (b'9,3', [3, 7, 9], [3, 9]),
    (b'1:*', [], []),
    (b'*', [], []),
    (b'4294967295', [1, 4294967295], [4294967295]),
    (b'7', [3, 7, 9], [7]),
    (b'1', [3, 7, 9], []),
    (b'5', [3, 7, 9], []),
    (b'10', [3, 7, 9], []),
])
def test_select_uids(data: bytes, uids: list[int],
                     expected: list[int]) -> None:
    assert parse(data).select_uids(uids) == expected


@pytest.mark.parametrize(('data', 'number', 'largest', 'expected'), [
    (b'1:3', 2, 10, True),
    (b'1:3', 4, 10, False),
    (b'3:1', 1, 10, True),
    (b'*', 10, 10, True),
    (b'*', 9, 10, False),
    (b'5:*', 7, 10, True),
    (b'5:*', 4, 10, False),
    (b'5:*', 3, 3, True),
    (b'5:*', 2, 3, False),
    (b'1,5', 3, 10, False),
])
def test_contains(data: bytes, number: int, largest: int,
                  expected: bool) -> None:
    assert parse(data).contains(number, largest) is expected


def test_normalized_and_max_explicit() -> None:
    seq_set = parse(b'7:3,*,2:*')
    assert seq_set.normalized(10) == [(3, 7), (10, 10), (2, 10)]
    assert seq_set.max_explicit() == 7
    assert parse(b'*').max_explicit() == 0


def test_large_ranges_are_not_expanded() -> None:
    seq_set = parse(b'1:4294967295')
    assert seq_set.contains(4000000000, 1)
    assert seq_set.select_uids([5, 4294967295]) == [5, 4294967295]

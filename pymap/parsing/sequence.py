"""Sequence sets (RFC 3501 §9 ``sequence-set``) resolved without expanding
the number range: every lookup works range by range."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .scanner import MAX_NUMBER, ParseError, Scanner, to_number

__all__ = ['SequenceSet']

_SEQ_SET = re.compile(rb'(?:[0-9]+|\*)(?::(?:[0-9]+|\*))?'
                      rb'(?:,(?:[0-9]+|\*)(?::(?:[0-9]+|\*))?)*')

#: A bound of a range: a number, or None for ``*``.
Bound = int | None


@dataclass(slots=True, init=False)
class SequenceSet:
    """Ranges of message sequence numbers or UIDs; ``None`` stands for
    ``*``, the largest number in use.

    Parsed for most commands, so neither frozen nor given a generated
    ``__init__`` (see :mod:`pymap.parsing.commands`)."""

    ranges: tuple[tuple[Bound, Bound], ...]

    def __init__(self, ranges: tuple[tuple[Bound, Bound], ...]) -> None:
        self.ranges = ranges

    @classmethod
    def parse(cls, scanner: Scanner) -> SequenceSet:
        """Parses a sequence set (``$`` from RFC 5182 is not supported)."""
        data, start = scanner.data, scanner.pos
        # One number up to a space or the end, the commonest set, needs
        # no pattern.
        end = data.find(b' ', start)
        if end < 0:
            end = len(data)
        text = data[start:end]
        single = text.isdigit()
        if not single:
            match = _SEQ_SET.match(data, start)
            if match is None:
                raise scanner.error('sequence set')
            end = match.end()
            text = match.group(0)
            single = text.isdigit()  # e.g. "5)": one number all the same
        scanner.pos = end
        if single:
            number = to_number(text)
            if not 0 < number <= MAX_NUMBER:
                raise ParseError('Expected non-zero number in range.')
            return cls(((number, number),))
        return cls(tuple(cls._parse_range(part)
                         for part in text.split(b',')))

    @staticmethod
    def _parse_range(part: bytes) -> tuple[Bound, Bound]:
        low, _, high = part.partition(b':')
        bounds = [None if value == b'*' else to_number(value)
                  for value in (low, high or low)]
        for bound in bounds:
            if bound is not None and not 0 < bound <= MAX_NUMBER:
                raise ParseError('Expected non-zero number in range.')
        return bounds[0], bounds[1]

    @classmethod
    def of(cls, *values: int) -> SequenceSet:
        """A set of single numbers."""
        return cls(tuple((value, value) for value in values))

    def normalized(self, largest: int) -> list[tuple[int, int]]:
        """Ranges as ordered ``(low, high)`` pairs, ``*`` replaced by
        *largest*."""
        pairs = []
        for low, high in self.ranges:
            first = largest if low is None else low
            last = largest if high is None else high
            pairs.append((min(first, last), max(first, last)))
        return pairs

    def max_explicit(self) -> int:
        """The largest number written explicitly (not ``*``)."""
        return max((bound for pair in self.ranges for bound in pair
                    if bound is not None), default=0)

    def sequence_numbers(self, count: int) -> list[int]:
        """Sorted, distinct message sequence numbers in a mailbox of
        *count* messages; raises :exc:`ValueError` for a number past
        *count*, including ``*`` in an empty mailbox, as RFC 3501 §9
        asks."""
        if count == 0 or self.max_explicit() > count:
            raise ValueError('Message sequence number out of range.')
        return _merge(self.normalized(count))

    def select_uids(self, uids: Sequence[int]) -> list[int]:
        """The members of the sorted *uids* that fall in this set (RFC 3501
        §6.4.8: ``*`` is the highest UID in use, and a range need not
        match anything)."""
        if not uids:
            return []
        if len(self.ranges) == 1:
            low, high = self.ranges[0]
            if low is not None and low == high:  # one UID: one search
                found = bisect_left(uids, low)
                return [low] if found < len(uids) \
                    and uids[found] == low else []
        spans = [uids[bisect_left(uids, low):bisect_right(uids, high)]
                 for low, high in self.normalized(uids[-1])]
        if len(spans) == 1:  # the commonest set: nothing to merge
            span = spans[0]  # a list's slice is a new list already
            return span if isinstance(span, list) else list(span)
        return sorted(set().union(*spans))

    def contains(self, number: int, largest: int) -> bool:
        """Whether *number* is in the set, ``*`` standing for
        *largest*."""
        return any(low <= number <= high
                   for low, high in self.normalized(largest))

    def __bytes__(self) -> bytes:
        return b','.join(_render_range(low, high)
                         for low, high in self.ranges)


def _render_bound(bound: Bound) -> bytes:
    return b'*' if bound is None else str(bound).encode('ascii')


def _render_range(low: Bound, high: Bound) -> bytes:
    if low == high:
        return _render_bound(low)
    return _render_bound(low) + b':' + _render_bound(high)


def _merge(pairs: list[tuple[int, int]]) -> list[int]:
    return list(_iter_merged(sorted(pairs)))


def _iter_merged(pairs: list[tuple[int, int]]) -> Iterator[int]:
    last = 0
    for low, high in pairs:
        yield from range(max(low, last + 1), high + 1)
        last = max(last, high)

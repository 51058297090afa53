"""SEARCH keys (RFC 3501 §6.4.4), parsed into a small tree.

Synonyms are folded at parse time (``NEW`` is ``RECENT UNSEEN``, ``FROM`` is
``HEADER FROM``...), so the evaluator has few cases to handle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .scanner import ParseError, Scanner
from .sequence import SequenceSet
from .values import Flag, parse_date, parse_flag

__all__ = [
    'AllKey', 'AndKey', 'BodyKey', 'DateKey', 'FlagKey', 'HeaderKey',
    'NotKey', 'OrKey', 'SearchKey', 'SequenceKey', 'SizeKey',
    'parse_search_keys',
]

MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class AllKey:
    """Matches every message."""


@dataclass(frozen=True, slots=True)
class FlagKey:
    """Matches messages with (or without) a flag or keyword."""

    flag: Flag
    present: bool = True


@dataclass(frozen=True, slots=True)
class DateKey:
    """Compares INTERNALDATE (or the Date: header when *sent*) with a day,
    disregarding time and zone as §6.4.4 asks."""

    sent: bool
    op: Literal['before', 'on', 'since']
    value: date


@dataclass(frozen=True, slots=True)
class SizeKey:
    """``LARGER n`` / ``SMALLER n`` on RFC822.SIZE."""

    larger: bool
    size: int


@dataclass(frozen=True, slots=True)
class HeaderKey:
    """A substring of a header field's value; an empty value matches any
    message that has the field."""

    field: str
    value: bytes


@dataclass(frozen=True, slots=True)
class BodyKey:
    """A substring of the body (``BODY``) or of headers and body
    (``TEXT``)."""

    value: bytes
    with_headers: bool


@dataclass(frozen=True, slots=True)
class SequenceKey:
    """Message sequence numbers, or UIDs for the ``UID`` key."""

    seq_set: SequenceSet
    uid: bool


@dataclass(frozen=True, slots=True)
class NotKey:
    """Negation."""

    key: SearchKey


@dataclass(frozen=True, slots=True)
class OrKey:
    """Either key matches."""

    left: SearchKey
    right: SearchKey


@dataclass(frozen=True, slots=True)
class AndKey:
    """Every key matches (a parenthesized list, or the top level)."""

    keys: tuple[SearchKey, ...]


SearchKey = (AllKey | FlagKey | DateKey | SizeKey | HeaderKey | BodyKey
             | SequenceKey | NotKey | OrKey | AndKey)

_FLAG_KEYS = {
    b'ANSWERED': (b'\\Answered', True), b'DELETED': (b'\\Deleted', True),
    b'DRAFT': (b'\\Draft', True), b'FLAGGED': (b'\\Flagged', True),
    b'SEEN': (b'\\Seen', True), b'RECENT': (b'\\Recent', True),
    b'UNANSWERED': (b'\\Answered', False),
    b'UNDELETED': (b'\\Deleted', False), b'UNDRAFT': (b'\\Draft', False),
    b'UNFLAGGED': (b'\\Flagged', False), b'UNSEEN': (b'\\Seen', False),
    b'OLD': (b'\\Recent', False),
}
_DATE_KEYS: dict[bytes, tuple[bool, Literal['before', 'on', 'since']]] = {
    b'BEFORE': (False, 'before'), b'ON': (False, 'on'),
    b'SINCE': (False, 'since'), b'SENTBEFORE': (True, 'before'),
    b'SENTON': (True, 'on'), b'SENTSINCE': (True, 'since'),
}
_HEADER_KEYS = frozenset({b'FROM', b'TO', b'CC', b'BCC', b'SUBJECT'})


def parse_search_keys(scanner: Scanner) -> SearchKey:
    """One or more space-separated keys up to the end of the command."""
    keys = [_parse_key(scanner, 0)]
    while not scanner.at_end:
        scanner.sp()
        keys.append(_parse_key(scanner, 0))
    return keys[0] if len(keys) == 1 else AndKey(tuple(keys))


def _parse_key(scanner: Scanner, depth: int) -> SearchKey:
    if depth > MAX_DEPTH:
        raise ParseError('Search keys nested too deeply.')
    first = scanner.peek()
    if first == b'(':
        keys = scanner.paren_list(lambda s: _parse_key(s, depth + 1),
                                  allow_empty=False)
        return keys[0] if len(keys) == 1 else AndKey(tuple(keys))
    if first.isdigit() or first == b'*':
        return SequenceKey(SequenceSet.parse(scanner), uid=False)
    return _parse_named_key(scanner, scanner.keyword(), depth)


def _parse_named_key(scanner: Scanner, name: bytes,
                     depth: int) -> SearchKey:
    if name in _FLAG_KEYS:
        flag, present = _FLAG_KEYS[name]
        return FlagKey(flag, present)
    if name == b'ALL':
        return AllKey()
    if name == b'NEW':
        return AndKey((FlagKey(b'\\Recent'), FlagKey(b'\\Seen', False)))
    scanner.sp()
    if name == b'NOT':
        return NotKey(_parse_key(scanner, depth + 1))
    if name == b'OR':
        left = _parse_key(scanner, depth + 1)
        scanner.sp()
        return OrKey(left, _parse_key(scanner, depth + 1))
    return _parse_valued_key(scanner, name)


def _parse_valued_key(scanner: Scanner, name: bytes) -> SearchKey:
    if name in _DATE_KEYS:
        sent, op = _DATE_KEYS[name]
        return DateKey(sent, op, parse_date(scanner))
    if name in _HEADER_KEYS:
        return HeaderKey(name.decode('ascii').lower(), scanner.astring())
    if name in (b'KEYWORD', b'UNKEYWORD'):
        return FlagKey(parse_flag(scanner, allow_recent=True),
                       name == b'KEYWORD')
    if name in (b'LARGER', b'SMALLER'):
        return SizeKey(name == b'LARGER', scanner.number())
    if name in (b'BODY', b'TEXT'):
        return BodyKey(scanner.astring(), name == b'TEXT')
    if name == b'HEADER':
        field = scanner.astring().decode('ascii', 'replace').lower()
        scanner.sp()
        return HeaderKey(field, scanner.astring())
    if name == b'UID':
        return SequenceKey(SequenceSet.parse(scanner), uid=True)
    raise ParseError(f'Unknown search key {name.decode("ascii")!r}.')

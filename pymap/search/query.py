"""Evaluates a parsed SEARCH key against one message at a time.

A :class:`SearchQuery` says up front what it needs (only flags and
numbers, message metadata, or the message's
:class:`~pymap.mime.summary.MessageSummary`), so the session loads no more
than that; a summary answers every key. The key tree is compiled once into
nested predicates. String matching is case-insensitive on decoded text:
RFC 2047 encoded words in headers, base64 and quoted-printable bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import NamedTuple

from pymap.exceptions import BadCharset
from pymap.interfaces.storage import MessageMeta
from pymap.mime import MessageSummary
from pymap.parsing.search import (
    AllKey,
    AndKey,
    BodyKey,
    DateKey,
    FlagKey,
    HeaderKey,
    NotKey,
    OrKey,
    SearchKey,
    SequenceKey,
    SizeKey,
)

__all__ = ['SearchContext', 'SearchQuery']

_CHARSETS = {None: 'utf-8', 'UTF-8': 'utf-8', 'US-ASCII': 'utf-8'}


@dataclass(slots=True)
class SearchContext:
    """What a key may look at for one message. *meta* and *summary* are
    loaded, and *flags* and *seq* looked up, only when the query needs
    them (see :class:`SearchQuery`); the session fills one context in
    from message to message."""

    seq: int
    uid: int
    flags: frozenset[bytes]
    largest_seq: int
    largest_uid: int
    meta: MessageMeta | None = None
    summary: MessageSummary | None = None


Predicate = Callable[[SearchContext], bool]


class _Needs(NamedTuple):
    """What the keys of a tree look at, besides the UID."""

    meta: bool = False
    summary: bool = False
    flags: bool = False
    seq: bool = False


def _either(first: _Needs, second: _Needs) -> _Needs:
    """What either of two keys looks at."""
    return _Needs(first.meta or second.meta,
                  first.summary or second.summary,
                  first.flags or second.flags, first.seq or second.seq)


def _needs(key: SearchKey) -> _Needs:
    """What *key* looks at."""
    match key:
        case NotKey(inner):
            return _needs(inner)
        case OrKey(left, right):
            return _either(_needs(left), _needs(right))
        case AndKey(keys):
            return reduce(_either, map(_needs, keys), _Needs())
        case HeaderKey() | BodyKey():
            return _Needs(summary=True)
        case DateKey(sent=sent):
            return _Needs(meta=not sent, summary=sent)
        case SizeKey():
            return _Needs(meta=True)
        case FlagKey():
            return _Needs(flags=True)
        case SequenceKey(uid=uid):
            return _Needs(seq=not uid)
    return _Needs()


class SearchQuery:
    """A key tree prepared for evaluation (RFC 3501 §6.4.4).

    Args:
        key: The parsed key tree.
        charset: The CHARSET argument; only UTF-8 and US-ASCII are
            supported, others raise :exc:`~pymap.exceptions.BadCharset`.

    Attributes:
        needs_meta: Whether a key looks at RFC822.SIZE or INTERNALDATE.
        needs_summary: Whether a key looks at the message's header fields,
            text or Date (see :class:`~pymap.mime.summary.MessageSummary`).
        needs_flags: Whether a key looks at the message's flags.
        needs_seq: Whether a key looks at its sequence number.
        matches: Whether the message a :class:`SearchContext` describes
            matches.
    """

    def __init__(self, key: SearchKey, charset: str | None) -> None:
        if charset not in _CHARSETS:
            raise BadCharset()
        self.key = key
        needs = _needs(key)
        self.needs_meta, self.needs_summary = needs.meta, needs.summary
        self.needs_flags, self.needs_seq = needs.flags, needs.seq
        self.matches: Predicate = _compile(key)


def _compile(key: SearchKey) -> Predicate:
    """The predicate that evaluates *key*."""
    match key:
        case AllKey():
            return lambda ctx: True
        case AndKey(keys):
            return _all_of([_compile(child) for child in keys])
        case OrKey(left, right):
            either = (_compile(left), _compile(right))
            return lambda ctx: either[0](ctx) or either[1](ctx)
        case NotKey(inner):
            negated = _compile(inner)
            return lambda ctx: not negated(ctx)
        case FlagKey(flag, present):
            return lambda ctx: (flag in ctx.flags) == present
        case SequenceKey():
            return _sequence(key)
        case SizeKey():
            return _size(key)
        case DateKey():
            return _date(key)
        case HeaderKey():
            return _header(key)
        case BodyKey():
            return _body(key)
    raise TypeError(key)


def _all_of(predicates: list[Predicate]) -> Predicate:
    if len(predicates) == 1:
        return predicates[0]
    return lambda ctx: all(predicate(ctx) for predicate in predicates)


def _sequence(key: SequenceKey) -> Predicate:
    seq_set = key.seq_set
    if key.uid:
        return lambda ctx: seq_set.contains(ctx.uid, ctx.largest_uid)
    return lambda ctx: seq_set.contains(ctx.seq, ctx.largest_seq)


def _size(key: SizeKey) -> Predicate:
    def size_of(ctx: SearchContext) -> int:
        return ctx.meta.size if ctx.meta else 0
    limit = key.size
    if key.larger:
        return lambda ctx: size_of(ctx) > limit
    return lambda ctx: size_of(ctx) < limit


def _date(key: DateKey) -> Predicate:
    compare: Callable[[date], bool]
    if key.op == 'before':
        compare = key.value.__gt__
    elif key.op == 'on':
        compare = key.value.__eq__
    else:
        compare = key.value.__le__

    day_of = _sent_day if key.sent else _internal_day

    def match(ctx: SearchContext) -> bool:
        day = day_of(ctx)
        return day is not None and compare(day)
    return match


def _sent_day(ctx: SearchContext) -> date | None:
    sent = ctx.summary.date if ctx.summary else None
    return sent.date() if sent else None


def _internal_day(ctx: SearchContext) -> date | None:
    return ctx.meta.internal_date.date() if ctx.meta else None


def _header(key: HeaderKey) -> Predicate:
    name = key.field.encode('utf-8', 'replace').lower()
    needle = _needle(key.value)

    def match(ctx: SearchContext) -> bool:
        summary = ctx.summary
        if summary is None:
            return False
        # A plain loop: two to three times as fast as any() over a
        # generator or a map, for the one or few values a field has.
        for value in summary.values_of(name):  # noqa: SIM110
            if needle in value:
                return True
        return False
    return match


def _body(key: BodyKey) -> Predicate:
    needle = _needle(key.value)
    with_headers = key.with_headers

    def match(ctx: SearchContext) -> bool:
        summary = ctx.summary
        if summary is None:
            return False
        if needle in summary.folded_text:
            return True
        return with_headers and needle in summary.folded_header_text()
    return match


def _needle(value: bytes) -> str:
    return value.decode('utf-8', 'replace').casefold()

"""Evaluates a parsed SEARCH key against one message at a time.

A :class:`SearchQuery` says up front what it needs (only flags and
numbers, message metadata, or full content), so the session loads no more
than that. String matching is case-insensitive on decoded text: RFC 2047
encoded words in headers, base64 and quoted-printable bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import singledispatchmethod

from pymap.exceptions import BadCharset
from pymap.interfaces.storage import MessageMeta
from pymap.mime import MessageContent
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
    """What a key may look at for one message. *meta* and *content* are
    loaded only when the query needs them."""

    seq: int
    uid: int
    flags: frozenset[bytes]
    largest_seq: int
    largest_uid: int
    meta: MessageMeta | None = None
    content: MessageContent | None = None


def _needs(key: SearchKey) -> tuple[bool, bool]:
    if isinstance(key, NotKey):
        return _needs(key.key)
    if isinstance(key, OrKey | AndKey):
        children = (key.left, key.right) if isinstance(key, OrKey) \
            else key.keys
        needs = [_needs(child) for child in children]
        return any(n[0] for n in needs), any(n[1] for n in needs)
    if isinstance(key, HeaderKey | BodyKey):
        return False, True
    if isinstance(key, DateKey):
        return not key.sent, key.sent
    return isinstance(key, SizeKey), False


class SearchQuery:
    """A key tree prepared for evaluation.

    Args:
        key: The parsed key tree.
        charset: The CHARSET argument; only UTF-8 and US-ASCII are
            supported, others raise :exc:`~pymap.exceptions.BadCharset`.
    """

    def __init__(self, key: SearchKey, charset: str | None) -> None:
        if charset not in _CHARSETS:
            raise BadCharset()
        self.key = key
        self.needs_meta, self.needs_content = _needs(key)

    def matches(self, ctx: SearchContext) -> bool:
        """Whether the message described by *ctx* matches."""
        return self._match(self.key, ctx)

    @singledispatchmethod
    def _match(self, key: SearchKey, ctx: SearchContext) -> bool:
        raise TypeError(key)

    @_match.register
    def _all(self, key: AllKey, ctx: SearchContext) -> bool:
        return True

    @_match.register
    def _and(self, key: AndKey, ctx: SearchContext) -> bool:
        return all(self._match(child, ctx) for child in key.keys)

    @_match.register
    def _or(self, key: OrKey, ctx: SearchContext) -> bool:
        return self._match(key.left, ctx) or self._match(key.right, ctx)

    @_match.register
    def _not(self, key: NotKey, ctx: SearchContext) -> bool:
        return not self._match(key.key, ctx)

    @_match.register
    def _flag(self, key: FlagKey, ctx: SearchContext) -> bool:
        return (key.flag in ctx.flags) == key.present

    @_match.register
    def _sequence(self, key: SequenceKey, ctx: SearchContext) -> bool:
        if key.uid:
            return key.seq_set.contains(ctx.uid, ctx.largest_uid)
        return key.seq_set.contains(ctx.seq, ctx.largest_seq)

    @_match.register
    def _size(self, key: SizeKey, ctx: SearchContext) -> bool:
        size = ctx.meta.size if ctx.meta else 0
        return size > key.size if key.larger else size < key.size

    @_match.register
    def _date(self, key: DateKey, ctx: SearchContext) -> bool:
        day = self._day_of(key, ctx)
        if day is None:
            return False
        if key.op == 'before':
            return day < key.value
        if key.op == 'on':
            return day == key.value
        return day >= key.value

    @staticmethod
    def _day_of(key: DateKey, ctx: SearchContext) -> date | None:
        if key.sent:
            sent = ctx.content.date() if ctx.content else None
            return sent.date() if sent else None
        return ctx.meta.internal_date.date() if ctx.meta else None

    @_match.register
    def _header(self, key: HeaderKey, ctx: SearchContext) -> bool:
        if ctx.content is None:
            return False
        values = ctx.content.header_values(key.field)
        needle = _needle(key.value)
        return any(needle in value.casefold() for value in values)

    @_match.register
    def _body(self, key: BodyKey, ctx: SearchContext) -> bool:
        if ctx.content is None:
            return False
        needle = _needle(key.value)
        if needle in ctx.content.text_content().casefold():
            return True
        if not key.with_headers:
            return False
        return needle in ctx.content.header_text().casefold()


def _needle(value: bytes) -> str:
    return value.decode('utf-8', 'replace').casefold()

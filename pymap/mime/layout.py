"""Where each MIME entity of a message lies, kept apart from the message.

A message's summary carries its entity tree as offsets into the message's
CRLF form (RFC 2045 section 2.4, RFC 2046 sections 5.1.1 and 5.2.1), so
that ``BODY[part]`` and ``BINARY[part]`` (RFC 3501 section 6.4.5, RFC 3516
section 4.2) of one part of a large message need only that part's octets:
:func:`covering` says which, and :class:`MessageWindow` answers from them
exactly as :class:`~pymap.mime.content.MessageContent` answers from the
whole message.  Dovecot reads body parts by the offsets its cache file
keeps in the same way.

The byte form is one record of four little-endian 64-bit numbers per
entity, depth first: header start, body start, body end and a shape (0 for
a leaf, 1 for a message/rfc822 whose message follows, ``2 n`` for a
multipart whose *n* parts follow).  It is a cache: :func:`read_layout`
checks every offset and raises :exc:`ValueError` on anything amiss.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from .entity import Entity, transfer_encoding_of
from .fields import HeaderFields
from .sections import binary_of, section_of

__all__ = ["MessageWindow", "Span", "covering", "pack_layout", "read_layout"]

_RECORD = struct.Struct("<4Q")
_LEAF, _MESSAGE = 0, 1


@dataclass(frozen=True, slots=True)
class Span:
    """One entity of a layout: its offsets in the message's CRLF form,
    and the spans of its parts or of its encapsulated message."""

    header_start: int
    body_start: int
    body_end: int
    children: tuple[Span, ...] = ()
    message: Span | None = None

    @property
    def is_multipart(self) -> bool:
        """True for an entity split into body parts."""
        return bool(self.children)


def pack_layout(root: Entity) -> bytes:
    """The byte form of the layout of the parsed message *root*."""
    values: list[int] = []
    pending = [root]
    while pending:
        entity = pending.pop()
        inner = list(entity.children)
        if entity.message is not None:
            inner.append(entity.message)
            shape = _MESSAGE
        else:
            shape = 2 * len(inner)
        values += (entity.header_start, entity.body_start, entity.body_end,
                   shape)
        pending += reversed(inner)
    return struct.pack(f"<{len(values)}Q", *values)


def read_layout(data: bytes, size: int) -> Span:
    """The layout whose byte form is *data*, of a message of *size* octets
    in CRLF form; read without recursion, since a layout may nest deep.

    Raises:
        ValueError: when *data* is not the byte form of such a layout.
    """
    if not data or len(data) % _RECORD.size:
        raise ValueError("layout of a bad length")
    records = _RECORD.iter_unpack(data)
    unfinished: list[_Unfinished] = []
    low, high = 0, size
    for header_start, body_start, body_end, shape in records:
        if not low <= header_start <= body_start <= body_end <= high:
            raise ValueError("layout offsets out of place")
        if shape != _LEAF:
            unfinished.append(
                _Unfinished(header_start, body_start, body_end, shape))
            low, high = body_start, body_end
            continue
        span = Span(header_start, body_start, body_end)
        while unfinished and unfinished[-1].add(span):
            span = unfinished.pop().finished()
        if not unfinished:
            if next(records, None) is not None:
                raise ValueError("layout with records left over")
            return span
        low, high = span.body_end, unfinished[-1].body_end
    raise ValueError("layout cut short")


class _Unfinished:
    """A composite span of a layout being read, and its inner spans so
    far."""

    __slots__ = ("body_end", "body_start", "header_start", "inner",
                 "is_message", "wanted")

    def __init__(self, header_start: int, body_start: int, body_end: int,
                 shape: int) -> None:
        if shape != _MESSAGE and shape % 2:
            raise ValueError("layout of an unknown shape")
        self.header_start = header_start
        self.body_start = body_start
        self.body_end = body_end
        self.is_message = shape == _MESSAGE
        self.wanted = 1 if self.is_message else shape // 2
        self.inner: list[Span] = []

    def add(self, span: Span) -> bool:
        """Takes the next inner span; whether it was the last."""
        self.inner.append(span)
        return len(self.inner) == self.wanted

    def finished(self) -> Span:
        offsets = (self.header_start, self.body_start, self.body_end)
        if self.is_message:
            return Span(*offsets, message=self.inner[0])
        return Span(*offsets, children=tuple(self.inner))


class MessageWindow:
    """The octets ``[start, start + len(octets))`` of a message's CRLF
    form, with its layout: ``BODY[part...]``, ``BINARY[part]`` and
    ``BINARY.SIZE[part]`` of the parts that lie within, answered as
    :class:`~pymap.mime.content.MessageContent` answers them."""

    __slots__ = ("_layout", "_octets", "_start")

    def __init__(self, layout: Span, start: int, octets: bytes) -> None:
        self._layout = layout
        self._start = start
        self._octets = octets

    def __len__(self) -> int:
        return len(self._octets)

    def _root(self) -> _WindowNode:
        return _WindowNode(self._layout, self, True)

    def _slice(self, start: int, end: int) -> bytes:
        if start < self._start or end > self._start + len(self._octets):
            raise ValueError("section outside the window")
        return self._octets[start - self._start : end - self._start]

    def section(
        self,
        part: tuple[int, ...],
        text: str | None,
        fields: tuple[bytes, ...] = (),
    ) -> bytes | None:
        """:meth:`MessageContent.section
        <pymap.mime.content.MessageContent.section>` for a non-empty
        *part*."""
        return section_of(self._root(), part, text, fields)

    def binary(self, part: tuple[int, ...]) -> bytes | None:
        """:meth:`MessageContent.binary
        <pymap.mime.content.MessageContent.binary>` for a non-empty
        *part*."""
        return binary_of(self._root(), part)

    def binary_size(self, part: tuple[int, ...]) -> int | None:
        """:meth:`MessageContent.binary_size
        <pymap.mime.content.MessageContent.binary_size>` for a non-empty
        *part*."""
        content = self.binary(part)
        return None if content is None else len(content)


class _WindowNode:
    """An entity of a :class:`MessageWindow`, as the section functions
    see an :class:`~pymap.mime.entity.Entity`."""

    __slots__ = ("_is_root", "_span", "_window")

    def __init__(self, span: Span, window: MessageWindow,
                 is_root: bool = False) -> None:
        self._span = span
        self._window = window
        self._is_root = is_root

    @property
    def is_multipart(self) -> bool:
        return self._span.is_multipart

    @property
    def children(self) -> _WindowChildren:
        return _WindowChildren(self._span.children, self._window)

    @property
    def message(self) -> _WindowNode | None:
        inner = self._span.message
        return None if inner is None else _WindowNode(inner, self._window)

    @property
    def header(self) -> bytes:
        span = self._span
        return self._window._slice(span.header_start, span.body_start)

    @property
    def body(self) -> bytes:
        span = self._span
        return self._window._slice(span.body_start, span.body_end)

    @property
    def whole(self) -> bytes:
        span = self._span
        return self._window._slice(span.header_start, span.body_end)

    @property
    def fields(self) -> HeaderFields:
        # The message's own header section is parsed as MessageContent
        # parses it; a part's as the entity parser does.
        if self._is_root:
            return HeaderFields.parse(self.header)
        return HeaderFields.parse_part(self.header)

    @property
    def transfer_encoding(self) -> bytes | None:
        return transfer_encoding_of(self.fields)


class _WindowChildren:
    """The parts of a multipart in a window, made as they are asked for:
    a message may have thousands."""

    __slots__ = ("_spans", "_window")

    def __init__(self, spans: tuple[Span, ...], window: MessageWindow) -> None:
        self._spans = spans
        self._window = window

    def __len__(self) -> int:
        return len(self._spans)

    def __getitem__(self, index: int) -> _WindowNode:
        return _WindowNode(self._spans[index], self._window)


class _Probe(MessageWindow):
    """A window with no octets that notes which it is asked for."""

    __slots__ = ("covered",)

    def __init__(self, layout: Span) -> None:
        super().__init__(layout, 0, b"")
        self.covered: tuple[int, int] | None = None

    def _slice(self, start: int, end: int) -> bytes:
        covered = self.covered
        self.covered = (start, end) if covered is None \
            else (min(covered[0], start), max(covered[1], end))
        return b""


def covering(layout: Span, answer: Callable[[MessageWindow], object]
             ) -> tuple[int, int] | None:
    """The one range ``(start, end)`` of the message's octets that holds
    all *answer* reads of a window on the message: *answer* is run on a
    window that notes what it is asked for. None when it reads nothing
    (the parts it asks for do not exist)."""
    probe = _Probe(layout)
    answer(probe)
    return probe.covered

"""Renders FETCH responses (RFC 3501 §7.4.2, RFC 3516 §4.2).

A :class:`FetchPlan` prepares the items of one command once: what must be
loaded for each message, and one small renderer per item, so that the
per-message work is little more than joining bytes. Items that need no
body octets are answered from the message's
:class:`~pymap.mime.summary.MessageSummary`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from functools import lru_cache

from pymap.exceptions import UnknownTransferEncoding
from pymap.interfaces.storage import MessageMeta
from pymap.mime import MessageContent, MessageSummary, UnknownEncoding
from pymap.mime.layout import MessageWindow, Span, covering
from pymap.parsing.fetch import FetchAttribute, Section
from pymap.parsing.response import render_string, render_string_parts
from pymap.parsing.values import format_datetime
from pymap.selected import render_flags

__all__ = ['FetchPlan', 'Loaded', 'Needs', 'command_plan', 'fetch_plan']

_ALIASES = {
    b'RFC822': Section(),
    b'RFC822.TEXT': Section(text=b'TEXT'),
}


@lru_cache(maxsize=4096)
def _date_in_zone(value: datetime, offset: timedelta | None) -> bytes:
    return format_datetime(value)


def _internal_date(value: datetime) -> bytes:
    """INTERNALDATE, rendered once for recent values: a mailbox is
    fetched again and again, and rendering a date costs more than looking
    it up. Dates of one moment in different zones are equal, so the zone
    is part of the key."""
    return _date_in_zone(value, value.utcoffset())


class Needs(IntEnum):
    """What must be loaded for a message, in increasing cost."""

    #: Only the UID and flags the session's view holds.
    VIEW = 0
    #: :class:`~pymap.interfaces.storage.MessageMeta` as well.
    META = 1
    #: The :class:`~pymap.mime.summary.MessageSummary` as well.
    SUMMARY = 2
    #: The whole :class:`~pymap.mime.content.MessageContent`.
    CONTENT = 3


@dataclass(slots=True, init=False)
class Loaded:
    """What was loaded of one message, as its plan :class:`Needs`: for
    the content, the whole message or, for a plan that
    :attr:`~FetchPlan.reads_parts`, a window on the parts. Made for each
    message, with an ``__init__`` of its own that mypyc compiles (a
    dataclass's generated one runs in the interpreter)."""

    meta: MessageMeta | None
    summary: MessageSummary | None
    content: MessageContent | None
    window: MessageWindow | None

    def __init__(self, meta: MessageMeta | None = None,
                 summary: MessageSummary | None = None,
                 content: MessageContent | None = None,
                 window: MessageWindow | None = None) -> None:
        self.meta = meta
        self.summary = summary
        self.content = content
        self.window = window


#: Renders one item from the UID, the flags and what was loaded.
Renderer = Callable[[int, Sequence[bytes], Loaded], bytes]
#: Renders an item of message octets: the bytes before the octets, and the
#: octets (``b''`` when the item has none), so that they are copied once,
#: into the whole response.
PartsRenderer = Callable[[int, Sequence[bytes], Loaded], tuple[bytes, bytes]]
#: What answers the items of message octets: the whole message, or a
#: window on the parts a plan's items name.
_Octets = MessageContent | MessageWindow
#: An item of message octets, without the response name.
_ContentParts = Callable[[FetchAttribute, _Octets], tuple[bytes, bytes]]
#: The items that may be answered from a window on the parts they name.
_PART_ITEMS = frozenset({b'BODY', b'BINARY', b'BINARY.SIZE'})


class FetchPlan:
    """The items of one FETCH command.

    Attributes:
        attributes: The items, in the order of the response.
        needs: What must be loaded for each message.
        reads_structure: Whether an item is answered from the parsed
            message (its summary, a section or a decoded part), not only
            from its meta data and whole octets.
        reads_parts: Whether every item that needs message octets names
            a body part (``BODY[2]``, ``BINARY[1.1]``, RFC 3501 §6.4.5),
            so that a window on those parts' octets
            (:class:`~pymap.mime.layout.MessageWindow`) answers them.
    """

    __slots__ = ('_part_items', '_parts', '_renderers', 'attributes',
                 'needs', 'reads_parts', 'reads_structure', 'sets_seen')

    def __init__(self, attributes: Sequence[FetchAttribute]) -> None:
        self.attributes = tuple(attributes)
        self.needs = max((_needs(attr) for attr in attributes),
                         default=Needs.VIEW)
        #: Whether fetching sets ``\Seen`` (RFC 3501 §6.4.5).
        self.sets_seen = any(attr.sets_seen for attr in attributes)
        self.reads_structure = any(map(_reads_structure, attributes))
        self._part_items = _part_items(self.attributes) \
            if self.needs is Needs.CONTENT else None
        self.reads_parts = self._part_items is not None
        # Message octets go in only when the content is loaded.
        self._parts = [_parts_renderer(attr) for attr in attributes] \
            if self.needs is Needs.CONTENT else None
        self._renderers = [] if self._parts is not None \
            else [_renderer(attr) for attr in attributes]

    def with_flags(self) -> FetchPlan:
        """This plan, reporting FLAGS as well: a FETCH that set
        ``\\Seen`` reports the new flags (RFC 3501 §6.4.5)."""
        if any(attr.name == b'FLAGS' for attr in self.attributes):
            return self
        return fetch_plan((*self.attributes, FetchAttribute(b'FLAGS')))

    def covering(self, layout: Span) -> tuple[int, int] | None:
        """For a plan that :attr:`reads_parts`, the range of a message's
        octets that its items read, by the message's layout; None when
        none of the parts exists."""
        items = self._part_items or ()
        return covering(layout, lambda window: [
            data_of(attr, window) for attr, data_of in items])

    def render(self, seq: int, uid: int, flags: Sequence[bytes],
               loaded: Loaded) -> bytes:
        """One untagged FETCH response (RFC 3501 §7.4.2).

        Raises:
            ValueError: when *loaded* lacks what the plan needs.
        """
        if self._parts is None:
            items = [render(uid, flags, loaded) for render in self._renderers]
            return b'* %d FETCH (%s)\r\n' % (seq, b' '.join(items))
        return b''.join(self.render_pieces(seq, uid, flags, loaded))

    def render_pieces(self, seq: int, uid: int, flags: Sequence[bytes],
                      loaded: Loaded) -> list[bytes]:
        """:meth:`render` for a plan that :class:`Needs` the content, in
        pieces that join to the response: the message octets are pieces of
        their own, not copied."""
        if self._parts is None:
            raise ValueError('The plan sends no message octets.')
        pieces = [b'* %d FETCH (' % seq]
        for render_parts in self._parts:
            pieces += (*render_parts(uid, flags, loaded), b' ')
        pieces[-1] = b')\r\n'
        return pieces


@lru_cache(maxsize=256)
def fetch_plan(attributes: tuple[FetchAttribute, ...]) -> FetchPlan:
    """The plan of *attributes*, shared by the commands that ask for the
    same items (a plan never changes once made)."""
    return FetchPlan(attributes)


#: Plans by the identity of a command's item tuple, without and with UID:
#: the parser hands out one tuple for an item list it saw lately, so the
#: next command sending it finds its plans without hashing every item.
#: Each entry holds its tuple, which keeps the identity from being reused.
_by_items: dict[int, tuple[tuple[FetchAttribute, ...], FetchPlan,
                           FetchPlan]] = {}
_BY_ITEMS_MAX = 256


def command_plan(attributes: tuple[FetchAttribute, ...],
                 uid: bool) -> FetchPlan:
    """The plan of a FETCH command's items; UID FETCH always reports UID
    (RFC 3501 §6.4.8)."""
    entry = _by_items.get(id(attributes))
    if entry is None or entry[0] is not attributes:
        with_uid = attributes
        if not any(attr.name == b'UID' for attr in attributes):
            with_uid = (FetchAttribute(b'UID'), *attributes)
        entry = (attributes, fetch_plan(attributes), fetch_plan(with_uid))
        if len(_by_items) >= _BY_ITEMS_MAX:
            _by_items.clear()
        _by_items[id(attributes)] = entry
    return entry[2] if uid else entry[1]


def _needs(attr: FetchAttribute) -> Needs:
    if not attr.needs_message:
        return Needs.VIEW
    if not attr.needs_content:
        return Needs.META
    return Needs.SUMMARY if attr.summary_suffices else Needs.CONTENT


def _part_items(attributes: tuple[FetchAttribute, ...]
                ) -> list[tuple[FetchAttribute, _ContentParts]] | None:
    """The items that need message octets, with their renderers, if
    every one names a body part; else None."""
    items: list[tuple[FetchAttribute, _ContentParts]] = []
    for attr in attributes:
        if _needs(attr) is not Needs.CONTENT:
            continue
        section = attr.section
        if attr.name not in _PART_ITEMS or section is None \
                or not section.parts:
            return None
        items.append((attr, _CONTENT_RENDERERS[attr.name]))
    return items


def _reads_structure(attr: FetchAttribute) -> bool:
    """Whether *attr* is answered from the parsed message: all items that
    need content but the whole message's octets (``BODY[]``,
    ``RFC822``)."""
    if _needs(attr) < Needs.SUMMARY:
        return False
    whole = attr.name == b'RFC822' \
        or (attr.name == b'BODY' and attr.section == Section())
    return not whole


def _renderer(attr: FetchAttribute) -> Renderer:
    """The renderer of one item that needs no message octets (the others
    come from :func:`_parts_renderer`), its response name included."""
    name = attr.name
    if name == b'UID':
        return lambda uid, flags, loaded: b'UID %d' % uid
    if name == b'FLAGS':
        return lambda uid, flags, loaded: b'FLAGS ' + render_flags(flags)
    if name == b'INTERNALDATE':
        return lambda uid, flags, loaded: b'INTERNALDATE ' \
            + _internal_date(_meta(loaded, name).internal_date)
    if name == b'RFC822.SIZE':
        return lambda uid, flags, loaded: b'RFC822.SIZE %d' \
            % _meta(loaded, name).size
    prefix = attr.response_name() + b' '
    data = _summary_data(attr)
    return lambda uid, flags, loaded: prefix + data(_summary(loaded, name))


def _parts_renderer(attr: FetchAttribute) -> PartsRenderer:
    """The renderer of one item in a plan that loads the content, message
    octets apart from the bytes before them."""
    data_of = _CONTENT_RENDERERS.get(attr.name)
    if data_of is None or attr.summary_suffices:
        render = _renderer(attr)
        return lambda uid, flags, loaded: (render(uid, flags, loaded), b'')
    name = attr.name
    prefix = attr.response_name() + b' '

    def parts(uid: int, flags: Sequence[bytes],
              loaded: Loaded) -> tuple[bytes, bytes]:
        head, octets = data_of(attr, _octets(loaded, name))
        return prefix + head, octets
    return parts


def _meta(loaded: Loaded, name: bytes) -> MessageMeta:
    if loaded.meta is None:
        raise ValueError(f'{name!r} needs the message loaded.')
    return loaded.meta


def _summary(loaded: Loaded, name: bytes) -> MessageSummary:
    if loaded.summary is not None:
        return loaded.summary
    return _content(loaded, name).summary


def _content(loaded: Loaded, name: bytes) -> MessageContent:
    if loaded.content is None:
        raise ValueError(f'{name!r} needs the message content.')
    return loaded.content


def _octets(loaded: Loaded, name: bytes) -> _Octets:
    window = loaded.window
    return _content(loaded, name) if window is None else window


def _summary_data(attr: FetchAttribute) -> Callable[[MessageSummary],
                                                    bytes]:
    """How an item a summary answers is rendered from it, without the
    response name."""
    if attr.name == b'ENVELOPE':
        return lambda summary: summary.envelope
    if attr.name == b'BODYSTRUCTURE':
        return lambda summary: summary.body_structure
    if attr.name == b'RFC822.HEADER':
        return lambda summary: render_string(summary.header)
    section = attr.section
    if section is None:
        return lambda summary: summary.body
    text = (section.text or b'').decode('ascii')
    names = frozenset(name.lower() for name in section.fields)
    return lambda summary: render_string(_partial(
        attr, summary.header_section(text, names)))


def _text(section: Section) -> str | None:
    return None if section.text is None else section.text.decode('ascii')


def _partial(attr: FetchAttribute, data: bytes) -> bytes:
    if attr.partial is None:
        return data
    start, length = attr.partial
    return data[start:start + length]


_NIL = (b'NIL', b'')


def _alias(attr: FetchAttribute,
           content: _Octets) -> tuple[bytes, bytes]:
    section = _ALIASES[attr.name]
    data = content.section(section.parts, _text(section))
    return _NIL if data is None else render_string_parts(data)


def _body_section(attr: FetchAttribute,
                  content: _Octets) -> tuple[bytes, bytes]:
    section = attr.section or Section()
    data = content.section(section.parts, _text(section), section.fields)
    if data is None:
        return _NIL
    return render_string_parts(_partial(attr, data))


def _binary(attr: FetchAttribute,
            content: _Octets) -> tuple[bytes, bytes]:
    parts = attr.section.parts if attr.section else ()
    try:
        data = content.binary(parts)
    except UnknownEncoding as exc:
        raise UnknownTransferEncoding() from exc
    if data is None:
        return _NIL
    return render_string_parts(_partial(attr, data), binary=True)


def _binary_size(attr: FetchAttribute,
                 content: _Octets) -> tuple[bytes, bytes]:
    parts = attr.section.parts if attr.section else ()
    try:
        size = content.binary_size(parts)
    except UnknownEncoding as exc:
        raise UnknownTransferEncoding() from exc
    # The grammar has a number here, never NIL (RFC 3516 §4.2): a part
    # that does not exist decodes to nothing.
    return b'%d' % (size or 0), b''


_CONTENT_RENDERERS: dict[bytes, _ContentParts] = {
    b'BODY': _body_section,
    b'RFC822': _alias,
    b'RFC822.TEXT': _alias,
    b'BINARY': _binary,
    b'BINARY.SIZE': _binary_size,
}

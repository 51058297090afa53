"""Renders FETCH responses (RFC 3501 §7.4.2, RFC 3516 §4.2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pymap.exceptions import UnknownTransferEncoding
from pymap.interfaces.storage import MessageMeta, StoredMessage
from pymap.mime import MessageContent, UnknownEncoding
from pymap.parsing.fetch import FetchAttribute, Section
from pymap.parsing.response import render_nstring, render_sexp, render_string
from pymap.parsing.values import format_datetime
from pymap.selected import render_flags

__all__ = ['render_fetch']

_ALIASES = {
    b'RFC822': Section(),
    b'RFC822.HEADER': Section(text=b'HEADER'),
    b'RFC822.TEXT': Section(text=b'TEXT'),
}

Renderer = Callable[[FetchAttribute, MessageContent], bytes]


def render_fetch(seq: int, uid: int, attributes: Sequence[FetchAttribute],
                 flags: Sequence[bytes],
                 message: MessageMeta | StoredMessage | None) -> bytes:
    """One untagged FETCH response for a message; *message* may be
    ``None`` when only UID and FLAGS are asked for."""
    meta = message.meta if isinstance(message, StoredMessage) else message
    content = message.content if isinstance(message, StoredMessage) \
        else None
    items = [_render_item(attr, uid, flags, meta, content)
             for attr in attributes]
    return b'* %d FETCH (%s)\r\n' % (seq, b' '.join(items))


def _render_item(attr: FetchAttribute, uid: int, flags: Sequence[bytes],
                 meta: MessageMeta | None,
                 content: MessageContent | None) -> bytes:
    name = attr.name
    if name == b'UID':
        return b'UID %d' % uid
    if name == b'FLAGS':
        return b'FLAGS ' + render_flags(flags)
    if meta is None:
        raise ValueError(f'{name!r} needs the message loaded.')
    if name == b'INTERNALDATE':
        return b'INTERNALDATE ' + format_datetime(meta.internal_date)
    if name == b'RFC822.SIZE':
        return b'RFC822.SIZE %d' % meta.size
    if content is None:
        raise ValueError(f'{name!r} needs the message content.')
    return attr.response_name() + b' ' + _CONTENT_RENDERERS[name](
        attr, content)


def _envelope(attr: FetchAttribute, content: MessageContent) -> bytes:
    return render_sexp(content.envelope())


def _body_structure(attr: FetchAttribute, content: MessageContent) -> bytes:
    if attr.section is None:
        return render_sexp(content.body_structure(
            extended=attr.name == b'BODYSTRUCTURE'))
    return _body_section(attr, content)


def _alias(attr: FetchAttribute, content: MessageContent) -> bytes:
    section = _ALIASES[attr.name]
    data = content.section(section.parts, _text(section))
    return render_nstring(data)


def _text(section: Section) -> str | None:
    return None if section.text is None else section.text.decode('ascii')


def _partial(attr: FetchAttribute, data: bytes) -> bytes:
    if attr.partial is None:
        return data
    start, length = attr.partial
    return data[start:start + length]


def _body_section(attr: FetchAttribute, content: MessageContent) -> bytes:
    section = attr.section or Section()
    data = content.section(section.parts, _text(section), section.fields)
    if data is None:
        return b'NIL'
    return render_string(_partial(attr, data))


def _binary(attr: FetchAttribute, content: MessageContent) -> bytes:
    parts = attr.section.parts if attr.section else ()
    try:
        data = content.binary(parts)
    except UnknownEncoding as exc:
        raise UnknownTransferEncoding() from exc
    if data is None:
        return b'NIL'
    return render_string(_partial(attr, data), binary=True)


def _binary_size(attr: FetchAttribute, content: MessageContent) -> bytes:
    parts = attr.section.parts if attr.section else ()
    try:
        size = content.binary_size(parts)
    except UnknownEncoding as exc:
        raise UnknownTransferEncoding() from exc
    return b'NIL' if size is None else b'%d' % size


_CONTENT_RENDERERS: dict[bytes, Renderer] = {
    b'ENVELOPE': _envelope,
    b'BODY': _body_structure,
    b'BODYSTRUCTURE': _body_structure,
    b'RFC822': _alias,
    b'RFC822.HEADER': _alias,
    b'RFC822.TEXT': _alias,
    b'BINARY': _binary,
    b'BINARY.SIZE': _binary_size,
}

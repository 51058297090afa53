"""A compact byte form of :class:`~pymap.mime.summary.MessageSummary`,
for backends that keep summaries beyond the process.

The form is a sequence of length-prefixed strings: RFC822.SIZE in decimal,
the Date as ISO 8601 (empty when absent), the header section, the rendered
ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 section 7.4.2), the folded text,
the layout (:mod:`pymap.mime.layout`) and then one folded value per header
field, text in UTF-8. Decoding checks
everything it can: stored data is a cache, never trusted.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import datetime

from pymap.mime import MessageSummary

__all__ = ['pack_summary', 'unpack_summary']

_LENGTH = struct.Struct('>I')
#: The strings before the folded values.
_FIXED = 8
#: Text may hold lone surrogates (some charset codecs produce them).
_ERRORS = 'surrogatepass'


def pack_summary(summary: MessageSummary) -> bytes:
    """The byte form of *summary*."""
    date = b'' if summary.date is None \
        else summary.date.isoformat().encode('ascii')
    strings = [
        b'%d' % summary.size, date, summary.header, summary.envelope,
        summary.body, summary.body_structure,
        summary.folded_text.encode('utf-8', _ERRORS), summary.layout,
        *(value.encode('utf-8', _ERRORS)
          for value in summary.folded_values)]
    return b''.join(_LENGTH.pack(len(string)) + string
                    for string in strings)


def unpack_summary(data: bytes) -> MessageSummary:
    """The summary whose byte form is *data*.

    Raises:
        ValueError: when *data* is not the byte form of a summary.
    """
    strings = list(_strings(data))
    if len(strings) < _FIXED:
        raise ValueError('summary too short')
    size, date, header, envelope, body, structure, text, layout = \
        strings[:_FIXED]
    if not size.isdigit():
        raise ValueError('bad summary size')
    return MessageSummary(
        int(size), header, envelope, body, structure, _date(date),
        text.decode('utf-8', _ERRORS),
        tuple(value.decode('utf-8', _ERRORS)
              for value in strings[_FIXED:]), layout)


def _strings(data: bytes) -> Iterator[bytes]:
    pos = 0
    while pos < len(data):
        if pos + _LENGTH.size > len(data):
            raise ValueError('summary cut short')
        (length,) = _LENGTH.unpack_from(data, pos)
        pos += _LENGTH.size
        if pos + length > len(data):
            raise ValueError('summary cut short')
        yield data[pos:pos + length]
        pos += length


def _date(data: bytes) -> datetime | None:
    if not data:
        return None
    date = datetime.fromisoformat(data.decode('ascii'))
    if date.tzinfo is None:
        raise ValueError('summary date without zone')
    return date

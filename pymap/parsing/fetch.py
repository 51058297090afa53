"""FETCH data items (RFC 3501 §6.4.5, RFC 3516 BINARY)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .response import render_astring
from .scanner import MAX_NUMBER, ParseError, Scanner, to_number

__all__ = ['FetchAttribute', 'Section', 'parse_fetch_attributes']

_NAME = re.compile(rb'[A-Za-z0-9.]+')
_PART = re.compile(rb'[1-9][0-9]*(?:\.[1-9][0-9]*)*')
_PARTIAL = re.compile(rb'<([0-9]+)\.([0-9]+)>')
_TEXTS = (b'HEADER.FIELDS.NOT', b'HEADER.FIELDS', b'HEADER', b'TEXT',
          b'MIME')
_SIMPLE = frozenset({b'ENVELOPE', b'FLAGS', b'INTERNALDATE', b'RFC822',
                     b'RFC822.HEADER', b'RFC822.SIZE', b'RFC822.TEXT',
                     b'BODY', b'BODYSTRUCTURE', b'UID'})
_MACROS = {
    b'FAST': (b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE'),
    b'ALL': (b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE', b'ENVELOPE'),
    b'FULL': (b'FLAGS', b'INTERNALDATE', b'RFC822.SIZE', b'ENVELOPE',
              b'BODY'),
}
_VIEW_ONLY = frozenset({b'FLAGS', b'UID'})
_CONTENT_FREE = _VIEW_ONLY | {b'INTERNALDATE', b'RFC822.SIZE'}
_SUMMARIZED = _CONTENT_FREE | {b'ENVELOPE', b'BODYSTRUCTURE',
                               b'RFC822.HEADER'}
_HEADER_TEXTS = frozenset({b'HEADER', b'HEADER.FIELDS',
                           b'HEADER.FIELDS.NOT'})


@dataclass(frozen=True, slots=True)
class Section:
    """A ``section-spec``: nested part numbers, then an optional text
    specifier (``HEADER``, ``HEADER.FIELDS``, ``HEADER.FIELDS.NOT``,
    ``TEXT`` or ``MIME``) with its header field names."""

    parts: tuple[int, ...] = ()
    text: bytes | None = None
    fields: tuple[bytes, ...] = ()

    def __bytes__(self) -> bytes:
        spec = b'.'.join(str(part).encode('ascii') for part in self.parts)
        if self.text is not None:
            spec += (b'.' if spec else b'') + self.text
        if self.fields:
            # header-fld-name is an astring (RFC 3501 §9): a field name
            # may hold characters an atom may not, e.g. ")".
            spec += b' (' + b' '.join(render_astring(field)
                                      for field in self.fields) + b')'
        return b'[' + spec + b']'


@dataclass(frozen=True, slots=True)
class FetchAttribute:
    """One FETCH data item. ``name`` is the canonical item name;
    ``BODY.PEEK`` and ``BINARY.PEEK`` are ``BODY``/``BINARY`` with
    :attr:`peek`."""

    name: bytes
    section: Section | None = None
    partial: tuple[int, int] | None = None
    peek: bool = False

    @property
    def sets_seen(self) -> bool:
        """Whether fetching it implicitly sets ``\\Seen`` (§6.4.5)."""
        if self.name in (b'RFC822', b'RFC822.TEXT'):
            return True
        return self.section is not None and not self.peek \
            and self.name in (b'BODY', b'BINARY')

    @property
    def needs_content(self) -> bool:
        """Whether the message content must be loaded to answer it."""
        return self.name not in _CONTENT_FREE

    @property
    def summary_suffices(self) -> bool:
        """Whether a :class:`~pymap.mime.summary.MessageSummary` answers
        it: the items of RFC 3501 §6.4.5 that need no body octets (BODY
        and BODYSTRUCTURE, ENVELOPE, the header section of the message
        itself), and those that need no content at all."""
        if self.name in _SUMMARIZED:
            return True
        if self.name != b'BODY':
            return False
        section = self.section
        return section is None or (not section.parts
                                   and section.text in _HEADER_TEXTS)

    @property
    def needs_message(self) -> bool:
        """Whether anything beyond the UID and flags the session already
        knows is needed (INTERNALDATE, RFC822.SIZE or content)."""
        return self.name not in _VIEW_ONLY

    def response_name(self) -> bytes:
        """The item name used in the FETCH response, e.g.
        ``BODY[1.MIME]<0>``."""
        name = self.name
        if self.section is not None:
            name += bytes(self.section)
        if self.partial is not None:
            name += b'<%d>' % self.partial[0]
        return name

    def __bytes__(self) -> bytes:
        name = self.name + (b'.PEEK' if self.peek else b'')
        if self.section is not None:
            name += bytes(self.section)
        if self.partial is not None:
            name += b'<%d.%d>' % self.partial
        return name


#: Item lists parsed lately, by their text (a client sends the same items
#: command after command): the items, and the length of their text.
_RECENT: dict[bytes, tuple[tuple[FetchAttribute, ...], int]] = {}
_RECENT_MAX = 256
#: Longer texts are parsed every time.
_RECENT_TEXT = 512


def parse_fetch_attributes(scanner: Scanner) -> tuple[FetchAttribute, ...]:
    """A macro, a single item, or a parenthesized list of items."""
    text = scanner.data[scanner.pos:scanner.pos + _RECENT_TEXT + 1]
    # A literal's octets are not in the text: its items are never cached.
    cacheable = len(text) <= _RECENT_TEXT and b'{' not in text
    recent = _RECENT.get(text) if cacheable else None
    if recent is not None:
        scanner.pos += recent[1]
        return recent[0]
    start = scanner.pos
    attributes = _parse_items(scanner)
    if cacheable:
        if len(_RECENT) >= _RECENT_MAX:
            _RECENT.clear()
        _RECENT[text] = (attributes, scanner.pos - start)
    return attributes


def _parse_items(scanner: Scanner) -> tuple[FetchAttribute, ...]:
    if scanner.peek() == b'(':
        return tuple(scanner.paren_list(_parse_attribute, allow_empty=False))
    start = scanner.pos
    name = _name(scanner)
    if name in _MACROS:
        return tuple(FetchAttribute(item) for item in _MACROS[name])
    scanner.pos = start
    return (_parse_attribute(scanner),)


def _name(scanner: Scanner) -> bytes:
    match = _NAME.match(scanner.data, scanner.pos)
    if match is None:
        raise scanner.error('fetch attribute')
    scanner.pos = match.end()
    return match.group(0).upper()


def _parse_attribute(scanner: Scanner) -> FetchAttribute:
    name = _name(scanner)
    if scanner.peek() != b'[':
        if name in _SIMPLE:
            return FetchAttribute(name)
        raise ParseError(f'Unknown fetch attribute {name.decode()!r}.')
    base, _, modifier = name.partition(b'.')
    peek = modifier == b'PEEK'
    if base == b'BODY' and modifier in (b'', b'PEEK'):
        section = _parse_section(scanner)
    elif base == b'BINARY' and modifier in (b'', b'PEEK', b'SIZE'):
        section = _parse_binary_section(scanner)
        if modifier == b'SIZE':
            return FetchAttribute(b'BINARY.SIZE', section)
    else:
        raise ParseError(f'Unknown fetch attribute {name.decode()!r}.')
    return FetchAttribute(base, section, _parse_partial(scanner), peek)


def _parse_partial(scanner: Scanner) -> tuple[int, int] | None:
    match = _PARTIAL.match(scanner.data, scanner.pos)
    if match is None:
        return None
    scanner.pos = match.end()
    start, length = to_number(match.group(1)), to_number(match.group(2))
    if length == 0 or max(start, length) > MAX_NUMBER:
        raise ParseError('Invalid partial range.')
    return start, length


def _parse_parts(scanner: Scanner) -> tuple[int, ...]:
    match = _PART.match(scanner.data, scanner.pos)
    if match is None:
        return ()
    scanner.pos = match.end()
    parts = tuple(to_number(part) for part in match.group(0).split(b'.'))
    if max(parts) > MAX_NUMBER:
        raise ParseError('Part number out of range.')
    return parts


def _parse_binary_section(scanner: Scanner) -> Section:
    scanner.expect(b'[')
    parts = _parse_parts(scanner)
    scanner.expect(b']')
    return Section(parts)


def _parse_section(scanner: Scanner) -> Section:
    scanner.expect(b'[')
    parts = _parse_parts(scanner)
    if parts and not scanner.try_literal_bytes(b'.'):
        scanner.expect(b']')
        return Section(parts)
    text = _parse_section_text(scanner, bool(parts))
    fields: tuple[bytes, ...] = ()
    if text is not None and text.startswith(b'HEADER.FIELDS'):
        scanner.sp()
        fields = tuple(scanner.paren_list(_field_name, allow_empty=False))
    scanner.expect(b']')
    return Section(parts, text, fields)


def _parse_section_text(scanner: Scanner, has_parts: bool) -> bytes | None:
    for text in _TEXTS:
        if scanner.try_literal_bytes(text):
            if text == b'MIME' and not has_parts:
                raise ParseError('MIME requires a part number.')
            return text
    if has_parts:
        raise scanner.error('section text')
    return None


def _field_name(scanner: Scanner) -> bytes:
    name = scanner.astring()
    if not name or any(byte <= 0x20 or byte >= 0x7f or byte == 0x3a
                       for byte in name):
        raise ParseError('Invalid header field name.')
    return name.upper()

"""Header fields of one entity, kept byte-exact for FETCH.

RFC 5322 section 2.2: a header field is a name, a colon and a body; a line
starting with white space continues the field before it (folding).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .lines import CRLF

__all__ = ["HeaderField", "HeaderFields"]

_WSP = b" \t"
_FOLD = (b" ", b"\t")
#: A CRLF that ends a field: the next line does not continue it.
_FIELD_END = re.compile(rb"\r\n(?![ \t])")
#: Body part header sections longer than this are split lazily: a
#: handful of lookups by name cost less than splitting so many fields.
DEFER_BYTES = 1024


@dataclass(frozen=True, slots=True)
class HeaderField:
    """One header field (RFC 5322 section 2.2).

    Attributes:
        name: The field name as written, without the colon.
        lines: The original lines of the field, each ended by CRLF except
            possibly the last line of a header section lacking a blank line.
        value: The field body unfolded per RFC 5322 section 2.2.3 (every
            CRLF removed) with surrounding white space stripped.
    """

    name: bytes
    lines: bytes
    value: bytes

    @classmethod
    def from_lines(cls, lines: bytes) -> "HeaderField":
        """Build a field from its original (folded) lines (RFC 5322
        section 2.2)."""
        unfolded = lines.replace(CRLF, b"")
        name, colon, value = unfolded.partition(b":")
        if not colon or lines.startswith(_FOLD):
            return cls(b"", lines, unfolded.strip(_WSP))
        return cls(name.strip(_WSP), lines, value.strip(_WSP))

    @property
    def key(self) -> bytes:
        """The name in the form used for lookups, which ignore case as
        RFC 3501 section 6.4.5 HEADER.FIELDS does."""
        return self.name.lower()

    @property
    def terminated_lines(self) -> bytes:
        """The original lines, the last one ended by CRLF even where the
        header section lacks its blank line (RFC 5322 section 2.2)."""
        if self.lines.endswith(CRLF):
            return self.lines
        return self.lines + CRLF


class HeaderFields:
    """The header fields of a header section (RFC 5322 section 2.2), in
    message order.

    The section is split into :class:`HeaderField` objects when parsed,
    except a long one parsed with :meth:`parse_part`: that is split only
    when all of its fields are asked for (:attr:`fields`,
    :meth:`select`), and until then a lookup by name searches the section
    for the lines starting that field.
    """

    __slots__ = ("_fields", "_index", "_section")

    def __init__(
        self, section: bytes, fields: tuple[HeaderField, ...] | None = None
    ) -> None:
        """Use :meth:`parse`: *section* must end before its empty line,
        and *fields* are its fields, or None to split them out later."""
        self._section = section
        self._fields: tuple[HeaderField, ...] | None = None
        self._index: dict[bytes, list[HeaderField]] | None = None
        if fields is not None:
            self._index_fields(fields)

    @classmethod
    def parse(cls, header: bytes) -> "HeaderFields":
        """Split a CRLF header section into fields (RFC 5322 section 2.2).

        Parsing stops at the empty line ending the section.  A line without
        a colon is kept as a field with no name, as is a continuation line
        with no field before it.
        """
        section = _section(header)
        return cls(section, _split(section))

    @classmethod
    def parse_part(cls, header: bytes) -> "HeaderFields":
        """:meth:`parse` for the header section of a body part, whose
        fields are mostly only looked up by name (Content-Type and its
        kin, RFC 2045): one longer than :data:`DEFER_BYTES` is split only
        when all its fields are asked for, so that a message of many
        parts with long header sections makes no object per field."""
        section = _section(header)
        if len(section) > DEFER_BYTES:
            return cls(section)
        return cls(section, _split(section))

    @property
    def fields(self) -> tuple[HeaderField, ...]:
        """All fields, in message order."""
        fields = self._fields
        if fields is None:
            fields = _split(self._section)
            self._index_fields(fields)
        return fields

    def all(self, name: bytes) -> list[HeaderField]:
        """All fields called *name* (case-insensitive), in message order
        (RFC 5322 section 3.6 allows some fields to repeat)."""
        key = name.lower()
        if self._searchable(key):
            return [self._field_from(found) for found in self._found(key)]
        return list(self._indexed().get(key, ()))

    def first(self, name: bytes) -> HeaderField | None:
        """The first field called *name* (case-insensitive), if any
        (RFC 5322 section 3.6)."""
        key = name.lower()
        if self._searchable(key):
            found = next(self._found(key), None)
            return None if found is None else self._field_from(found)
        fields = self._indexed().get(key)
        return fields[0] if fields else None

    def value(self, name: bytes) -> bytes | None:
        """The unfolded value (RFC 5322 section 2.2.3) of the first field
        called *name*, if any."""
        field = self.first(name)
        return None if field is None else field.value

    def select(self, names: Iterable[bytes], *, exclude: bool) -> bytes:
        """Render the fields named (or, with *exclude*, not named) in
        *names*, for RFC 3501 section 6.4.5 ``HEADER.FIELDS`` and
        ``HEADER.FIELDS.NOT``: original lines in message order, each ended by
        CRLF, followed by the empty line that ends a header section."""
        wanted = {name.lower() for name in names}
        chosen = (f for f in self.fields if (f.key in wanted) != exclude)
        return b"".join(f.terminated_lines for f in chosen) + CRLF

    def _searchable(self, key: bytes) -> bool:
        """Whether fields called *key* are found by searching the section:
        it is not split yet, and the name is plain."""
        return self._index is None and bool(_PLAIN_NAME.fullmatch(key))

    def _found(self, key: bytes) -> Iterator[re.Match[bytes]]:
        """Where fields called *key* start: at the start of the section or
        after a CRLF (a bare LF ends no line here, as in :func:`_split`).
        Only the lines that begin with the name's first word are tried:
        finding those in the lower-cased section is several times faster
        than the case-blind pattern's scan of every octet."""
        section, pattern = self._section, _starts_of(key)
        for start in _line_starts(section.lower(), _first_word(key)):
            if start == 0 or section.startswith(CRLF, start - 2):
                found = pattern.match(section, start)
                if found is not None:
                    yield found

    def _field_from(self, found: re.Match[bytes]) -> HeaderField:
        """The field whose name and colon *found* matched: up to the CRLF
        that no folded line follows, or to the end of the section."""
        end = _FIELD_END.search(self._section, found.end())
        stop = len(self._section) if end is None else end.end()
        return HeaderField.from_lines(self._section[found.start() : stop])

    def _indexed(self) -> dict[bytes, list[HeaderField]]:
        index = self._index
        if index is None:
            index = self._index_fields(_split(self._section))
        return index

    def _index_fields(
        self, fields: tuple[HeaderField, ...]
    ) -> dict[bytes, list[HeaderField]]:
        """Keeps *fields*, the section's, and their index by name."""
        index: dict[bytes, list[HeaderField]] = {}
        for field in fields:
            index.setdefault(field.key, []).append(field)
        self._fields, self._index = fields, index
        return index


#: A name a field can be found by without splitting the section: one
#: without white space at its ends, colons or line breaks.
_PLAIN_NAME = re.compile(rb"[^\s:](?:[^:\r\n]*[^\s:])?")


@lru_cache(maxsize=256)
def _starts_of(key: bytes) -> re.Pattern[bytes]:
    """Finds where the lines of a field called *key* start: a line (not a
    folded one) starting with the name, then the colon after white space,
    all of it possibly folded, as :meth:`HeaderField.from_lines` reads
    names from the unfolded field."""
    name = b"".join(
        (rb"(?:\r\n)?" if char in _WSP else b"") + re.escape(bytes([char]))
        for char in key
    )
    return re.compile(
        rb"^" + name + rb"(?:[ \t]|\r\n[ \t])*:",
        re.IGNORECASE | re.MULTILINE,
    )


def _first_word(key: bytes) -> bytes:
    """The start of the lower-case name *key* that no folding can split:
    up to its first white space."""
    return re.split(rb"[ \t]", key, maxsplit=1)[0]


def _line_starts(lowered: bytes, word: bytes) -> Iterator[int]:
    """The offsets of the lines of *lowered* that begin with *word*."""
    if lowered.startswith(word):
        yield 0
    needle = b"\n" + word
    at = lowered.find(needle)
    while at >= 0:
        yield at + 1
        at = lowered.find(needle, at + 1)


def _section(header: bytes) -> bytes:
    """*header* up to the empty line that ends it (RFC 5322 section
    2.1), that line left out."""
    if header.startswith(CRLF):
        return b""
    blank = header.find(CRLF + CRLF)
    return header if blank < 0 else header[: blank + len(CRLF)]


def _split(section: bytes) -> tuple[HeaderField, ...]:
    pieces = _FIELD_END.split(section)
    unterminated = pieces.pop()  # after the last CRLF
    fields = [HeaderField.from_lines(piece + CRLF) for piece in pieces]
    if unterminated:
        fields.append(HeaderField.from_lines(unterminated))
    return tuple(fields)

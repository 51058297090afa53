"""Header fields of one entity, kept byte-exact for FETCH.

RFC 5322 section 2.2: a header field is a name, a colon and a body; a line
starting with white space continues the field before it (folding).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .lines import CRLF

__all__ = ["HeaderField", "HeaderFields"]

_WSP = b" \t"
_FOLD = (b" ", b"\t")
#: A CRLF that ends a field: the next line does not continue it.
_FIELD_END = re.compile(rb"\r\n(?![ \t])")


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
    message order."""

    __slots__ = ("_index", "fields")

    def __init__(self, fields: Iterable[HeaderField]) -> None:
        self.fields = tuple(fields)
        self._index: dict[bytes, list[HeaderField]] = {}
        for field in self.fields:
            self._index.setdefault(field.key, []).append(field)

    @classmethod
    def parse(cls, header: bytes) -> "HeaderFields":
        """Split a CRLF header section into fields (RFC 5322 section 2.2).

        Parsing stops at the empty line ending the section.  A line without
        a colon is kept as a field with no name, as is a continuation line
        with no field before it.
        """
        if header.startswith(CRLF):
            return cls(())
        blank = header.find(CRLF + CRLF)
        section = header if blank < 0 else header[: blank + len(CRLF)]
        pieces = _FIELD_END.split(section)
        unterminated = pieces.pop()  # after the last CRLF
        fields = [HeaderField.from_lines(piece + CRLF) for piece in pieces]
        if unterminated:
            fields.append(HeaderField.from_lines(unterminated))
        return cls(fields)

    def all(self, name: bytes) -> list[HeaderField]:
        """All fields called *name* (case-insensitive), in message order
        (RFC 5322 section 3.6 allows some fields to repeat)."""
        return list(self._index.get(name.lower(), ()))

    def first(self, name: bytes) -> HeaderField | None:
        """The first field called *name* (case-insensitive), if any
        (RFC 5322 section 3.6)."""
        found = self._index.get(name.lower())
        return found[0] if found else None

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

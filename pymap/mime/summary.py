"""A compact digest of a message: what most FETCH and SEARCH commands ask.

Clients list mailboxes with FETCH items that look at the header section and
the structure only, and SEARCH compares decoded text.  A
:class:`MessageSummary` keeps exactly those answers, computed once from a
:class:`~pymap.mime.content.MessageContent`, so that a backend may cache it
(in memory or on disk) and answer without reading or parsing the message
again, much as Dovecot answers from its ``dovecot.index.cache`` file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

# A module import: pymap.parsing.response imports this package in turn.
from pymap.parsing import response

from .fields import HeaderFields
from .lines import CRLF
from .text import decode_header_value

if TYPE_CHECKING:
    from .content import MessageContent

__all__ = ["HEADER_TEXTS", "MessageSummary"]

#: The section texts a summary answers for the message itself (RFC 3501
#: section 6.4.5, without part numbers).
HEADER_TEXTS = frozenset({"HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT"})

_FOLD = re.compile(rb"\r\n(?=[ \t])")
#: Approximate bytes of a small object and a tuple slot, for the footprint.
_OBJECT = 56
_SLOT = 8


@dataclass(frozen=True, slots=True, eq=False)
class MessageSummary:
    """What FETCH (RFC 3501 section 6.4.5) and SEARCH (section 6.4.4) need
    of a message apart from its body octets.

    Every answer is the same as :class:`~pymap.mime.content.MessageContent`
    gives for the message it was derived from; the text for SEARCH is kept
    case-folded, the form SEARCH compares.

    Attributes:
        size: RFC822.SIZE (RFC 3501 section 7.4.2).
        header: The header section in CRLF form, as ``BODY[HEADER]``.
        envelope: The ENVELOPE structure, rendered (section 7.4.2).
        body: The BODY structure, rendered.
        body_structure: The BODYSTRUCTURE structure, rendered.
        date: The Date field for the SENT* keys (section 6.4.4), see
            :meth:`MessageContent.date
            <pymap.mime.content.MessageContent.date>`.
        folded_text: :meth:`MessageContent.text_content
            <pymap.mime.content.MessageContent.text_content>`, case-folded:
            what SEARCH BODY looks in.
        folded_values: The decoded value of each header field, in message
            order, case-folded: what SEARCH HEADER, SUBJECT, FROM... look in.
        layout: Where each entity of the message lies, in the byte form
            of :mod:`~pymap.mime.layout` (empty: not known), so that one
            body part can be read without the rest.
        fields: The header section already parsed, if at hand (else it
            is parsed again).
    """

    size: int
    header: bytes = field(repr=False)
    envelope: bytes = field(repr=False)
    body: bytes = field(repr=False)
    body_structure: bytes = field(repr=False)
    date: datetime | None
    folded_text: str = field(repr=False)
    folded_values: tuple[str, ...] = field(repr=False)
    layout: bytes = field(default=b"", repr=False)
    _lines: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False)
    _values: dict[bytes, tuple[str, ...]] = field(init=False, repr=False)
    #: The header section asked for last, by its text and names: a client
    #: asks every message for the same fields, command after command.
    _picked: tuple[tuple[str, Collection[bytes]], bytes] | None = field(
        init=False, repr=False, default=None)
    fields: InitVar[HeaderFields | None] = None

    def __post_init__(self, parsed: HeaderFields | None) -> None:
        """Index the header fields; :exc:`ValueError` when there is not
        one folded value for each of them."""
        if parsed is None:
            parsed = HeaderFields.parse(self.header)
        fields = parsed.fields
        if len(fields) != len(self.folded_values):
            raise ValueError("one folded value per header field expected")
        lines = tuple((f.key, f.terminated_lines) for f in fields)
        values: dict[bytes, tuple[str, ...]] = {}
        for (key, _), value in zip(lines, self.folded_values, strict=True):
            values[key] = (*values.get(key, ()), value)
        object.__setattr__(self, "_lines", lines)
        object.__setattr__(self, "_values", values)

    @classmethod
    def derive(cls, content: MessageContent) -> MessageSummary:
        """Summarise a parsed message (use :attr:`MessageContent.summary
        <pymap.mime.content.MessageContent.summary>`, which caches it)."""
        fields = content.header_fields
        return cls(
            content.size,
            content.header_bytes(),
            response.render_sexp(content.envelope()),
            response.render_sexp(content.body_structure(extended=False)),
            response.render_sexp(content.body_structure(extended=True)),
            content.date(),
            content.text_content().casefold(),
            tuple(
                decode_header_value(f.value).casefold() for f in fields.fields
            ),
            content.layout(),
            fields,
        )

    def header_section(
        self, text: str, names: Collection[bytes] = ()
    ) -> bytes:
        """``BODY[HEADER]``, ``BODY[HEADER.FIELDS (names)]`` or
        ``BODY[HEADER.FIELDS.NOT (names)]`` of the message (RFC 3501
        section 6.4.5), *text* being one of :data:`HEADER_TEXTS`.

        Args:
            text: The section text, in upper case.
            names: The field names, in lower case.

        Raises:
            ValueError: for another *text*.
        """
        if text == "HEADER":
            return self.header
        asked = (text, names)
        picked = self._picked
        if picked is not None and picked[0] == asked:
            return picked[1]
        if text not in HEADER_TEXTS:
            raise ValueError(f"not a header section text: {text!r}")
        exclude = text == "HEADER.FIELDS.NOT"
        chosen = [lines for key, lines in self._lines
                  if (key in names) != exclude]
        chosen.append(CRLF)
        section = b"".join(chosen)
        object.__setattr__(self, "_picked", (asked, section))
        return section

    def values_of(self, name: bytes) -> tuple[str, ...]:
        """The case-folded decoded values of the header fields called
        *name* (in lower case), for the SEARCH keys of RFC 3501 section
        6.4.4 (FROM, TO, CC, BCC, SUBJECT, HEADER)."""
        return self._values.get(name, ())

    def folded_header_text(self) -> str:
        """:meth:`MessageContent.header_text
        <pymap.mime.content.MessageContent.header_text>` case-folded: the
        header part of what SEARCH TEXT looks in (computed on each call)."""
        unfolded = _FOLD.sub(b"", self.header)
        return decode_header_value(unfolded).casefold()

    @property
    def footprint(self) -> int:
        """Roughly the bytes of memory the summary holds, for caches
        bounded in size."""
        strings = sum(sys.getsizeof(value) for value in self.folded_values)
        lines = sum(len(lines) + 3 * _OBJECT for _, lines in self._lines)
        # The header section asked for last is at most the header again.
        return (
            2 * len(self.header) + len(self.envelope) + len(self.body)
            + len(self.layout)
            + len(self.body_structure) + sys.getsizeof(self.folded_text)
            + strings + lines + sys.getsizeof(self._values)
            + 12 * _OBJECT + _SLOT * len(self.folded_values)
        )

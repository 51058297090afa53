"""The message model: everything FETCH and SEARCH need from raw bytes."""

import datetime
import email.utils
import re
from functools import cached_property

from .entity import Entity, parse_message
from .envelope import build_envelope
from .fields import HeaderFields
from .layout import pack_layout
from .lines import body_offset, to_crlf
from .sections import binary_of, section_of
from .sexp import SExp
from .structure import build_body_structures
from .summary import MessageSummary
from .text import decode_header_value, text_of

__all__ = ["MessageContent"]

_FOLD = re.compile(rb"\r\n(?=[ \t])")


class MessageContent:
    """A parsed message (RFC 5322, RFC 2045-2049) answering the FETCH data
    items of RFC 3501 section 6.4.5 and the SEARCH needs of section 6.4.4.

    The header section and the MIME structure are parsed on first use;
    derived structures are computed once and cached.  No input
    makes it raise, except :meth:`binary` for an unknown transfer encoding.

    Attributes:
        raw: The message exactly as given.
        size: RFC822.SIZE (RFC 3501 section 7.4.2): the length of the
            message once every line ends with CRLF.
    """

    def __init__(self, raw: bytes, data: bytes) -> None:
        """Use :meth:`parse` or :meth:`parse_canonical` instead."""
        self.raw = raw
        self.size = len(data)
        self._data = data

    @classmethod
    def parse(cls, raw: bytes) -> "MessageContent":
        """Parse a message from its raw bytes, with LF or CRLF line endings
        (RFC 5322 section 2.1 format, line endings made canonical)."""
        return cls(raw, to_crlf(raw))

    @classmethod
    def parse_sized(cls, raw: bytes, size: int) -> "MessageContent":
        """:meth:`parse` for stored bytes whose RFC822.SIZE, their length
        once every line ends with CRLF (RFC 3501 section 2.3.4), is known:
        bytes just as long end every line with CRLF already and need not
        be scanned."""
        return cls(raw, raw) if len(raw) == size else cls.parse(raw)

    @classmethod
    def parse_canonical(cls, data: bytes) -> "MessageContent":
        """:meth:`parse` for bytes known to end every line with CRLF
        already, which need not be checked."""
        return cls(data, data)

    @property
    def data(self) -> bytes:
        """The message with every line ending in CRLF, as ``BODY[]``
        holds it."""
        return self._data

    @cached_property
    def _header_end(self) -> int:
        return body_offset(self._data, 0, len(self._data))

    @property
    def header_size(self) -> int:
        """The length of the top-level header section (RFC 5322 section
        2.1), its ending empty line included."""
        return self._header_end

    @cached_property
    def _fields(self) -> HeaderFields:
        return HeaderFields.parse(self._data[: self._header_end])

    @cached_property
    def _root(self) -> Entity:
        return parse_message(self._data, self._fields)

    @cached_property
    def summary(self) -> MessageSummary:
        """The :class:`~pymap.mime.summary.MessageSummary` of the message,
        derived on first use."""
        return MessageSummary.derive(self)

    @cached_property
    def _envelope(self) -> SExp:
        return build_envelope(self._fields)

    @cached_property
    def _structures(self) -> tuple[SExp, SExp]:
        return build_body_structures(self._root)

    def layout(self) -> bytes:
        """Where each entity of the message lies, in the byte form of
        :mod:`~pymap.mime.layout`: what a summary keeps so that one part
        can be read without the rest."""
        return pack_layout(self._root)

    def envelope(self) -> SExp:
        """The ENVELOPE structure (RFC 3501 section 7.4.2)."""
        return self._envelope

    def body_structure(self, extended: bool) -> SExp:
        """BODY (*extended* false) or BODYSTRUCTURE (*extended* true, with
        the extension data) of RFC 3501 section 7.4.2."""
        return self._structures[extended]

    def section(
        self,
        part: tuple[int, ...],
        text: str | None,
        fields: tuple[bytes, ...] = (),
    ) -> bytes | None:
        """The octets of ``BODY[section]`` (RFC 3501 section 6.4.5), in CRLF
        form, or None when the part does not exist.

        Args:
            part: Part numbers; ``()`` is the whole message.
            text: None (the whole part, or whole message), ``"HEADER"``,
                ``"HEADER.FIELDS"``, ``"HEADER.FIELDS.NOT"``, ``"TEXT"`` or
                ``"MIME"``.  The HEADER and TEXT forms apply to the message
                itself, or with a part number only to a message/rfc822 part,
                whose encapsulated message they address.  MIME needs a
                part number.
            fields: Header field names for the HEADER.FIELDS forms,
                compared case-insensitively.

        Raises:
            ValueError: when *text* is not one of the above.
        """
        if not part and text is None:
            return self._data  # BODY[]: no need to parse the MIME structure
        return section_of(self._root, part, text, fields)

    def binary(self, part: tuple[int, ...]) -> bytes | None:
        """The content of ``BINARY[part]`` (RFC 3516 section 4.2): the part
        body with its Content-Transfer-Encoding removed, or None when the
        part does not exist.

        Raises:
            UnknownEncoding: for an encoding other than 7bit, 8bit, binary,
                base64 or quoted-printable (RFC 3516 section 4.3).
        """
        return binary_of(self._root, part)

    def binary_size(self, part: tuple[int, ...]) -> int | None:
        """``BINARY.SIZE[part]`` (RFC 3516 section 4.2).

        Raises:
            UnknownEncoding: as :meth:`binary` does.
        """
        content = self.binary(part)
        return None if content is None else len(content)

    @property
    def header_fields(self) -> HeaderFields:
        """The top-level header fields (RFC 5322 section 2.2), as
        ``BODY[HEADER]`` holds them."""
        return self._fields

    def header_values(self, name: str) -> list[str]:
        """All values of the top-level header field *name*, unfolded and
        with RFC 2047 encoded words decoded, for the SEARCH keys of RFC
        3501 section 6.4.4 (FROM, TO, CC, BCC, SUBJECT, HEADER)."""
        fields = self._fields.all(name.encode("utf-8", "replace"))
        return [decode_header_value(field.value) for field in fields]

    def text_content(self) -> str:
        """All text/* bodies, transfer- and charset-decoded, joined by
        newlines: what SEARCH BODY (RFC 3501 section 6.4.4) looks in.
        Computed on each call: :attr:`summary` keeps it for searching."""
        return "\n".join(text_of(self._root))

    def header_text(self) -> str:
        """The header section unfolded (RFC 5322 section 2.2.3) with RFC
        2047 encoded words decoded: the header part of what SEARCH TEXT
        (RFC 3501 section 6.4.4) looks in."""
        return self._header_text

    @cached_property
    def _header_text(self) -> str:
        unfolded = _FOLD.sub(b"", self._data[: self._header_end])
        return decode_header_value(unfolded)

    def date(self) -> datetime.datetime | None:
        """The Date field (RFC 5322 section 3.6.1) as an aware datetime for
        SENTBEFORE, SENTON and SENTSINCE (RFC 3501 section 6.4.4); None
        when absent or unparseable.  A zone of -0000 is taken as UTC."""
        value = self._fields.value(b"date")
        if value is None:
            return None
        try:
            parsed = email.utils.parsedate_to_datetime(value.decode("latin-1"))
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)

    def header_bytes(self) -> bytes:
        """The top-level header section in CRLF form, as ``BODY[HEADER]``
        (RFC 3501 section 6.4.5): ending with its empty line, if the
        message has one."""
        return self._data[: self._header_end]

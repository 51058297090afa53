"""The MIME entity tree of a message, located on the canonical bytes.

RFC 2045 section 2.4 (entities), RFC 2046 section 5.1.1 (multipart body
syntax) and section 5.2.1 (message/rfc822).  Every entity records offsets
into the CRLF form of the message, so FETCH can return original bytes.
"""

from dataclasses import dataclass, field, replace

from .fields import HeaderFields
from .lines import body_offset
from .multipart import find_parts
from .params import Params, find_param, parse_parameterized

__all__ = ["ContentType", "Entity", "parse_message", "transfer_encoding_of"]

#: Deeper nesting than this is not analysed; it only serves to attack.
MAX_DEPTH = 64
#: At most this many body parts are split out of one message.
MAX_PARTS = 10_000


@dataclass(frozen=True, slots=True)
class ContentType:
    """A media type with its parameters, as written (RFC 2045 section 5)."""

    maintype: bytes
    subtype: bytes
    params: Params = ()

    def is_type(self, maintype: bytes, subtype: bytes | None = None) -> bool:
        """Compare case-insensitively (RFC 2045 section 5.1)."""
        if self.maintype.lower() != maintype:
            return False
        return subtype is None or self.subtype.lower() == subtype

    def param(self, name: bytes) -> bytes | None:
        """The first parameter called *name*; parameter names are
        case-insensitive (RFC 2045 section 5.1)."""
        return find_param(self.params, name)

    @property
    def is_composite(self) -> bool:
        """Multipart or message/rfc822: entities with entities inside
        (RFC 2045 section 5.1)."""
        return self.is_type(b"multipart") or self.is_type(
            b"message", b"rfc822"
        )


#: RFC 2045 section 5.2 default, and RFC 2046 section 5.1.5 digest default.
TEXT_PLAIN = ContentType(b"text", b"plain")
MESSAGE_RFC822 = ContentType(b"message", b"rfc822")
#: What too deeply nested composite entities are downgraded to.
OPAQUE = ContentType(b"application", b"octet-stream")


@dataclass(frozen=True, slots=True)
class Entity:
    """A MIME entity (RFC 2045 section 2.4): header and body offsets into
    *data*, the parsed header fields and content type, and its
    sub-entities: *children* for a multipart (RFC 2046 section 5.1),
    *message* for an encapsulated message/rfc822 (section 5.2.1)."""

    data: bytes = field(repr=False)
    header_start: int
    body_start: int
    body_end: int
    fields: HeaderFields = field(repr=False)
    content_type: ContentType
    children: tuple["Entity", ...] = ()
    message: "Entity | None" = None

    @property
    def header(self) -> bytes:
        """The header section, including its ending empty line if any
        (RFC 5322 section 2.1)."""
        return self.data[self.header_start : self.body_start]

    @property
    def body(self) -> bytes:
        """The body in CRLF form (RFC 5322 section 2.1)."""
        return self.data[self.body_start : self.body_end]

    @property
    def whole(self) -> bytes:
        """Header section and body: the entity (RFC 2045 section 2.4)."""
        return self.data[self.header_start : self.body_end]

    @property
    def transfer_encoding(self) -> bytes | None:
        """See :func:`transfer_encoding_of`."""
        return transfer_encoding_of(self.fields)

    @property
    def is_multipart(self) -> bool:
        """True for an entity split into body parts (RFC 2046 section
        5.1)."""
        return bool(self.children)

    def walk(self) -> list["Entity"]:
        """This entity and all entities nested in it (RFC 2046 section 5),
        depth first."""
        found = [self]
        for inner in (*self.children, *filter(None, [self.message])):
            found.extend(inner.walk())
        return found


def transfer_encoding_of(fields: HeaderFields) -> bytes | None:
    """The Content-Transfer-Encoding mechanism of an entity with header
    *fields*, as written, without comments (RFC 2045 section 6.1), or None
    when absent or empty."""
    value = fields.value(b"content-transfer-encoding")
    if value is None:
        return None
    return parse_parameterized(value).value or None


def parse_message(data: bytes, fields: HeaderFields | None = None) -> Entity:
    """Parse a whole message in CRLF form (RFC 5322, RFC 2045); *fields*
    may hold its already parsed top-level header fields."""
    return _Parser(data).entity(0, len(data), TEXT_PLAIN, 0, fields)


def parse_content_type(
    fields: HeaderFields, default: ContentType
) -> ContentType:
    """The Content-Type of an entity, or *default* when it is absent or
    not of the form ``type "/" subtype`` (RFC 2045 section 5.2)."""
    value = fields.value(b"content-type")
    if value is None:
        return default
    parsed = parse_parameterized(value)
    maintype, slash, subtype = parsed.value.partition(b"/")
    if not (maintype and slash and subtype):
        return TEXT_PLAIN
    return ContentType(maintype, subtype, parsed.params)


class _Parser:
    """Builds the tree, counting body parts against :data:`MAX_PARTS`."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._parts_left = MAX_PARTS

    def entity(
        self,
        start: int,
        end: int,
        default: ContentType,
        depth: int,
        fields: HeaderFields | None = None,
    ) -> Entity:
        body_start = body_offset(self._data, start, end)
        if fields is None:
            fields = HeaderFields.parse_part(self._data[start:body_start])
        content_type = parse_content_type(fields, default)
        if content_type.is_composite and depth >= MAX_DEPTH:
            content_type = OPAQUE
        entity = Entity(
            self._data, start, body_start, end, fields, content_type
        )
        if content_type.is_type(b"multipart"):
            return self._multipart(entity, depth)
        if content_type.is_type(b"message", b"rfc822"):
            message = self.entity(body_start, end, TEXT_PLAIN, depth + 1)
            return replace(entity, message=message)
        return entity

    def _multipart(self, entity: Entity, depth: int) -> Entity:
        """Split the body into parts (RFC 2046 section 5.1.1).  When no
        delimiter line is found the whole body becomes one text/plain part
        without header fields, so its content stays reachable."""
        boundary = entity.content_type.param(b"boundary") or b""
        limit = max(self._parts_left, 1)
        start, end = entity.body_start, entity.body_end
        regions = find_parts(self._data, start, end, boundary, limit)
        self._parts_left -= len(regions)
        if not regions:
            empty = HeaderFields(b"", ())
            implicit = Entity(self._data, start, start, end, empty, TEXT_PLAIN)
            return replace(entity, children=(implicit,))
        digest = entity.content_type.is_type(b"multipart", b"digest")
        default = MESSAGE_RFC822 if digest else TEXT_PLAIN
        children = tuple(
            self.entity(s, e, default, depth + 1) for s, e in regions
        )
        return replace(entity, children=children)

"""The BODY and BODYSTRUCTURE structures, RFC 3501 section 7.4.2."""

from .entity import ContentType, Entity
from .envelope import build_envelope
from .lines import count_lines
from .params import Params, parse_language_tags, parse_parameterized
from .sexp import SExp

__all__ = ["build_body_structure"]

#: RFC 2045 section 6.1: an absent Content-Transfer-Encoding means 7bit.
DEFAULT_ENCODING = b"7BIT"


def build_body_structure(entity: Entity, extended: bool) -> SExp:
    """Describe *entity* as RFC 3501 section 7.4.2 BODY (``extended`` false)
    or BODYSTRUCTURE (``extended`` true, adding the extension data)."""
    if entity.is_multipart:
        return _multipart(entity, extended)
    return _single(entity, extended)


def _multipart(entity: Entity, extended: bool) -> SExp:
    """``(part)(part)... subtype [params disposition language location]``."""
    structure: list[SExp] = [
        build_body_structure(c, extended) for c in entity.children
    ]
    structure.append(entity.content_type.subtype)
    if extended:
        structure.append(_params(entity.content_type.params))
        structure.extend(_extension(entity))
    return structure


def _single(entity: Entity, extended: bool) -> SExp:
    """``type subtype params id description encoding size``, then the line
    count for text, or envelope, body and line count for message/rfc822,
    then ``md5 disposition language location`` for BODYSTRUCTURE."""
    structure = _basic_fields(entity)
    lines = count_lines(entity.data, entity.body_start, entity.body_end)
    if entity.message is not None:
        envelope = build_envelope(entity.message.fields)
        body = build_body_structure(entity.message, extended)
        structure += [envelope, body, lines]
    elif entity.content_type.is_type(b"text"):
        structure.append(lines)
    if extended:
        structure.append(entity.fields.value(b"content-md5"))
        structure.extend(_extension(entity))
    return structure


def _basic_fields(entity: Entity) -> list[SExp]:
    """``type subtype params id description encoding size``."""
    content_type, fields = entity.content_type, entity.fields
    return [
        content_type.maintype,
        content_type.subtype,
        _params(_type_params(content_type)),
        fields.value(b"content-id"),
        fields.value(b"content-description"),
        entity.transfer_encoding or DEFAULT_ENCODING,
        entity.body_end - entity.body_start,
    ]


def _type_params(content_type: ContentType) -> Params:
    """The parameters, with the default charset of text added (RFC 2045
    section 5.2)."""
    no_charset = content_type.param(b"charset") is None
    if no_charset and content_type.is_type(b"text"):
        return (*content_type.params, (b"charset", b"us-ascii"))
    return content_type.params


def _extension(entity: Entity) -> list[SExp]:
    """``disposition language location`` (RFC 3501 section 7.4.2; RFC 2183,
    RFC 3282, RFC 2557)."""
    fields = entity.fields
    return [
        _disposition(fields.value(b"content-disposition")),
        _language(fields.value(b"content-language")),
        fields.value(b"content-location"),
    ]


def _language(value: bytes | None) -> SExp:
    """The list of language tags (RFC 3282), or NIL."""
    tags: list[SExp] = [*parse_language_tags(value or b"")]
    return tags or None


def _disposition(value: bytes | None) -> SExp:
    """``(type params)`` of a Content-Disposition field (RFC 2183)."""
    if value is None:
        return None
    parsed = parse_parameterized(value)
    if not parsed.value:
        return None
    return [parsed.value, _params(parsed.params)]


def _params(params: Params) -> SExp:
    """``(name value ...)`` or NIL when there are none."""
    flat: list[SExp] = [item for pair in params for item in pair]
    return flat or None

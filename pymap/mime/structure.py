"""The BODY and BODYSTRUCTURE structures, RFC 3501 section 7.4.2."""

from .entity import ContentType, Entity
from .envelope import build_envelope
from .lines import count_lines
from .params import Params, parse_language_tags, parse_parameterized
from .sexp import SExp

__all__ = ["build_body_structures"]

#: RFC 2045 section 6.1: an absent Content-Transfer-Encoding means 7bit.
DEFAULT_ENCODING = b"7BIT"


def build_body_structures(entity: Entity) -> tuple[SExp, SExp]:
    """Describe *entity* as RFC 3501 section 7.4.2 BODY and BODYSTRUCTURE
    (which adds the extension data), in one walk of the tree."""
    if entity.is_multipart:
        return _multipart(entity)
    return _single(entity)


def _multipart(entity: Entity) -> tuple[SExp, SExp]:
    """``(part)(part)... subtype [params disposition language location]``."""
    parts = [build_body_structures(child) for child in entity.children]
    subtype = entity.content_type.subtype
    body: list[SExp] = [part for part, _ in parts]
    body.append(subtype)
    extended: list[SExp] = [part for _, part in parts]
    extended += [subtype, _params(entity.content_type.params)]
    extended.extend(_extension(entity))
    return body, extended


def _single(entity: Entity) -> tuple[SExp, SExp]:
    """``type subtype params id description encoding size``, then the line
    count for text, or envelope, body and line count for message/rfc822,
    then ``md5 disposition language location`` for BODYSTRUCTURE."""
    body = _basic_fields(entity)
    extended = list(body)
    lines = count_lines(entity.data, entity.body_start, entity.body_end)
    if entity.message is not None:
        envelope = build_envelope(entity.message.fields)
        inner, inner_extended = build_body_structures(entity.message)
        body += [envelope, inner, lines]
        extended += [envelope, inner_extended, lines]
    elif entity.content_type.is_type(b"text"):
        body.append(lines)
        extended.append(lines)
    extended.append(entity.fields.value(b"content-md5"))
    extended.extend(_extension(entity))
    return body, extended


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
    section 5.2) unless one is given, plain or RFC 2231-encoded
    (``charset*``)."""
    no_charset = content_type.param(b"charset") is None \
        and content_type.param(b"charset*") is None
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

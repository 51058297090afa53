"""Human-readable text for SEARCH: decoded header values and body text.

RFC 2047 (encoded words in header fields) and RFC 2045 / RFC 2046 section
4.1.2 (transfer encodings and charsets of text bodies); used for RFC 3501
section 6.4.4 SEARCH keys such as SUBJECT, FROM and BODY.
"""

import binascii
import codecs
import re

from .entity import Entity
from .transfer import decode_transfer, is_known_encoding

__all__ = ["decode_charset", "decode_header_value", "text_of"]

_WORD = rb"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?="
_ENCODED_WORD = re.compile(_WORD)
_SPACE_BETWEEN_WORDS = re.compile(rb"(\?=)[ \t]+(?=" + _WORD + rb")")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def decode_header_value(value: bytes) -> str:
    """Decode the RFC 2047 encoded words in an unfolded header value.

    White space between two adjacent encoded words is dropped (RFC 2047
    section 6.2); encoded words whose text does not decode are left as
    written.  Other octets are read as UTF-8, falling back to Latin-1
    (RFC 6532 allows UTF-8 header fields; Latin-1 maps every octet).
    """
    if b"=?" not in value:  # the common case: no encoded word at all
        return _decode_octets(value)
    joined = _SPACE_BETWEEN_WORDS.sub(rb"\1", value)
    pieces: list[str] = []
    pos = 0
    for word in _ENCODED_WORD.finditer(joined):
        pieces.append(_decode_octets(joined[pos : word.start()]))
        pieces.append(_decode_word(word))
        pos = word.end()
    pieces.append(_decode_octets(joined[pos:]))
    return "".join(pieces)


def decode_charset(data: bytes, charset: bytes | None) -> str:
    """Decode *data* in *charset* (RFC 2046 section 4.1.2), replacing
    undecodable octets.

    A missing, US-ASCII or unknown charset is read as UTF-8, a superset of
    US-ASCII that also covers unlabelled 8-bit text.
    """
    name = (charset or b"").decode("ascii", "replace").split("*")[0].strip()
    try:
        codec = codecs.lookup(name or "utf-8").name
        return data.decode("utf-8" if codec == "ascii" else codec, "replace")
    except (LookupError, ValueError):
        return data.decode("utf-8", "replace")


def text_of(entity: Entity) -> list[str]:
    """The decoded text of every text/* body in *entity*, including inside
    encapsulated messages: what RFC 3501 section 6.4.4 SEARCH BODY reads."""
    return [_text(inner) for inner in entity.walk() if _is_text_leaf(inner)]


def _is_text_leaf(entity: Entity) -> bool:
    if entity.is_multipart or entity.message is not None:
        return False
    return entity.content_type.is_type(b"text")


def _text(entity: Entity) -> str:
    """The body without transfer encoding (unless it is unknown), decoded
    from its charset."""
    body, encoding = entity.body, entity.transfer_encoding
    if is_known_encoding(encoding):
        body = decode_transfer(body, encoding)
    return decode_charset(body, entity.content_type.param(b"charset"))


def _decode_word(word: re.Match[bytes]) -> str:
    """Decode one encoded word (RFC 2047 section 4)."""
    charset, method, text = word.groups()
    try:
        if method.upper() == b"B":
            octets = binascii.a2b_base64(text + b"=" * (-len(text) % 4))
        else:
            octets = _decode_q(text)
    except binascii.Error:
        return _decode_octets(word.group())
    return decode_charset(octets, charset)


def _decode_q(text: bytes) -> bytes:
    """The "Q" encoding of RFC 2047 section 4.2."""
    underscores = text.replace(b"_", b" ")
    return _Q_ESCAPE.sub(
        lambda m: bytes.fromhex(m.group(1).decode()), underscores
    )


def _decode_octets(octets: bytes) -> str:
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError:
        return octets.decode("latin-1")

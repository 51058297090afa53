"""Removing a Content-Transfer-Encoding, RFC 2045 section 6."""

import binascii
import re
from collections.abc import Callable

__all__ = ["UnknownEncoding", "decode_transfer", "is_known_encoding"]

_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]+")
_TRAILING_SPACE = re.compile(rb"[ \t]+(?=\r\n|\Z)")
#: A run between paddings that can form an octet.
_RUN = re.compile(rb"[^=]{2,}")


class UnknownEncoding(Exception):
    """A body uses a Content-Transfer-Encoding this package cannot undo.

    RFC 3516 section 4.3: the server answers ``NO [UNKNOWN-CTE]``.
    """

    def __init__(self, encoding: bytes) -> None:
        super().__init__(f"unknown Content-Transfer-Encoding: {encoding!r}")
        self.encoding = encoding


def is_known_encoding(encoding: bytes | None) -> bool:
    """True when :func:`decode_transfer` can undo *encoding*, one of the
    mechanisms of RFC 2045 section 6.1."""
    return (encoding or b"7bit").lower() in _DECODERS


def decode_transfer(body: bytes, encoding: bytes | None) -> bytes:
    """Undo *encoding* (None meaning 7bit) on *body*, leniently.

    RFC 2045 sections 6.2 (identity encodings), 6.7 (quoted-printable) and
    6.8 (base64).

    Raises:
        UnknownEncoding: for any other encoding.
    """
    decoder = _DECODERS.get((encoding or b"7bit").lower())
    if decoder is None:
        raise UnknownEncoding(encoding or b"")
    return decoder(body)


def _identity(body: bytes) -> bytes:
    return body


def _decode_quoted_printable(body: bytes) -> bytes:
    """White space at the end of a line is deleted (RFC 2045 section 6.7,
    rule 3); malformed escapes are kept as they are (note 2)."""
    return binascii.a2b_qp(_TRAILING_SPACE.sub(b"", body))


def _decode_base64(body: bytes) -> bytes:
    """Characters outside the alphabet are ignored (RFC 2045 section 6.8).
    Each run ended by padding is decoded, so that concatenated encodings
    decode whole; a dangling character that cannot form an octet is
    dropped. Padding only at the end, the usual case, costs one decoder
    call, and runs of padding or of lone characters cost none."""
    data = _NOT_BASE64.sub(b"", body).rstrip(b"=")
    if b"=" not in data:
        return _decode_base64_run(data)
    return b"".join([_decode_base64_run(run) for run in _RUN.findall(data)])


def _decode_base64_run(data: bytes) -> bytes:
    usable = len(data) - (len(data) % 4 == 1)
    padding = b"=" * (-usable % 4)
    return binascii.a2b_base64(data[:usable] + padding)


_DECODERS: dict[bytes, Callable[[bytes], bytes]] = {
    b"7bit": _identity,
    b"8bit": _identity,
    b"binary": _identity,
    b"quoted-printable": _decode_quoted_printable,
    b"base64": _decode_base64,
}

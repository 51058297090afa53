"""Removing a Content-Transfer-Encoding, RFC 2045 section 6."""

import binascii
import re
from collections.abc import Callable, Iterator

__all__ = ["UnknownEncoding", "decode_transfer", "is_known_encoding"]

#: The octets outside the base64 alphabet and its padding.
_NOT_BASE64 = bytes(
    set(range(256))
    - set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
)
_TRAILING_SPACE = re.compile(rb"[ \t]+(?=\r\n|\Z)")
#: How much base64 with padding inside is split into runs at once.
_SLICE = 64 * 1024


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
    data = body.translate(None, _NOT_BASE64).rstrip(b"=")
    if b"=" not in data:
        return _decode_base64_run(data)
    decoded = bytearray()
    for run in _runs(data):
        if len(run) > 1:
            decoded += _decode_base64_run(run)
    return bytes(decoded)


def _runs(data: bytes) -> Iterator[bytes]:
    """The runs of *data* between paddings, split :data:`_SLICE` octets
    at a time. Megabytes of short runs split at once, or joined at once
    after decoding, held the interpreter (and the event loop of a server)
    for a tenth of a second each."""
    start = 0
    while start <= len(data):
        end = data.find(b"=", start + _SLICE)
        end = len(data) if end < 0 else end
        yield from data[start:end].split(b"=")
        start = end + 1


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

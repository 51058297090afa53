"""Modified UTF-7 for mailbox names (RFC 3501 §5.1.3)."""

from __future__ import annotations

import base64
import re

__all__ = ['decode_modutf7', 'encode_modutf7']

_SHIFTED = re.compile(rb'&([^-]*)-')


def _encode_run(run: str) -> bytes:
    utf16 = run.encode('utf-16-be')
    return b'&' + base64.b64encode(utf16, b'+,').rstrip(b'=') + b'-'


def encode_modutf7(name: str) -> bytes:
    """Encodes a mailbox name: printable ASCII stays, ``&`` becomes ``&-``
    and every other run of characters becomes ``&<modified base64>-``."""
    out = bytearray()
    run: list[str] = []
    for char in name:
        if 0x20 <= ord(char) <= 0x7e:
            if run:
                out += _encode_run(''.join(run))
                run.clear()
            out += b'&-' if char == '&' else char.encode('ascii')
        else:
            run.append(char)
    if run:
        out += _encode_run(''.join(run))
    return bytes(out)


def _decode_run(match: re.Match[bytes]) -> bytes:
    encoded = match.group(1)
    if not encoded:
        return b'&'
    if len(encoded) % 4 == 1:
        raise ValueError('Invalid modified UTF-7 run.')
    padded = encoded + b'=' * (-len(encoded) % 4)
    utf16 = base64.b64decode(padded, b'+,', validate=True)
    return utf16.decode('utf-16-be').encode('utf-8', 'surrogatepass')


def decode_modutf7(raw: bytes) -> str:
    """Decodes a mailbox name. Raises :exc:`ValueError` for bytes outside
    printable ASCII or a malformed shifted run."""
    if any(byte < 0x20 or byte > 0x7e for byte in raw):
        raise ValueError('Mailbox name must be 7-bit printable.')
    try:
        decoded = _SHIFTED.sub(_decode_run, raw)
        return decoded.decode('utf-8')
    except (ValueError, UnicodeError) as exc:
        raise ValueError('Invalid modified UTF-7 mailbox name.') from exc

"""Modified UTF-7 for mailbox names (RFC 3501 §5.1.3)."""

from __future__ import annotations

import base64
import re

__all__ = ['decode_modutf7', 'encode_modutf7']

_TOKEN = re.compile(rb'&([A-Za-z0-9+,]*)-|&|[^&]+')
_PRINTABLE = range(0x20, 0x7f)


def _encode_run(run: str) -> bytes:
    utf16 = run.encode('utf-16-be')
    return b'&' + base64.b64encode(utf16, b'+,').rstrip(b'=') + b'-'


def encode_modutf7(name: str) -> bytes:
    """Encodes a mailbox name: printable ASCII stays, ``&`` becomes ``&-``
    and every other run of characters becomes ``&<modified base64>-``."""
    out = bytearray()
    run: list[str] = []
    for char in name:
        if ord(char) in _PRINTABLE:
            if run:
                out += _encode_run(''.join(run))
                run.clear()
            out += b'&-' if char == '&' else char.encode('ascii')
        else:
            run.append(char)
    if run:
        out += _encode_run(''.join(run))
    return bytes(out)


def _decode_run(encoded: bytes) -> str:
    if len(encoded) % 4 == 1:
        raise ValueError('Invalid modified BASE64 length.')
    padded = encoded.replace(b',', b'/') + b'=' * (-len(encoded) % 4)
    utf16 = base64.b64decode(padded, validate=True)
    if len(utf16) % 2:
        raise ValueError('Incomplete UTF-16 in modified BASE64.')
    text = utf16.decode('utf-16-be')
    if base64.b64encode(utf16, b'+,').rstrip(b'=') != encoded:
        raise ValueError('Non-canonical modified BASE64.')
    if any(ord(char) in _PRINTABLE for char in text):
        raise ValueError('Printable ASCII must not be BASE64-encoded.')
    return text


def decode_modutf7(raw: bytes) -> str:
    """Decodes a mailbox name, strictly: only printable ASCII, ``&-`` for
    ``&``, canonical shifted runs of non-ASCII characters, and no two
    shifted runs in a row. Raises :exc:`ValueError` otherwise."""
    if b'&' not in raw and raw.isascii():  # the usual name: nothing shifted
        name = raw.decode('ascii')
        if name.isprintable():
            return name
    if any(byte not in _PRINTABLE for byte in raw):
        raise ValueError('Mailbox name must be 7-bit printable.')
    parts: list[str] = []
    previous_shifted = False
    try:
        for match in _TOKEN.finditer(raw):
            token, encoded = match.group(0), match.group(1)
            shifted = bool(encoded)
            if token == b'&' or (shifted and previous_shifted):
                raise ValueError('Invalid modified UTF-7 mailbox name.')
            parts.append(_decode_run(encoded) if shifted
                         else '&' if encoded is not None
                         else token.decode('ascii'))
            previous_shifted = shifted
    except (ValueError, UnicodeError) as exc:
        raise ValueError('Invalid modified UTF-7 mailbox name.') from exc
    return ''.join(parts)

"""Modified UTF-7 for mailbox names (RFC 3501 §5.1.3)."""

from __future__ import annotations

import pytest

from pymap.parsing.modutf7 import decode_modutf7, encode_modutf7

ROUND_TRIPS: list[tuple[str, bytes]] = [
    ('', b''),
    ('INBOX', b'INBOX'),
    ('Sent Items', b'Sent Items'),
    ('~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e',
     b'~peter/mail/&U,BTFw-/&ZeVnLIqe-'),
    ('\u65e5\u672c\u8a9e', b'&ZeVnLIqe-'),
    ('&', b'&-'),
    ('&&', b'&-&-'),
    ('R&D', b'R&-D'),
    ('&-', b'&--'),
    ('-&-', b'-&--'),
    ('Caf\u00e9', b'Caf&AOk-'),
    ('\u00e9\u00e9', b'&AOkA6Q-'),
    ('\u00e9t\u00e9', b'&AOk-t&AOk-'),
    ('\u00e9-', b'&AOk--'),
    ('\u00e9&', b'&AOk-&-'),
    ('\U0001f600', b'&2D3eAA-'),
    ('a\U0001f600b', b'a&2D3eAA-b'),
    ('\u00ff\U0001f600\u4e2d', b'&AP,YPd4ATi0-'),
    ('tab\there', b'tab&AAk-here'),
    ('del\x7f', b'del&AH8-'),
    ('\u0442\u0435\u0441\u0442', b'&BEIENQRBBEI-'),
    ('~!"#$%\'()*+,-./:;<=>?@[\\]^_`{|}',
     b'~!"#$%\'()*+,-./:;<=>?@[\\]^_`{|}'),
]


@pytest.mark.parametrize(('text', 'encoded'), ROUND_TRIPS,
                         ids=[repr(text) for text, _ in ROUND_TRIPS])
def test_round_trip(text: str, encoded: bytes) -> None:
    assert encode_modutf7(text) == encoded
    assert decode_modutf7(encoded) == text


def test_encoding_uses_comma_not_slash() -> None:
    encoded = encode_modutf7('\u00ff\U0001f600\u4e2d')
    assert b',' in encoded
    assert b'/' not in encoded
    assert b'=' not in encoded


def test_encoding_is_printable_ascii() -> None:
    encoded = encode_modutf7('\x00\x1f\x80\u2028\uffff\U0010ffff')
    assert all(0x20 <= byte <= 0x7e for byte in encoded)
    assert encoded.startswith(b'&') and encoded.endswith(b'-')


@pytest.mark.parametrize('raw', [
    b'&Jjo!-',          # "!" is not in the alphabet
    b'&A-',             # one character cannot hold a byte
    b'&AO-',            # one byte is half a UTF-16 unit
    b'&2D0-',           # lone high surrogate
    b'&3gA-',           # lone low surrogate
    b'&&-',             # "&" inside the shifted run
    b'caf\xc3\xa9',     # 8-bit
    b'tab\there',       # control character
    b'\x7f',
])
def test_decode_rejects(raw: bytes) -> None:
    with pytest.raises(ValueError, match=r'modified UTF-7|7-bit'):
        decode_modutf7(raw)


@pytest.mark.parametrize('raw', [b'a&b', b'foo&', b'&ZeVnLIqe'])
def test_decode_rejects_unterminated_shift(raw: bytes) -> None:
    with pytest.raises(ValueError):
        decode_modutf7(raw)


@pytest.mark.parametrize('raw', [b'&U/BTFw-', b'&AOk=-'])
def test_decode_rejects_characters_outside_alphabet(raw: bytes) -> None:
    with pytest.raises(ValueError):
        decode_modutf7(raw)


@pytest.mark.parametrize('raw', [b'&AGE-', b'&ACY-', b'&AOk-&AOk-'])
def test_decode_rejects_non_canonical(raw: bytes) -> None:
    with pytest.raises(ValueError):
        decode_modutf7(raw)

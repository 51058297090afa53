"""Transfer encodings (RFC 2045 section 6, RFC 3516) and decoded text for
SEARCH (RFC 2047, RFC 3501 section 6.4.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymap.mime import MessageContent, UnknownEncoding, transfer
from pymap.mime.text import decode_charset, decode_header_value
from pymap.mime.transfer import decode_transfer


def _single(encoding: bytes, body: bytes, charset: bytes = b"") -> bytes:
    return (
        b"Content-Type: text/plain"
        + (b"; charset=" + charset if charset else b"")
        + b"\r\nContent-Transfer-Encoding: "
        + encoding
        + b"\r\n\r\n"
        + body
    )


DECODING = [
    (b"7bit", b"as is=41\r\n", b"as is=41\r\n"),
    (None, b"none\r\n", b"none\r\n"),
    (b"8BIT", b"\xe4\r\n", b"\xe4\r\n"),
    (b"binary", b"\x00\x01", b"\x00\x01"),
    (b"base64", b"QUJD\r\nREVG\r\n", b"ABCDEF"),
    (b"Base64", b"QUJ", b"AB"),
    (b"base64", b"Q", b""),
    (b"base64", b"QU*J!D", b"ABC"),
    (b"base64", b"QUJD====REVG", b"ABCDEF"),
    (b"base64", b"QQ==\r\nQkM=\r\n=", b"ABC"),
    (b"base64", b"QQ=QUI=QUJD", b"AABABC"),
    (b"base64", b"A=B=C=QUJD", b"ABC"),
    (b"base64", b"=" * 100_000, b""),
    (b"quoted-printable", b"a=3Db=\r\nc \t\r\nd=", b"a=bc\r\nd"),
    (b"quoted-printable", b"x = \r\ny=zz", b"x y=zz"),
]


@pytest.mark.parametrize(("encoding", "body", "decoded"), DECODING)
def test_decode_transfer(
    encoding: bytes | None, body: bytes, decoded: bytes
) -> None:
    assert decode_transfer(body, encoding) == decoded


@pytest.mark.parametrize(
    ("encoding", "body", "decoded"),
    [(e, b, d) for e, b, d in DECODING if e is not None],
)
def test_binary_of_message(
    encoding: bytes, body: bytes, decoded: bytes
) -> None:
    content = MessageContent.parse(_single(encoding, body))
    assert content.binary((1,)) == decoded
    assert content.binary_size((1,)) == len(decoded)


@given(st.lists(st.sampled_from([b"QUJD", b"QQ", b"QUI", b"Q", b"=", b"==",
                                  b"\r\n", b"*"]), max_size=60).map(b"".join))
def test_base64_splits_the_same_a_slice_at_a_time(body: bytes) -> None:
    whole = decode_transfer(body, b"base64")
    saved = transfer._SLICE
    transfer._SLICE = 3
    try:
        assert decode_transfer(body, b"base64") == whole
    finally:
        transfer._SLICE = saved


def test_unknown_encoding_raises() -> None:
    content = MessageContent.parse(_single(b"x-uuencode (old)", b"begin\r\n"))
    with pytest.raises(UnknownEncoding) as raised:
        content.binary((1,))
    assert raised.value.encoding == b"x-uuencode"
    with pytest.raises(UnknownEncoding):
        content.binary_size((1,))
    assert content.section((1,), None) == b"begin\r\n"
    assert content.text_content() == "begin\r\n"


WORDS = [
    (b"plain text", "plain text"),
    (b"=?utf-8?q?a_b?= =?utf-8?b?Yw==?=", "a bc"),
    (b"=?ISO-8859-1?Q?caf=E9?= au lait", "café au lait"),
    (b"x =?utf-8*en?q?y?= z", "x y z"),
    (b"=?bogus-charset?q?abc?=", "abc"),
    (b"=?utf-8?b?Q?=", "=?utf-8?b?Q?="),
    (b"=?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
    (b"caf\xc3\xa9", "café"),
    (b"caf\xe9", "café"),
]


@pytest.mark.parametrize(("value", "text"), WORDS)
def test_decode_header_value(value: bytes, text: str) -> None:
    assert decode_header_value(value) == text


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        (b"\xe9", b"iso-8859-1", "é"),
        (b"\xc3\xa9", None, "é"),
        (b"\xc3\xa9", b"us-ascii", "é"),
        (b"\xff", b"utf-8", "\ufffd"),
        (b"abc", b"no-such-charset", "abc"),
        (b"abc", b"base64", "abc"),
        (b"a\xffb", b"idna", "a\ufffdb"),
    ],
)
def test_decode_charset(data: bytes, charset: bytes | None, text: str) -> None:
    assert decode_charset(data, charset) == text


def test_text_content_decodes_every_text_part() -> None:
    content = MessageContent.parse(
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n"
        b"--b\r\nContent-Type: application/octet-stream\r\n\r\nBINARY\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\n"
        b"Subject: inner\r\n\r\ninner text\r\n"
        b"--b--\r\n"
    )
    assert content.text_content() == "café\ninner text"

"""Line endings made canonical (RFC 5322 section 2.1, RFC 3501 2.3.4)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymap.mime.lines import to_crlf

#: Bytes made mostly of the ones line endings are built from.
_LINE_BYTES = st.binary().map(
    lambda raw: bytes(b"\r\nx"[byte % 3] for byte in raw))


@given(_LINE_BYTES)
def test_every_line_feed_ends_up_after_a_carriage_return(raw: bytes) -> None:
    data = to_crlf(raw)
    assert data.count(b"\n") == data.count(b"\r\n") == raw.count(b"\n")
    assert data.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


@pytest.mark.parametrize("raw, expected", [
    (b"", b""),
    (b"\n", b"\r\n"),
    (b"a\nb\r\n", b"a\r\nb\r\n"),
    (b"a\r\nb\n", b"a\r\nb\r\n"),
    (b"\r\n\n", b"\r\n\r\n"),
    (b"a\rb\n", b"a\rb\r\n"),
    (b"a\r\r\n", b"a\r\r\n"),
    (b"lone\r", b"lone\r"),
])
def test_bare_line_feeds_anywhere(raw: bytes, expected: bytes) -> None:
    assert to_crlf(raw) == expected


def test_canonical_bytes_come_back_uncopied() -> None:
    raw = b"Subject: x\r\n\r\n" + b"body\r\n" * 1000
    assert to_crlf(raw) is raw

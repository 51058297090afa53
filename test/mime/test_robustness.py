"""No input makes MessageContent fail, and no input makes it slow."""

import base64
import contextlib
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymap.mime import MessageContent, UnknownEncoding

from .test_corpus import leaves

CORPUS = [
    path.read_bytes()
    for path in sorted(Path(__file__).parent.glob("corpus/*.eml"))
]
SECTION_TEXTS = (
    None,
    "HEADER",
    "HEADER.FIELDS",
    "HEADER.FIELDS.NOT",
    "TEXT",
    "MIME",
)
PARTS = ((), (1,), (2,), (1, 1), (1, 2), (2, 1), (2, 2), (1, 1, 1), (3, 1, 2))

#: Pieces that tend to make message syntax interesting.
PIECES = [
    *(bytes([char]) for char in b'\r\n-b:;="\\()<>@, \t\x80\xff'),
    *(b"\r\n", b"--", b"*0*", b"=?utf-8?b?", b"=?x?q?=", b"?="),
    b"Content-Type: multipart/mixed; boundary=b\r\n",
    b"Content-Type: multipart/digest; boundary=b\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"From: G: a@b, <@r:c@d>;\r\n",
    b"\r\n--b\r\n",
    b"\r\n--b--\r\n",
]

messages = st.lists(st.sampled_from(PIECES), max_size=60).map(b"".join)


@st.composite
def mutated_corpus(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 20))
        data[at : at + cut] = draw(st.sampled_from(PIECES))
    return bytes(data)


def exercise(raw: bytes) -> None:
    """Use every part of the API; only binary() may raise, and only
    UnknownEncoding."""
    content = MessageContent.parse(raw)
    assert content.size >= len(raw)
    content.envelope()
    content.body_structure(False)
    structure = content.body_structure(True)
    assert isinstance(structure, list)
    for part, leaf in leaves(structure):
        assert leaf[6] == len(content.section(part, None) or b"")
    content.header_values("subject")
    content.text_content()
    content.date()
    assert content.header_bytes() == content.section((), "HEADER")
    for part in PARTS:
        for text in SECTION_TEXTS:
            content.section(part, text, (b"subject", b"from"))
        with contextlib.suppress(UnknownEncoding):
            content.binary_size(part)


@settings(database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    exercise(raw)


@settings(database=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_message_like_bytes(raw: bytes) -> None:
    exercise(raw)


@settings(database=None, max_examples=300)
@given(mutated_corpus())
def test_mutated_corpus(raw: bytes) -> None:
    exercise(raw)


def _timed(raw: bytes) -> float:
    start = time.perf_counter()
    exercise(raw)
    return time.perf_counter() - start


def test_large_message_with_attachments() -> None:
    payload = bytes(range(256)) * 8_000
    attachment = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    parts = [
        b"--b\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + attachment
        for _ in range(4)
    ]
    raw = (
        b"Subject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + b"".join(parts)
        + b"--b--\r\n"
    )
    assert len(raw) > 10_000_000
    assert _timed(raw) < 5.0
    assert MessageContent.parse(raw).binary((4,)) == payload


def test_bare_lf_large_message() -> None:
    raw = b"Subject: lf\n\n" + b"a line of text\n" * 700_000
    assert _timed(raw) < 5.0


def test_many_delimiter_lines() -> None:
    raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + (
        b"--b\r\n\r\nx\r\n" * 800_000
    )
    content = MessageContent.parse(raw)
    assert _timed(raw) < 10.0
    structure = content.body_structure(False)
    assert isinstance(structure, list)
    assert len(structure) == 10_001  # the parts and the subtype


def test_deep_nesting() -> None:
    depth = 5_000
    raw = b"".join(
        b"Content-Type: multipart/mixed; boundary=%d\r\n\r\n--%d\r\n" % (i, i)
        for i in range(depth)
    )
    assert _timed(raw) < 5.0
    nested = b"Content-Type: message/rfc822\r\n\r\n" * depth + b"body"
    assert _timed(nested) < 5.0

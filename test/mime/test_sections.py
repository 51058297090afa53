"""Section addressing: RFC 3501 section 6.4.5 and RFC 3516 BINARY."""

import pytest

from pymap.mime import MessageContent

SIMPLE = MessageContent.parse(
    b"Subject: simple\nX-Folded: one\n  two\nFrom: a@b\n\nbody line\n"
)

NESTED = MessageContent.parse(
    b"Subject: outer\r\n"
    b"Content-Type: multipart/mixed; boundary=o\r\n"
    b"\r\n"
    b"--o\r\n"
    b"Content-Type: text/plain\r\n"
    b"\r\n"
    b"first\r\n"
    b"--o\r\n"
    b"Content-Type: message/rfc822\r\n"
    b"\r\n"
    b"Subject: inner\r\n"
    b"\r\n"
    b"inner body\r\n"
    b"--o\r\n"
    b"Content-Type: multipart/alternative; boundary=i\r\n"
    b"\r\n"
    b"--i\r\n"
    b"\r\n"
    b"alt one\r\n"
    b"--i--\r\n"
    b"--o--\r\n"
)

SIMPLE_CASES = [
    (
        (),
        None,
        b"Subject: simple\r\nX-Folded: one\r\n  two\r\nFrom: a@b\r\n"
        b"\r\nbody line\r\n",
    ),
    (
        (),
        "HEADER",
        b"Subject: simple\r\nX-Folded: one\r\n  two\r\nFrom: a@b\r\n\r\n",
    ),
    (
        (),
        "header",
        b"Subject: simple\r\nX-Folded: one\r\n  two\r\nFrom: a@b\r\n\r\n",
    ),
    ((), "TEXT", b"body line\r\n"),
    ((1,), None, b"body line\r\n"),
    (
        (1,),
        "MIME",
        b"Subject: simple\r\nX-Folded: one\r\n  two\r\nFrom: a@b\r\n\r\n",
    ),
    ((1,), "HEADER", None),
    ((1,), "TEXT", None),
    ((), "MIME", None),
    ((2,), None, None),
    ((1, 1), None, None),
    ((0,), None, None),
]


@pytest.mark.parametrize(("part", "text", "expected"), SIMPLE_CASES)
def test_simple_message(
    part: tuple[int, ...], text: str | None, expected: bytes | None
) -> None:
    assert SIMPLE.section(part, text) == expected


NESTED_CASES = [
    ((1,), None, b"first"),
    ((1,), "MIME", b"Content-Type: text/plain\r\n\r\n"),
    ((1, 1), None, b"first"),
    ((1, 1, 1), None, None),
    ((2,), None, b"Subject: inner\r\n\r\ninner body"),
    ((2,), "HEADER", b"Subject: inner\r\n\r\n"),
    ((2,), "TEXT", b"inner body"),
    ((2,), "MIME", b"Content-Type: message/rfc822\r\n\r\n"),
    ((2, 1), None, b"inner body"),
    ((2, 1), "MIME", b"Subject: inner\r\n\r\n"),
    ((3, 1), None, b"alt one"),
    ((3, 1), "MIME", b"\r\n"),
    ((3, 2), None, None),
    ((4,), None, None),
]


@pytest.mark.parametrize(("part", "text", "expected"), NESTED_CASES)
def test_nested_message(
    part: tuple[int, ...], text: str | None, expected: bytes | None
) -> None:
    assert NESTED.section(part, text) == expected


def test_header_fields_keep_folding_and_order() -> None:
    fields = SIMPLE.section((), "HEADER.FIELDS", (b"from", b"x-folded"))
    assert fields == b"X-Folded: one\r\n  two\r\nFrom: a@b\r\n\r\n"


def test_header_fields_not() -> None:
    fields = SIMPLE.section((), "HEADER.FIELDS.NOT", (b"X-FOLDED",))
    assert fields == b"Subject: simple\r\nFrom: a@b\r\n\r\n"


def test_header_fields_of_encapsulated_message() -> None:
    assert NESTED.section((2,), "HEADER.FIELDS", (b"subject",)) == (
        b"Subject: inner\r\n\r\n"
    )
    assert NESTED.section((1,), "HEADER.FIELDS", (b"subject",)) is None


def test_header_fields_end_lines_without_crlf() -> None:
    content = MessageContent.parse(b"Subject: no blank line")
    assert content.section((), "HEADER.FIELDS", (b"subject",)) == (
        b"Subject: no blank line\r\n\r\n"
    )
    assert content.section((), "HEADER") == b"Subject: no blank line"
    assert content.section((), "TEXT") == b""


def test_unknown_section_text_is_an_error() -> None:
    with pytest.raises(ValueError, match="BOGUS"):
        SIMPLE.section((), "BOGUS")


def test_binary_of_parts() -> None:
    assert NESTED.binary(()) == NESTED.section((), None)
    assert NESTED.binary((2,)) == NESTED.section((2,), None)
    assert NESTED.binary((3,)) == NESTED.section((3,), None)
    assert NESTED.binary((9,)) is None
    assert NESTED.binary_size((9,)) is None
    assert NESTED.binary_size((1,)) == len(b"first")

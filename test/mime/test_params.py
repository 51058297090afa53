"""Parameterized MIME fields: RFC 2045 section 5.1, RFC 2231."""

import pytest

from pymap.mime.params import parse_language_tags, parse_parameterized

Params = tuple[tuple[bytes, bytes], ...]

CASES: list[tuple[bytes, bytes, Params]] = [
    (b"text/plain", b"text/plain", ()),
    (
        b"TEXT/PLAIN; CHARSET=US-ASCII",
        b"TEXT/PLAIN",
        ((b"CHARSET", b"US-ASCII"),),
    ),
    (
        b'text/html (comment); charset="utf-8" (another)',
        b"text/html",
        ((b"charset", b"utf-8"),),
    ),
    (
        b'a/b; x="semi;colon"; y=2',
        b"a/b",
        ((b"x", b"semi;colon"), (b"y", b"2")),
    ),
    (b'a/b; x="q\\"uote"', b"a/b", ((b"x", b'q"uote'),)),
    (b"a/b; x=", b"a/b", ((b"x", b""),)),
    (b"a/b; ; novalue; =orphan", b"a/b", ()),
    (
        b"multipart/mixed; boundary=----=_Part_1.2",
        b"multipart/mixed",
        ((b"boundary", b"----=_Part_1.2"),),
    ),
    (
        b"attachment; filename*0*=utf-8''%C3%A4; filename*1=b%c d.txt",
        b"attachment",
        ((b"filename*", b"utf-8''%C3%A4b%25c%20d.txt"),),
    ),
    (
        b"a/b; n*1=tail; n*0=head; other=1",
        b"a/b",
        ((b"n", b"headtail"), (b"other", b"1")),
    ),
    (b"a/b; n*=utf-8''%41", b"a/b", ((b"n*", b"utf-8''%41"),)),
    (b"a/b; n*99999999999=x", b"a/b", ((b"n*99999999999", b"x"),)),
    (b"", b"", ()),
]


@pytest.mark.parametrize(("field", "value", "params"), CASES)
def test_parse_parameterized(
    field: bytes, value: bytes, params: Params
) -> None:
    parsed = parse_parameterized(field)
    assert (parsed.value, parsed.params) == (value, params)


def test_param_lookup_is_case_insensitive() -> None:
    parsed = parse_parameterized(b"a/b; Boundary=x; boundary=y")
    assert parsed.param(b"BOUNDARY") == b"x"
    assert parsed.param(b"missing") is None


@pytest.mark.parametrize(
    ("field", "tags"),
    [
        (b"en", [b"en"]),
        (b"en-US, de (German)", [b"en-US", b"de"]),
        (b"", []),
    ],
)
def test_language_tags(field: bytes, tags: list[bytes]) -> None:
    assert parse_language_tags(field) == tags

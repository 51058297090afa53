"""Header fields (RFC 5322 section 2.2): a body part's long header
section, split only when all of its fields are asked for, answers every
lookup by name as the split section does."""

from hypothesis import example, given
from hypothesis import strategies as st

from pymap.mime.fields import DEFER_BYTES, HeaderFields

#: Pieces header sections are made of: names, colons, white space,
#: folding and line breaks, in any order.
PIECES = st.sampled_from(
    [
        b"Content-Type",
        b"content-TYPE",
        b"Subject",
        b"To",
        b"X-A b",
        b"X-A",
        b"X-A\r\n b",
        b":",
        b": value",
        b" ",
        b"\t",
        b"\r\n",
        b"\r\n ",
        b"\r\n\t",
        b"\r",
        b"\n",
        b"=?utf-8?q?x?=",
    ]
)
NAMES = [
    b"content-type",
    b"Content-Type",
    b"subject",
    b"to",
    b"x-a b",
    b"x-a",
    b"x-a  b",
    b"",
    b" to",
    b"to ",
    b"to:",
    b"a\r\nb",
    b"missing",
]


#: A first field that makes a section long.
PAD = b"X-Pad: " + b"p" * DEFER_BYTES + b"\r\n"


def _deferred(section: bytes) -> HeaderFields:
    """*section* parsed as a long body part header is: not split."""
    fields = HeaderFields.parse_part(PAD + section)
    assert fields._fields is None
    return fields


def _split(section: bytes) -> HeaderFields:
    return HeaderFields.parse(PAD + section)


def _seen(fields: HeaderFields, name: bytes) -> tuple[object, ...]:
    first = fields.first(name)
    return (
        [(f.name, f.lines, f.value) for f in fields.all(name)],
        None if first is None else (first.name, first.lines, first.value),
        fields.value(name),
    )


@given(st.lists(PIECES, max_size=40).map(b"".join))
@example(b"Subject: s\r\nX-A\r\n b: folded name\r\n")
@example(b"X-A\r\n\tb: v\r\nx-a b: w\r\n")
def test_lookups_without_splitting_match_the_split_section(
    section: bytes,
) -> None:
    deferred, split = _deferred(section), _split(section)
    for name in NAMES:
        assert _seen(deferred, name) == _seen(split, name), name
    assert deferred.fields == split.fields


def test_a_long_part_header_is_split_only_when_all_fields_are_asked() -> None:
    section = b"Content-Type: text/plain\r\nX-Pad: " + b"p" * DEFER_BYTES
    deferred = HeaderFields.parse_part(section + b"\r\n\r\nbody")
    assert deferred.value(b"content-type") == b"text/plain"
    assert deferred._fields is None
    assert [f.name for f in deferred.fields] == [b"Content-Type", b"X-Pad"]
    assert deferred.value(b"x-pad") == b"p" * DEFER_BYTES


def test_a_short_part_header_is_split_at_once() -> None:
    fields = HeaderFields.parse_part(b"Content-Type: text/plain\r\n\r\n")
    assert fields._fields is not None
    assert fields.value(b"CONTENT-TYPE") == b"text/plain"

"""Address lists as envelope structures (RFC 3501 section 7.4.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymap.mime import MessageContent
from pymap.mime.addresses import (
    ADDRESS_LEXER,
    _AddressParser,
    _simple_list,
    parse_address_list,
)
from pymap.mime.sexp import SExp

GROUP_END: SExp = [None, None, None, None]

CASES: list[tuple[bytes, list[SExp]]] = [
    (b"a@example.com", [[None, None, b"a", b"example.com"]]),
    (b"Name <a@b>", [[b"Name", None, b"a", b"b"]]),
    (b'"Doe, John" <"john doe"@x>', [[b"Doe, John", None, b"john doe", b"x"]]),
    (b'"Quoted \\"Name\\"" <q@x>', [[b'Quoted "Name"', None, b"q", b"x"]]),
    (b"John Q. Public <jqp@x>", [[b"John Q. Public", None, b"jqp", b"x"]]),
    (b"=?utf-8?q?x?= <a@b>", [[b"=?utf-8?q?x?=", None, b"a", b"b"]]),
    (b"jdoe@x (John Doe)", [[b"John Doe", None, b"jdoe", b"x"]]),
    (b"(c1) Name (c2) <a@b> (c3)", [[b"Name", None, b"a", b"b"]]),
    (b"<a@b> (Comment)", [[b"Comment", None, b"a", b"b"]]),
    (b'"" <a@b>', [[None, None, b"a", b"b"]]),
    (b"<@r1,@r2:u@h>", [[None, b"@r1,@r2", b"u", b"h"]]),
    (b"a.b.c@[192.0.2.1]", [[None, None, b"a.b.c", b"[192.0.2.1]"]]),
    (b"a . b @ c . d", [[None, None, b"a.b", b"c.d"]]),
    (b"root", [[None, None, b"root", b"MISSING_DOMAIN"]]),
    (b"@example.com", [[None, None, b"MISSING_MAILBOX", b"example.com"]]),
    (b"Name <>", [[b"Name", None, b"MISSING_MAILBOX", b"MISSING_DOMAIN"]]),
    (
        b"undisclosed-recipients:;",
        [[None, None, b"undisclosed-recipients", None], GROUP_END],
    ),
    (
        b"G: a@b, C <c@d>;, e@f",
        [
            [None, None, b"G", None],
            [None, None, b"a", b"b"],
            [b"C", None, b"c", b"d"],
            GROUP_END,
            [None, None, b"e", b"f"],
        ],
    ),
    (
        b"Open: a@b",
        [[None, None, b"Open", None], [None, None, b"a", b"b"], GROUP_END],
    ),
    (b":;", [[None, None, b"", None], GROUP_END]),
    (b"a@b, , c@d", [[None, None, b"a", b"b"], [None, None, b"c", b"d"]]),
    (b"a@b c@d", [[None, None, b"a", b"b"]]),
    (b"Name <a@b", [[b"Name", None, b"a", b"b"]]),
    (b"a@b>", [[None, None, b"a", b"b"]]),
    (b'"unterminated', [[None, None, b"unterminated", b"MISSING_DOMAIN"]]),
    (b"a@b (open comment", [[b"open comment", None, b"a", b"b"]]),
    (b"Andr\xe9 <a@b>", [[b"Andr\xe9", None, b"a", b"b"]]),
    (b"", []),
    (b",,;(only a comment)", []),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_parse_address_list(value: bytes, expected: list[SExp]) -> None:
    assert parse_address_list(value) == expected


def _full(value: bytes) -> tuple[object, ...]:
    """What the parser without the shortcut for simple lists makes."""
    return tuple(_AddressParser(ADDRESS_LEXER.tokenize(value)).address_list())


#: Pieces of address lists: the simple forms' parts, white space, and the
#: octets that make a list not simple.
_PIECES = st.sampled_from([
    b"a", b"Bob", b"x.y", b"b-c", b"1", b".", b"@", b"<", b">", b",",
    b" ", b"\r\n ", b"\t", b'"', b"(", b")", b"[", b"]", b":", b";", b"\\",
    b"\xe9", b"\x0b", b"=?utf-8?q?x?=", b"example.com", b"''",
])
_SIMPLE = st.builds(
    lambda name, local, domain: b"%s@%s" % (local, domain) if name is None
    else b"%s<%s@%s>" % (name, local, domain),
    st.sampled_from([None, b"", b" ", b"Bob ", b"Bob  Q. Smith", b" Al\r\n ",
                     b"A.B"]),
    st.sampled_from([b"a", b"a.b", b"a..b", b".a", b"x+tag"]),
    st.sampled_from([b"b", b"b.c", b"example.com"]),
)
_LISTS = st.one_of(
    st.lists(_PIECES, max_size=30).map(b"".join),
    st.lists(st.one_of(_SIMPLE, _PIECES), max_size=8).map(b", ".join),
)


@given(_LISTS)
def test_simple_lists_parse_as_the_full_parser_does(value: bytes) -> None:
    simple = _simple_list(value)
    assert simple is None or simple == _full(value), value


@pytest.mark.parametrize("value", [
    b"a@b", b"Bob <a.b@c.d>, x+y@example.com", b" A  B\r\n C <a@b> ,, c@d,",
    b"Q. Public <a..b@c>", b"Andr\xe9 <a@b>",
    b", ".join(b"user%d <u%d@example.com>" % (n, n) for n in range(5000)),
])
def test_common_lists_take_the_shortcut(value: bytes) -> None:
    simple = _simple_list(value)
    assert simple is not None and simple == _full(value)


@pytest.mark.parametrize("value", [
    b'"Doe, John" <j@x>', b"a@b (Name)", b"<@r:u@h>", b"G: a@b;",
    b"a@[192.0.2.1]", b"a@b.", b"a b@c", b"root", b"a@b c@d",
])
def test_other_lists_take_the_full_parser(value: bytes) -> None:
    assert _simple_list(value) is None


def _envelope(header: bytes) -> list[SExp]:
    envelope = MessageContent.parse(header + b"\r\n\r\nbody").envelope()
    assert isinstance(envelope, list)
    return envelope


def test_sender_and_reply_to_default_to_from() -> None:
    envelope = _envelope(b"From: a@b\r\nSender:\r\nSubject: s")
    assert (
        envelope[2] == envelope[3] == envelope[4] == [[None, None, b"a", b"b"]]
    )


def test_empty_address_field_is_nil() -> None:
    envelope = _envelope(b"From: a@b\r\nTo:\r\nCc: (nobody)")
    assert envelope[5] is None
    assert envelope[6] is None


def test_envelope_strings_are_unfolded_raw_values() -> None:
    envelope = _envelope(
        b"Subject: =?utf-8?q?x?=\r\n  folded \r\nMessage-ID:\r\n <id@x>"
    )
    assert envelope[1] == b"=?utf-8?q?x?=  folded"
    assert envelope[9] == b"<id@x>"

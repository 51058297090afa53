"""Memoized parsers of short header values give what parsing gives, and
callers cannot spoil what is remembered."""

from collections.abc import Callable

from pymap.mime import memo
from pymap.mime.addresses import parse_address_list
from pymap.mime.memo import memoize_short
from pymap.mime.params import parse_parameterized


def _counting() -> tuple[list[bytes], Callable[[bytes], bytes]]:
    calls: list[bytes] = []

    @memoize_short
    def parse(value: bytes) -> bytes:
        calls.append(value)
        return value.upper()

    return calls, parse


def test_short_values_are_parsed_once() -> None:
    calls, parse = _counting()
    assert [parse(b"a"), parse(b"b"), parse(b"a")] == [b"A", b"B", b"A"]
    assert calls == [b"a", b"b"]


def test_long_values_are_parsed_every_time() -> None:
    calls, parse = _counting()
    long = b"x" * (memo.MAX_LENGTH + 1)
    assert parse(long) == parse(long) == long.upper()
    assert calls == [long, long]


def test_address_lists_are_fresh_lists() -> None:
    value = b"Name <a@b>, c@d"
    first = parse_address_list(value)
    assert isinstance(first[0], list)
    first[0][0] = b"changed"
    first.append([None, None, None, None])
    assert parse_address_list(value) == [
        [b"Name", None, b"a", b"b"],
        [None, None, b"c", b"d"],
    ]


def test_parameterized_values_are_shared_and_equal() -> None:
    value = b'text/plain; charset="utf-8"'
    parsed = parse_parameterized(value)
    assert parse_parameterized(value) is parsed
    assert (parsed.value, parsed.params) == (
        b"text/plain",
        ((b"charset", b"utf-8"),),
    )

"""Line endings made canonical (RFC 5322 section 2.1, RFC 3501 2.3.4)."""

from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymap.mime import lines
from pymap.mime.lines import crlf_length, crlf_range, to_crlf

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


@pytest.mark.parametrize("slice_size", [1, 2, 3, 7, 1024 * 1024])
@given(raw=_LINE_BYTES)
def test_long_data_is_scanned_in_slices_to_the_same_answers(
        slice_size: int, raw: bytes) -> None:
    with patch.object(lines, "_SLICE", slice_size):
        bounds = list(lines._slices(raw))
        assert to_crlf(raw) == raw.replace(b"\r\n", b"\n").replace(
            b"\n", b"\r\n")
        assert crlf_length(raw) == len(to_crlf(raw))
    ends = [0] + [end for _, end in bounds]
    assert [start for start, _ in bounds] == ends[:-1]
    assert ends[-1] == len(raw)
    assert all(end - start <= 2 * slice_size + 1 for start, end in bounds)
    assert not any(raw[end - 1:end + 1] == b"\r\n" for _, end in bounds)


def test_a_slice_ends_after_a_line_feed_where_one_is_near() -> None:
    raw = b"ab\r\ncd\r\nef" * 3
    with patch.object(lines, "_SLICE", 5):
        bounds = list(lines._slices(raw))
    assert all(raw[end - 1:end] == b"\n" for _, end in bounds[:-1])
    assert bounds[-1][1] == len(raw)


@pytest.mark.parametrize("slice_size", [1, 3, 1024 * 1024])
@given(raw=_LINE_BYTES, bounds=st.tuples(st.integers(0, 40),
                                         st.integers(0, 40)))
def test_a_range_of_the_crlf_form_from_the_stored_octets_up_to_its_end(
        slice_size: int, raw: bytes, bounds: tuple[int, int]) -> None:
    start, end = min(bounds), max(bounds)
    expected = to_crlf(raw)[start:end]
    with patch.object(lines, "_SLICE", slice_size):
        assert crlf_range(raw, start, end) == expected
        assert crlf_range(raw[:end], start, end) == expected


@pytest.mark.parametrize("raw, start, end, expected", [
    (b"a\nb\nc\n", 2, 5, b"\nb\r"),
    (b"a\nb\nc\n", 3, 6, b"b\r\n"),
    # The stored octets end between a CR and its LF: the CR is the last
    # octet asked for.
    (b"ab\r", 0, 3, b"ab\r"),
    (b"a\n\r", 3, 4, b"\r"),
    (b"a\n", 3, 9, b""),
])
def test_ranges_cut_anywhere(raw: bytes, start: int, end: int,
                             expected: bytes) -> None:
    assert crlf_range(raw, start, end) == expected


def test_octets_before_the_range_are_not_converted() -> None:
    raw = b"line\n" * 9 + b"last\n"  # slices of two lines each
    with patch.object(lines, "_SLICE", 5), \
            patch.object(lines, "_canonical",
                         side_effect=lines._canonical) as canonical:
        assert crlf_range(raw, 54, 60) == b"last\r\n"
    assert [call.args for call in canonical.call_args_list] == [
        (b"line\nlast\n",)]

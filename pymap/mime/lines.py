"""Line-ending handling and header/body splitting on raw message bytes."""

import re
from collections.abc import Iterator

__all__ = ["CRLF", "body_offset", "count_lines", "crlf_length", "to_crlf"]

CRLF = b"\r\n"

#: A line feed without a carriage return before it.  The pattern starts
#: with the line feed so that the search skips from one line feed to the
#: next, in one pass over the bytes.
_BARE_LF = re.compile(rb"\n(?<!\r\n)")

#: Long data is scanned a slice of about this many octets at a time:
#: between two calls the interpreter may hand its turn to another thread,
#: so a worker scanning tens of megabytes never holds the event loop up
#: for long (one call over 25 MB holds it 7 to 25 ms).
_SLICE = 1024 * 1024


def to_crlf(raw: bytes) -> bytes:
    """Return *raw* with every bare LF turned into CRLF.

    RFC 3501 section 2.3.4 (RFC822.SIZE) and section 6.4.5 (FETCH) count
    and send messages in the canonical CRLF form of RFC 5322 section 2.1.
    A lone CR is left alone.  When *raw* is already canonical it is returned
    as is, without copying.
    """
    if not any(_has_bare_lf(raw, start, end) for start, end in _slices(raw)):
        return raw
    return b"".join(_canonical(raw[start:end]) for start, end in _slices(raw))


def crlf_length(raw: bytes) -> int:
    """Return ``len(to_crlf(raw))`` without making the copy: the RFC822.SIZE
    (RFC 3501 section 2.3.4) of a message stored as received."""
    bare = sum(raw.count(b"\n", start, end) - raw.count(CRLF, start, end)
               for start, end in _slices(raw)
               if _has_bare_lf(raw, start, end))
    return len(raw) + bare


def _slices(raw: bytes) -> Iterator[tuple[int, int]]:
    """Bounds of consecutive slices of *raw*, each about :data:`_SLICE`
    long, cut after a line feed where one is near (else where no line feed
    follows): no CRLF spans two slices."""
    start, size = 0, len(raw)
    while start < size:
        far = start + 2 * _SLICE
        feed = raw.find(b"\n", start + _SLICE, far + 1)
        end = min(far, size) if feed < 0 else feed + 1
        yield start, end
        start = end


def _has_bare_lf(raw: bytes, start: int, end: int) -> bool:
    return _BARE_LF.search(raw, start, end) is not None


def _canonical(raw: bytes) -> bytes:
    return raw.replace(CRLF, b"\n").replace(b"\n", CRLF)


def body_offset(data: bytes, start: int, end: int) -> int:
    """Return where the body of the entity in ``data[start:end]`` begins.

    RFC 5322 section 2.1: the header section ends with the first empty line,
    which belongs to the header section.  Without an empty line the whole
    region is header and the body is empty.
    """
    if data.startswith(CRLF, start, end):
        return start + len(CRLF)
    blank = data.find(CRLF + CRLF, start, end)
    if blank < 0:
        return end
    return blank + 2 * len(CRLF)


def count_lines(data: bytes, start: int, end: int) -> int:
    """Count the lines of ``data[start:end]`` as RFC 3501 section 7.4.2
    "body-fld-lines" does: the number of line breaks."""
    return data.count(b"\n", start, end)

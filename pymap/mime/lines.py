"""Line-ending handling and header/body splitting on raw message bytes."""

import re
from collections.abc import Iterator

__all__ = ["CRLF", "body_offset", "count_lines", "crlf_length", "crlf_range",
           "to_crlf"]

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
    return len(raw) + sum(_bare_lfs(raw, start, end)
                          for start, end in _slices(raw))


def crlf_range(stored: bytes, start: int, end: int) -> bytes:
    """Return ``to_crlf(message)[start:end]`` for a message whose stored
    octets begin with *stored*, without converting the octets before the
    slice that holds *start*.

    No octet becomes shorter in the CRLF form, so the first *end* stored
    octets (or all of them, when there are fewer) are enough: a FETCH of
    one body part (RFC 3501 section 6.4.5) of a message stored with bare
    LF endings reads the message only up to the part's end.
    """
    pieces: list[bytes] = []
    position = 0  # where the current slice begins in the CRLF form
    for low, high in _slices(stored):
        if position >= end:
            break
        bare = _bare_lfs(stored, low, high)
        length = high - low + bare
        if position + length > start:
            piece = stored[low:high]
            if bare:
                piece = _canonical(piece)
            pieces.append(piece[max(0, start - position):end - position])
        position += length
    return b"".join(pieces)


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


def _bare_lfs(raw: bytes, start: int, end: int) -> int:
    """How many line feeds of ``raw[start:end]`` lack a carriage return."""
    if raw.find(b"\r", start, end) < 0:  # as a delivery agent writes
        return raw.count(b"\n", start, end)
    if not _has_bare_lf(raw, start, end):
        return 0
    return raw.count(b"\n", start, end) - raw.count(CRLF, start, end)


def _canonical(raw: bytes) -> bytes:
    if b"\r" not in raw:
        return raw.replace(b"\n", CRLF)
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

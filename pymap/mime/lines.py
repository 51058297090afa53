"""Line-ending handling and header/body splitting on raw message bytes."""

import re

__all__ = ["CRLF", "body_offset", "count_lines", "to_crlf"]

CRLF = b"\r\n"

#: A line feed without a carriage return before it.  The pattern starts
#: with the line feed so that the search skips from one line feed to the
#: next, in one pass over the bytes.
_BARE_LF = re.compile(rb"\n(?<!\r\n)")


def to_crlf(raw: bytes) -> bytes:
    """Return *raw* with every bare LF turned into CRLF.

    RFC 3501 section 2.3.4 (RFC822.SIZE) and section 6.4.5 (FETCH) count
    and send messages in the canonical CRLF form of RFC 5322 section 2.1.
    A lone CR is left alone.  When *raw* is already canonical it is returned
    as is, without copying.
    """
    if _BARE_LF.search(raw) is None:
        return raw
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

"""Locating the body parts of a multipart body, RFC 2046 section 5.1.1.

A delimiter line is ``"--" boundary`` followed only by white space
(transport padding); the close delimiter adds ``"--"``.  The CRLF before a
delimiter line belongs to the delimiter, not to the part before it.
"""

from collections.abc import Iterator
from typing import NamedTuple

from .lines import CRLF

__all__ = ["find_parts"]


class _Delimiter(NamedTuple):
    start: int  #: where the delimiter line starts
    after: int  #: where the line after it starts
    closing: bool  #: whether it is the close delimiter


def find_parts(
    data: bytes, start: int, end: int, boundary: bytes, limit: int
) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the body parts of the multipart
    body ``data[start:end]`` (RFC 2046 section 5.1.1), at most *limit* of
    them.

    The preamble and epilogue are skipped.  When the close delimiter is
    missing, or the limit is reached, the last part runs to the end of the
    body.  Without any delimiter line (or boundary) the list is empty.
    """
    if not boundary:
        return []
    parts: list[tuple[int, int]] = []
    part_start: int | None = None
    for delimiter in _delimiters(data, start, end, b"--" + boundary):
        if part_start is not None:
            if len(parts) + 1 >= limit:
                break
            part_end = max(part_start, delimiter.start - len(CRLF))
            parts.append((part_start, part_end))
        if delimiter.closing:
            return parts
        part_start = delimiter.after
    if part_start is not None:
        parts.append((part_start, end))
    return parts


def _delimiters(
    data: bytes, start: int, end: int, dash_boundary: bytes
) -> Iterator[_Delimiter]:
    """The delimiter lines of ``data[start:end]``, in order."""
    at_start = data.startswith(dash_boundary, start, end)
    candidate = start if at_start else _next(data, start, end, dash_boundary)
    while candidate >= 0:
        line_end = data.find(CRLF, candidate, end)
        line_end = end if line_end < 0 else line_end
        rest = data[candidate + len(dash_boundary) : line_end]
        closing = rest.startswith(b"--")
        if closing or not rest.strip(b" \t"):
            after = min(line_end + len(CRLF), end)
            yield _Delimiter(candidate, after, closing)
        candidate = _next(data, candidate + 1, end, dash_boundary)


def _next(data: bytes, start: int, end: int, dash_boundary: bytes) -> int:
    """Offset of the next line starting with *dash_boundary*, or -1."""
    found = data.find(CRLF + dash_boundary, start, end)
    return found if found < 0 else found + len(CRLF)

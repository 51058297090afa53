"""The value type shared by every structure this package builds.

RFC 3501 section 4 data formats, restricted to what FETCH responses need:
``None`` is NIL, :class:`int` a number, :class:`bytes` a string (quoted or
literal, the caller decides) and :class:`list` a parenthesized list.
"""

from typing import TypeAlias

__all__ = ["SExp"]

SExp: TypeAlias = int | bytes | list["SExp"] | None

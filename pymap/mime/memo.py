"""Memoizing the parsers of short header field values.

The same structured values recur from message to message of a mailbox: a
Content-Type such as ``text/plain; charset="utf-8"``, a
Content-Transfer-Encoding, the addresses of regular correspondents and
of the mailbox owner.  Parsing them once serves every message that
repeats them, which keeps summarising messages (RFC 3501 section 7.4.2
ENVELOPE and BODYSTRUCTURE) cheap when they are appended.
"""

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

__all__ = ["MAX_ENTRIES", "MAX_LENGTH", "memoize_short"]

#: Longer values are parsed every time: they seldom recur, and the cache
#: stays small.
MAX_LENGTH = 256
#: Results kept per parser, the least recently used dropped first.
MAX_ENTRIES = 1024

_T = TypeVar("_T")


def memoize_short(parse: Callable[[bytes], _T]) -> Callable[[bytes], _T]:
    """*parse*, remembering its results for values of at most
    :data:`MAX_LENGTH` octets.  *parse* must depend on its argument only,
    and return immutable results (they are shared)."""
    cached = lru_cache(maxsize=MAX_ENTRIES)(parse)

    @wraps(parse)
    def parse_value(value: bytes) -> _T:
        if len(value) > MAX_LENGTH:
            return parse(value)
        return cached(value)

    return parse_value

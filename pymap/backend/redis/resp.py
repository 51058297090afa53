"""The Redis serialization protocol (RESP2) as the shared connection
(:mod:`.wire`) speaks it: commands packed as arrays of bulk strings by
hiredis (which also parses the replies), and error replies turned into
redis-py's exception classes, so that :mod:`.errors` reads them the same
way whichever client ran the command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import hiredis
from redis.exceptions import (
    AuthenticationError,
    BusyLoadingError,
    DataError,
    MasterDownError,
    NoPermissionError,
    NoScriptError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisError,
    ResponseError,
)

__all__ = ['error_reply', 'pack']

#: Error replies by their first word; every other error reply is a plain
#: :exc:`ResponseError`.
_ERRORS: dict[str, type[RedisError]] = {
    'NOSCRIPT': NoScriptError,
    'LOADING': BusyLoadingError,
    'READONLY': ReadOnlyError,
    'MASTERDOWN': MasterDownError,
    'OOM': OutOfMemoryError,
    'NOAUTH': AuthenticationError,
    'WRONGPASS': AuthenticationError,
    'NOPERM': NoPermissionError,
}

#: hiredis's type stub declares a tuple of one item; any length is packed.
_pack_command = cast(Callable[[tuple[object, ...]], bytes],
                     hiredis.pack_command)


def pack(args: Sequence[object]) -> bytes:
    """One command as a RESP array of bulk strings, packed by hiredis: text
    is sent as UTF-8 and numbers in decimal, as redis-py sends them.

    Raises:
        DataError: An argument is of another type (``None``, a bool), which
            redis-py refuses too.
    """
    try:
        return _pack_command(tuple(args))
    except TypeError as exc:
        raise DataError(f'cannot send to Redis: {exc}') from None


def error_reply(message: str) -> RedisError:
    """The exception for an error reply, whole message kept."""
    return _ERRORS.get(message.partition(' ')[0], ResponseError)(message)

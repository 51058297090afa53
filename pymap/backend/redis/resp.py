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

__all__ = ['SEPARATE_BYTES', 'error_reply', 'pack', 'pack_apart']

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

#: A bytes argument at least this long is written as it is, beside its
#: packed command rather than copied into it (see :func:`pack_apart`).
SEPARATE_BYTES = 64 * 1024

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


def pack_apart(args: Sequence[object]) -> list[bytes]:
    """:func:`pack` as pieces to be written one after another, each bytes
    argument of :data:`SEPARATE_BYTES` or more one of them as it is: hiredis
    copies a message into the packed command at about a gigabyte a second,
    which held the event loop 27 ms for one of 25 MB."""
    pieces = [b'*%d\r\n' % len(args)]
    start = 0
    for index, arg in enumerate(args):
        if isinstance(arg, bytes) and len(arg) >= SEPARATE_BYTES:
            if start < index:
                pieces.append(_bulk_strings(args[start:index]))
            pieces += (b'$%d\r\n' % len(arg), arg, b'\r\n')
            start = index + 1
    if start < len(args):
        pieces.append(_bulk_strings(args[start:]))
    return pieces


def _bulk_strings(args: Sequence[object]) -> bytes:
    """The bulk strings of :func:`pack`, without the array's header."""
    return pack(args).partition(b'\r\n')[2]


def error_reply(message: str) -> RedisError:
    """The exception for an error reply, whole message kept."""
    return _ERRORS.get(message.partition(' ')[0], ResponseError)(message)

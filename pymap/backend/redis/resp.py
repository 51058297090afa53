"""The Redis serialization protocol (RESP2) as the shared connection
(:mod:`.wire`) speaks it: commands packed as arrays of bulk strings, and
error replies turned into redis-py's exception classes, so that
:mod:`.errors` reads them the same way whichever client ran the command.
"""

from __future__ import annotations

from collections.abc import Sequence

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

#: Arguments shorter than this are formatted into one piece with their
#: framing; longer ones (message contents) are joined without that copy.
_COPY_LIMIT = 4096


def _encoded(arg: object) -> bytes:
    if isinstance(arg, str):
        return arg.encode('utf-8')
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, int) and not isinstance(arg, bool):
        return b'%d' % arg
    if isinstance(arg, float):
        return repr(arg).encode('ascii')
    if isinstance(arg, bytearray | memoryview):
        return bytes(arg)
    raise DataError(f'cannot send a {type(arg).__name__} to Redis')


def pack(args: Sequence[object]) -> bytes:
    """One command as a RESP array of bulk strings. Text is sent as UTF-8
    and numbers in decimal, as redis-py sends them.

    Raises:
        DataError: An argument is of another type (``None``, a bool).
    """
    parts = [b'*%d\r\n' % len(args)]
    for arg in args:
        data = _encoded(arg)
        if len(data) < _COPY_LIMIT:
            parts.append(b'$%d\r\n%s\r\n' % (len(data), data))
        else:
            parts += (b'$%d\r\n' % len(data), data, b'\r\n')
    return b''.join(parts)


def error_reply(message: str) -> RedisError:
    """The exception for an error reply, whole message kept."""
    return _ERRORS.get(message.partition(' ')[0], ResponseError)(message)

"""Redis failures translated at the backend's boundary: an unreachable,
restarting, loading or read-only Redis becomes
:exc:`~pymap.exceptions.TemporaryFailure` (``NO [UNAVAILABLE]``), so that a
session survives an outage and works again once Redis is back
(ARCHITECTURE.md §2, rule 3)."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, ParamSpec, TypeVar

from redis.exceptions import (
    ClusterError,
    ConnectionError,
    MasterDownError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisClusterException,
    ResponseError,
    TimeoutError,
    TryAgainError,
)

from pymap.exceptions import TemporaryFailure

__all__ = ['UNAVAILABLE', 'guarded', 'translated']

_P = ParamSpec('_P')
_T = TypeVar('_T')

_log = logging.getLogger(__name__)

#: Errors that mean "Redis cannot serve this right now". ConnectionError
#: covers refused and dropped connections and BusyLoadingError (LOADING);
#: the cluster errors cover nodes down, slots not covered and failovers.
UNAVAILABLE: tuple[type[Exception], ...] = (
    ConnectionError, TimeoutError, ClusterError, RedisClusterException,
    TryAgainError, MasterDownError, ReadOnlyError, OSError)

#: Server replies that are transient although they arrive as errors:
#: persistence failing (MISCONF), out of memory (OOM; redis-py's cluster
#: client strips the word and raises OutOfMemoryError), and a message
#: content that expired (or was evicted) before its APPEND ran
#: (STAGEDGONE, append.lua).
_TRANSIENT_REPLIES = ('MISCONF', 'OOM', 'STAGEDGONE')
_TRANSIENT_TYPES = (*UNAVAILABLE, OutOfMemoryError)


def _transient(exc: Exception) -> bool:
    if isinstance(exc, _TRANSIENT_TYPES):
        return True
    return isinstance(exc, ResponseError) \
        and str(exc).startswith(_TRANSIENT_REPLIES)


class _Translated(contextlib.AbstractContextManager[None]):
    """See :func:`translated`. A class rather than a generator: it wraps
    every Redis call of a session, and a generator-based context manager
    costs a generator per use. It keeps no state, so one serves every
    use."""

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if isinstance(exc, Exception) and _transient(exc):
            _log.warning('redis unavailable: %s', exc)
            raise TemporaryFailure() from exc


_TRANSLATED = _Translated()


def translated() -> contextlib.AbstractContextManager[None]:
    """Turns transient Redis errors raised inside into
    :exc:`TemporaryFailure`; anything else is a bug and passes through."""
    return _TRANSLATED


def guarded(fn: Callable[_P, Coroutine[Any, Any, _T]]
            ) -> Callable[_P, Coroutine[Any, Any, _T]]:
    """Decorates a coroutine function with :func:`translated`."""
    @functools.wraps(fn)
    async def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with _TRANSLATED:
            return await fn(*args, **kwargs)
    return wrapper


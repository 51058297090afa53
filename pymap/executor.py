"""The one way to run blocking work without stalling the event loop.

File I/O (the maildir backend), CPU-heavy parsing and password hashing go
through :func:`run_blocking`, which runs them on one shared, bounded
:class:`~concurrent.futures.ThreadPoolExecutor`, so that a client appending
or fetching a large message never delays the other connections
(ARCHITECTURE.md §2, rule 6).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ['MAX_WORKERS', 'run_blocking']

_P = ParamSpec('_P')
_T = TypeVar('_T')

#: How many threads the shared pool has. Enough to overlap disk waits,
#: few enough that a burst of clients cannot exhaust the process.
MAX_WORKERS = min(32, (os.cpu_count() or 1) + 4)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                MAX_WORKERS, thread_name_prefix='pymap-blocking')
        return _executor


async def run_blocking(fn: Callable[_P, _T], /, *args: _P.args,
                       **kwargs: _P.kwargs) -> _T:
    """Runs ``fn(*args, **kwargs)`` in the shared pool and returns its
    result (or raises its exception) in the calling coroutine.

    The call keeps running to completion if the awaiting task is
    cancelled, so *fn* must leave its data consistent on its own.
    """
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    call = functools.partial(context.run, fn, *args, **kwargs)
    return await loop.run_in_executor(_pool(), call)

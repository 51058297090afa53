"""Blocking disk work for the async layer, through the shared executor,
with operating-system errors (a full disk, a permission problem) turned
into ``NO [UNAVAILABLE]`` (:exc:`~pymap.exceptions.TemporaryFailure`)
instead of failing the connection. The details go to the log only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from pymap.exceptions import TemporaryFailure
from pymap.executor import run_to_end

__all__ = ['on_disk']

_P = ParamSpec('_P')
_T = TypeVar('_T')

_log = logging.getLogger(__name__)


async def on_disk(fn: Callable[_P, _T], /, *args: _P.args,
                  **kwargs: _P.kwargs) -> _T:
    """Runs ``fn(*args, **kwargs)`` in the executor; a cancelled caller
    waits for it to end (folder code runs under the mailbox's lock, which
    must not pass to another before then)."""
    try:
        return await run_to_end(fn, *args, **kwargs)
    except OSError as exc:
        _log.error('maildir: %s failed: %s', getattr(fn, '__name__', fn),
                   exc)
        raise TemporaryFailure() from exc

"""Blocking disk work for the async layer, through the shared executor,
with operating-system errors turned into refusals instead of failing the
connection: a full disk or an exceeded quota (``ENOSPC``, ``EDQUOT``) into
``NO [OVERQUOTA]`` (:exc:`~pymap.exceptions.OverQuota`, RFC 5530 §3, as
Dovecot answers them), any other (a permission problem, an I/O error) into
``NO [UNAVAILABLE]`` (:exc:`~pymap.exceptions.TemporaryFailure`). The
details go to the log only."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from pymap.exceptions import OverQuota, TemporaryFailure
from pymap.executor import run_to_end

__all__ = ['on_disk']

_P = ParamSpec('_P')
_T = TypeVar('_T')

#: The errors of a full disk or an exceeded quota.
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})

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
        raise _refusal(exc) from exc


def _refusal(exc: OSError) -> TemporaryFailure:
    """The refusal the client gets for *exc*."""
    return OverQuota() if exc.errno in _NO_SPACE else TemporaryFailure()

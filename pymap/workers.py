"""Several server processes sharing one listening port (``--workers``):
each worker binds the port itself with ``SO_REUSEPORT`` and the kernel
spreads new connections among them."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType

__all__ = ['run_workers']

_FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _child(serve: Callable[[int], None], index: int) -> None:
    for signum in _FORWARDED:
        signal.signal(signum, signal.SIG_DFL)
    code = 1
    try:
        serve(index)
        code = 0
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_workers(count: int, serve: Callable[[int], None]) -> int:
    """Forks *count* workers that each run *serve* with their index (0 to
    *count* - 1); the parent passes
    SIGTERM, SIGINT and SIGHUP on to them and returns 0 once all of them
    exited cleanly, 1 otherwise."""
    children: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    for signum in _FORWARDED:
        signal.signal(signum, forward)
    for index in range(count):
        pid = os.fork()
        if pid == 0:
            _child(serve, index)
        children.append(pid)
    failed = False
    for pid in children:
        _, status = os.waitpid(pid, 0)
        failed |= os.waitstatus_to_exitcode(status) != 0
    return 1 if failed else 0

"""Several server processes sharing one listening port (``--workers``):
each worker binds the port itself with ``SO_REUSEPORT`` and the kernel
spreads new connections among them."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType

__all__ = ['run_workers']

_FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
#: prctl(2) option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def _stop_with_parent(parent: int) -> None:
    """On Linux, asks for SIGTERM when the parent dies, so that a parent
    killed outright (SIGKILL) leaves no worker holding the port; a parent
    already gone by now is handled the same way."""
    if sys.platform.startswith('linux'):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


def _child(serve: Callable[[int], None], index: int, parent: int) -> None:
    for signum in _FORWARDED:
        signal.signal(signum, signal.SIG_DFL)
    _stop_with_parent(parent)
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
    parent = os.getpid()
    for index in range(count):
        pid = os.fork()
        if pid == 0:
            _child(serve, index, parent)
        children.append(pid)
    failed = False
    for pid in children:
        _, status = os.waitpid(pid, 0)
        failed |= os.waitstatus_to_exitcode(status) != 0
    return 1 if failed else 0

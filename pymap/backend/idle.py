"""Waiting for a mailbox change, as
:meth:`~pymap.interfaces.storage.Mailbox.wait_for_change` does once per
change for every session in IDLE (RFC 2177).

One change wakes every session in IDLE on the mailbox, and each of them
calls in here for its next wait: the module is compiled (see
``setup.py``), so that none of those calls runs an interpreter frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Awaitable

__all__ = ['ChangeSignal', 'wait_for_signal', 'wait_quietly']

#: Waiters a signal holds before it first drops those that stopped waiting.
_PRUNE_FLOOR = 64


class ChangeSignal:
    """The next change of one mailbox, set once and shared by all its
    waiters; a backend makes a new one for the change after.

    It does what a one-shot :class:`asyncio.Event` does for this use, at
    half the cost per waiter: :meth:`wait` hands out a future to await
    directly, where ``Event.wait`` adds a coroutine of its own, so a
    change that wakes ten thousand sessions in IDLE resumes ten thousand
    fewer frames, and makes ten thousand fewer for the waits after it.
    """

    def __init__(self) -> None:
        self._is_set = False
        self._waiters: list[asyncio.Future[None]] = []
        self._prune_at = _PRUNE_FLOOR

    def is_set(self) -> bool:
        """Whether the change came."""
        return self._is_set

    def wait(self) -> asyncio.Future[None]:
        """A future done once the change came (at once if it did).
        Cancelling it stops this wait only."""
        future = asyncio.get_running_loop().create_future()
        if self._is_set:
            future.set_result(None)
            return future
        waiters = self._waiters
        if len(waiters) >= self._prune_at:
            # IDLE started and ended again and again on a quiet mailbox:
            # the cancelled waits go, in time proportional to those kept.
            waiters[:] = [waiter for waiter in waiters if not waiter.done()]
            self._prune_at = max(_PRUNE_FLOOR, 2 * len(waiters))
        waiters.append(future)
        return future

    def set(self) -> None:
        """The change came: wakes every waiter, in the order they came."""
        if self._is_set:
            return
        self._is_set = True
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


def wait_quietly(waiting: Awaitable[object],
                 timeout: float) -> Awaitable[object]:
    """*waiting*, given up without an error after *timeout* seconds. For
    ``math.inf`` (IDLE: the connection enforces the autologout) it is
    *waiting* itself: no timer is armed, since with thousands of idle
    sessions a timer per wait would cost each of them a timer-heap push
    and pop on every change, and no coroutine is added around it.
    ``asyncio.timeout``, unlike ``wait_for`` on Python 3.11, never loses
    the cancellation that ends IDLE."""
    if math.isinf(timeout):
        return waiting
    return _within(waiting, timeout)


async def _within(waiting: Awaitable[object], timeout: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await waiting


def wait_for_signal(signal: ChangeSignal,
                    timeout: float) -> Awaitable[object]:
    """Done once *signal* is set, or after *timeout* seconds (see
    :func:`wait_quietly`)."""
    return wait_quietly(signal.wait(), timeout)

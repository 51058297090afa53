"""Waiting for a mailbox change, as
:meth:`~pymap.interfaces.storage.Mailbox.wait_for_change` does once per
change for every session in IDLE (RFC 2177)."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Awaitable

__all__ = ['wait_for_event', 'wait_quietly']


async def wait_quietly(waiting: Awaitable[object], timeout: float) -> None:
    """Awaits *waiting*, giving up without an error after *timeout*
    seconds. For ``math.inf`` (IDLE: the connection enforces the
    autologout) no timer is armed: with thousands of idle sessions, a timer
    per wait would cost each of them a timer-heap push and pop on every
    change. ``asyncio.timeout``, unlike ``wait_for`` on Python 3.11, never
    loses the cancellation that ends IDLE."""
    if math.isinf(timeout):
        await waiting
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await waiting


async def wait_for_event(event: asyncio.Event, timeout: float) -> None:
    """Returns once *event* is set, or after *timeout* seconds (see
    :func:`wait_quietly`)."""
    await wait_quietly(event.wait(), timeout)

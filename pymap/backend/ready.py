"""Answers a backend has at hand, handed to a session as awaitables.

:meth:`~pymap.interfaces.storage.Mailbox.snapshot` and
:meth:`~pymap.interfaces.storage.Mailbox.wait_for_change` return
awaitables. A backend whose answer needs no waiting returns it through
:func:`ready`: this module is compiled (see ``setup.py``), so awaiting it
costs no interpreter frame, where an ``async def`` of the backend's would
make and run one. One change wakes every session in IDLE on a mailbox, and
each takes a snapshot: with ten thousand of them, a frame each is a
tenth of the change's CPU.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ['ready']

_T = TypeVar('_T')


async def ready(value: _T) -> _T:
    """*value*, as an awaitable that is done once awaited."""
    return value

"""A session's wait for the next change of a redis mailbox (RFC 2177 IDLE,
:meth:`~pymap.interfaces.storage.Mailbox.wait_for_change`).

One change wakes every session in IDLE on the mailbox, and each resumes
this wait: the module is compiled (see ``setup.py``), so that none of
them resumes an interpreter frame on the way.
"""

from __future__ import annotations

import asyncio

from .context import StoreContext
from .errors import UNAVAILABLE

__all__ = ['until_moved']


async def until_moved(context: StoreContext, meta_key: str, namespace: str,
                      modseq: int, claimant: bool) -> None:
    """Returns once the MODSEQ of the mailbox under *namespace* moved from
    *modseq*, as the listener's push or, when the snapshot cache cannot
    vouch, the mailbox's meta key (*meta_key*) tells. While Redis is away
    it keeps waiting: the listener wakes every waiter when it
    resubscribes. A *claimant* session's wait lets claims of ``\\Recent``
    hold for it (:class:`~.claims.RecentClaims`)."""
    _stop_if_cancelled()
    claims = context.claims if claimant else None
    if claims is not None:
        claims.waits(namespace)
    notifier, cache = context.notifier, context.snapshots
    notifier.attend(namespace)
    try:
        while True:
            changed = notifier.watch(namespace)  # before reading
            fresh = cache.fresh(namespace)
            if fresh is not None:  # any later change will be announced
                moved = fresh.modseq != modseq
            else:
                moved = await _read_moved(context, meta_key, namespace,
                                          modseq)
                # Catches a cancellation (the end of IDLE) lost inside
                # the Redis client.
                _stop_if_cancelled()
            if moved:
                return
            await changed.wait()
    finally:
        notifier.leave(namespace)
        if claims is not None:
            claims.woke(namespace)


def _stop_if_cancelled() -> None:
    """Raises :exc:`asyncio.CancelledError` if the current task was asked
    to stop. On Python 3.11 a Redis command can complete although its task
    was cancelled meanwhile (``asyncio.wait_for`` inside the client returns
    the result and drops the cancellation), so a loop that waits between
    commands checks after each one."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError()


async def _read_moved(context: StoreContext, meta_key: str, namespace: str,
                      modseq: int) -> bool:
    try:
        current = await context.client.hget(meta_key, 'modseq')
    except UNAVAILABLE:
        return False
    if current is None:
        # Deleted (delete.lua drops the meta): the snapshot the waiter
        # takes next raises MailboxNotFound, so it must wake for it.
        return True
    # Ahead of its announcement, perhaps: the next snapshot reads.
    context.snapshots.learned(namespace, int(current))
    return int(current) != modseq

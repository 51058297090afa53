"""Removal of deleted mailboxes' messages in bounded steps
(doc/redis.md, "Deletion").

A deletion first takes the mailbox's state away atomically and puts its id
in the user's trash set; the messages are then released batch by batch,
each batch one script, so no single step blocks Redis for long however big
the mailbox. The user's base key is kept in a global "pending" set while
the trash may be non-empty; every process empties those at start-up, and a
user's own trash is also emptied at their next login. Each step is
idempotent, so an interrupted purge resumes where it stopped and always
completes.
"""

from __future__ import annotations

import logging

from .connection import as_text
from .context import StoreContext
from .errors import UNAVAILABLE
from .keys import UserKeys

__all__ = ['mark_pending', 'purge_pending', 'purge_user']

_log = logging.getLogger(__name__)

#: Messages released by one purge step.
PURGE_BATCH = 500


async def purge_user(context: StoreContext, user: UserKeys) -> None:
    """Empties *user*'s trash, then drops the pending mark."""
    keys = [user.trash, user.refs, user.mailboxes, user.uidvalidity]
    while await context.scripts.purge(context.client, keys,
                                      [user.base, PURGE_BATCH]):
        pass
    await context.client.srem(context.keys.purge, user.base)


async def mark_pending(context: StoreContext, user: UserKeys) -> None:
    """Records that *user*'s trash may be non-empty, before filling it."""
    await context.client.sadd(context.keys.purge, user.base)


async def purge_pending(context: StoreContext) -> None:
    """Finishes every purge a process left behind (run at start-up; a
    failure is logged and left for the next start or login)."""
    try:
        for base in await context.client.smembers(context.keys.purge):
            await purge_user(context, UserKeys(as_text(base)))
    except UNAVAILABLE as exc:
        _log.warning('pending purges postponed: %s', exc)

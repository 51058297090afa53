"""Tests of the redis backend against real redis-server processes."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

from pymap.backend.redis import RedisBackend, RedisSettings
from pymap.backend.redis.connection import ConnectionSettings
from pymap.backend.redis.records import LoginSettings
from pymap.interfaces.storage import Mailbox, MailboxSnapshot

__all__ = ['Pair', 'Trips', 'Truth', 'heard', 'inbox', 'inboxes',
           'open_backend', 'same_state']

#: Two backends on one prefix: two processes (the ``pair`` fixture).
Pair = tuple[RedisBackend, RedisBackend]
#: The scripts run, by name (the ``trips`` fixture).
Trips = Counter[str]
#: Reads the state of john's INBOX afresh (the ``truth`` fixture).
Truth = Callable[[], Awaitable[MailboxSnapshot]]

#: Seconds :func:`heard` waits at most, and between its publications.
_HEARD_TIMEOUT = 10.0
_REPUBLISH = 0.05


async def open_backend(url: str, prefix: str | None = None,
                       login: LoginSettings | None = None) -> RedisBackend:
    """A backend on *url* under *prefix* (a fresh one by default)."""
    return await RedisBackend.open(RedisSettings(
        ConnectionSettings.from_url(url),
        prefix if prefix is not None else f'unit-{uuid.uuid4().hex}/',
        login or LoginSettings()))


async def heard(backend: RedisBackend) -> None:
    """Returns once the change listener of *backend* has heard every
    announcement published before the call (pub/sub keeps their order), so
    that its snapshot cache knows of every change committed so far; waits
    for the listener to subscribe first if need be."""
    marker = f'{backend.keys.prefix}marker:{uuid.uuid4().hex}:'
    event = backend.context.notifier.watch(marker)
    async with asyncio.timeout(_HEARD_TIMEOUT):
        while not event.is_set():
            await backend.client.publish(backend.keys.channel,
                                         marker + ' 0')
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), _REPUBLISH)


async def inbox(backend: RedisBackend) -> Mailbox:
    """john's INBOX through *backend*."""
    return await (await backend.users.mailboxes('john')).get_mailbox(
        'INBOX')


async def inboxes(pair: Pair) -> tuple[Mailbox, Mailbox]:
    """john's INBOX through each backend of *pair*."""
    return await inbox(pair[0]), await inbox(pair[1])


def same_state(one: MailboxSnapshot, other: MailboxSnapshot) -> bool:
    """Whether two snapshots describe the same state."""
    return (one.uid_validity, one.next_uid, one.modseq, list(one.uids),
            dict(one.flags), one.recent_uid) == (
        other.uid_validity, other.next_uid, other.modseq, list(other.uids),
        dict(other.flags), other.recent_uid)

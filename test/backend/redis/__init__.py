"""Tests of the redis backend against real redis-server processes."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

import redis.asyncio

from pymap.backend.redis import RedisBackend, RedisSettings
from pymap.backend.redis.connection import ConnectionSettings
from pymap.backend.redis.records import LoginSettings
from pymap.interfaces.storage import Mailbox, MailboxSnapshot

__all__ = ['Pair', 'Trips', 'Truth', 'command_calls', 'heard', 'inbox',
           'inboxes', 'open_backend', 'overheard', 'same_state']

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


async def command_calls(backend: RedisBackend, name: str) -> int:
    """How many times Redis ran the command *name*, scripts' calls too."""
    stats = await backend.client.info('commandstats')
    return int(stats.get(f'cmdstat_{name}', {}).get('calls', 0))


async def overheard(url: str, channel: str,
                    change: Callable[[], Awaitable[object]]) -> bytes:
    """The first announcement an outside subscriber to *channel* hears
    once *change* ran."""
    observer = redis.asyncio.Redis.from_url(url)
    try:
        async with observer.pubsub() as pubsub:
            await pubsub.subscribe(channel)
            confirmed = await pubsub.get_message(timeout=5.0)
            assert confirmed is not None
            assert confirmed['type'] == 'subscribe'
            await change()
            heard = await pubsub.get_message(timeout=5.0)
    finally:
        await observer.aclose()
    assert heard is not None
    data: bytes = heard['data']
    return data


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

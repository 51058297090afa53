"""Who is told of a change (doc/redis.md, "Notifications"): a script
announces it on the channel unless the only listener is its caller's own,
whose process learns of the change from the script's answer."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from pymap.backend.redis import RedisBackend
from pymap.interfaces.storage import Mailbox

from ...redis_server import RedisServer
from ..changes import message
from . import Pair, command_calls, heard, inbox, open_backend, overheard

#: Seconds a waiter may take to be woken.
_WAKE_TIMEOUT = 2.0
_SEEN = frozenset([b'\\Seen'])


@pytest.fixture
async def alone(redis_server: RedisServer) -> AsyncIterator[RedisBackend]:
    """One backend, its listener subscribed, and a user ``john``."""
    backend = await open_backend(redis_server.url)
    await backend.client.set(backend.keys.prefix + 'john', 'pw')
    await heard(backend)
    yield backend
    await backend.close()


def waiting(mailbox: Mailbox, modseq: int) -> asyncio.Task[None]:
    return asyncio.ensure_future(mailbox.wait_for_change(modseq, 10.0))


async def change(mailbox: Mailbox) -> None:
    """An APPEND and a STORE."""
    await mailbox.append([message(1)])
    await mailbox.update_flags([1], _SEEN, 'add')


async def test_the_listener_subscribes_to_a_channel_of_its_own(
        alone: RedisBackend) -> None:
    channel, token = alone.context.notifier.route.rsplit(' ', 1)
    assert channel == alone.keys.channel
    int(token, 16)
    counts = await alone.client.pubsub_numsub(channel, f'{channel}:{token}')
    assert [count for _, count in counts] == [1, 1]


async def test_a_process_alone_announces_nothing_and_wakes_its_own(
        alone: RedisBackend) -> None:
    mailbox = await inbox(alone)
    modseq = (await mailbox.snapshot()).modseq
    waiter = waiting(mailbox, modseq)
    await asyncio.sleep(0)
    published = await command_calls(alone, 'publish')
    await change(mailbox)
    assert await command_calls(alone, 'publish') == published
    await asyncio.wait_for(waiter, _WAKE_TIMEOUT)
    snapshot = await mailbox.snapshot()
    assert snapshot.modseq == modseq + 2
    assert snapshot.uids == [1]


async def test_another_process_listening_is_told_of_every_change(
        pair: Pair) -> None:
    mine, theirs = await inbox(pair[0]), await inbox(pair[1])
    modseq = (await theirs.snapshot()).modseq
    waiter = waiting(theirs, modseq)
    await asyncio.sleep(0)
    published = await command_calls(pair[0], 'publish')
    await change(mine)
    assert await command_calls(pair[0], 'publish') == published + 2
    await asyncio.wait_for(waiter, _WAKE_TIMEOUT)
    await heard(pair[1])
    assert (await theirs.snapshot()).modseq == modseq + 2


async def test_a_prefix_with_spaces_keeps_one_channel(
        redis_server: RedisServer) -> None:
    """The key prefix, and so the channel, may hold spaces: the route is
    split at its last one."""
    prefix = f'unit test {uuid.uuid4().hex} /'
    first = await open_backend(redis_server.url, prefix)
    second: RedisBackend | None = None
    try:
        await first.client.set(prefix + 'john', 'pw')
        await heard(first)
        mine = await inbox(first)
        published = await command_calls(first, 'publish')
        await mine.append([message(1)])
        assert await command_calls(first, 'publish') == published
        second = await open_backend(redis_server.url, prefix)
        await heard(second)
        theirs = await inbox(second)
        modseq = (await theirs.snapshot()).modseq
        waiter = waiting(theirs, modseq)
        await asyncio.sleep(0)
        await mine.update_flags([1], _SEEN, 'add')
        await asyncio.wait_for(waiter, _WAKE_TIMEOUT)
    finally:
        await first.close()
        if second is not None:
            await second.close()


async def test_a_process_whose_listener_is_away_still_announces(
        pair: Pair) -> None:
    """The listener's own channel has no subscriber: the other process's
    listener may be the one on the channel."""
    await pair[0].context.notifier.close()
    mine, theirs = await inbox(pair[0]), await inbox(pair[1])
    modseq = (await theirs.snapshot()).modseq
    waiter = waiting(theirs, modseq)
    await asyncio.sleep(0)
    await change(mine)
    await asyncio.wait_for(waiter, _WAKE_TIMEOUT)


async def test_any_other_subscriber_hears_the_changes(
        redis_server: RedisServer, alone: RedisBackend) -> None:
    mailbox = await inbox(alone)
    heard_change = await overheard(redis_server.url, alone.keys.channel,
                                   lambda: mailbox.append([message(1)]))
    modseq = (await mailbox.snapshot()).modseq
    assert heard_change == f'{mailbox.namespace} {modseq}'.encode()

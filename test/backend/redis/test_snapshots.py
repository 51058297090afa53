"""Snapshots (pymap/backend/redis/snapshots.py, snapshot.lua): one round
trip; an unchanged mailbox answers "same", a changed one a delta from the
change log, and a session whose cached snapshot fell behind the trimmed
log resynchronizes with a full read. Also the pushed change notification
across processes (notify.py)."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from pymap.backend.redis import RedisBackend
from pymap.backend.redis.snapshots import SnapshotCache
from pymap.interfaces.storage import Mailbox, MailboxSnapshot

from ...redis_server import RedisServer
from ..changes import message, random_change
from . import open_backend

#: Entries snapshot.lua's change log keeps (_lib.lua LOG_LENGTH).
LOG_LENGTH = 1000



@pytest.fixture
async def pair(redis_server: RedisServer
               ) -> AsyncIterator[tuple[RedisBackend, RedisBackend]]:
    """Two backends (two processes' worth of caches and listeners) on
    one prefix."""
    first = await open_backend(redis_server.url)
    second = await open_backend(redis_server.url, first.keys.prefix)
    await first.client.set(first.keys.prefix + 'john', 'pw')
    yield first, second
    await first.close()
    await second.close()


async def inboxes(pair: tuple[RedisBackend, RedisBackend]
                  ) -> tuple[Mailbox, Mailbox]:
    first = await (await pair[0].users.mailboxes('john')).get_mailbox('INBOX')
    second = await (await pair[1].users.mailboxes('john')).get_mailbox(
        'INBOX')
    return first, second


Truth = Callable[[], Awaitable[MailboxSnapshot]]


@pytest.fixture
def truth(redis_server: RedisServer,
          pair: tuple[RedisBackend, RedisBackend]) -> Truth:
    """Reads INBOX through a new backend, with an empty cache."""
    async def read() -> MailboxSnapshot:
        backend = await open_backend(redis_server.url,
                                     pair[0].keys.prefix)
        try:
            mailboxes = await backend.users.mailboxes('john')
            return await (await mailboxes.get_mailbox('INBOX')).snapshot()
        finally:
            await backend.close()
    return read


def same_state(one: MailboxSnapshot, other: MailboxSnapshot) -> bool:
    return (one.uid_validity, one.next_uid, one.modseq, list(one.uids),
            dict(one.flags), one.recent_uid) == (
        other.uid_validity, other.next_uid, other.modseq, list(other.uids),
        dict(other.flags), other.recent_uid)


async def test_unchanged_mailbox_reuses_the_cached_state(
        pair: tuple[RedisBackend, RedisBackend]) -> None:
    inbox, _ = await inboxes(pair)
    await inbox.append([message(n) for n in range(50)])
    first = await inbox.snapshot()
    second = await inbox.snapshot()
    assert second.uids is first.uids and second.flags is first.flags


async def test_delta_matches_a_full_read(
        pair: tuple[RedisBackend, RedisBackend], truth: Truth) -> None:
    inbox, other = await inboxes(pair)
    await inbox.append([message(n) for n in range(20)])
    await inbox.snapshot()
    rng = random.Random(7)
    for _ in range(60):
        await random_change(other, rng)
        if rng.random() < 0.3:
            assert same_state(await inbox.snapshot(), await truth())
    assert same_state(await inbox.snapshot(), await truth())


async def test_behind_a_trimmed_log_resynchronizes(
        pair: tuple[RedisBackend, RedisBackend], truth: Truth) -> None:
    inbox, other = await inboxes(pair)
    await inbox.append([message(n) for n in range(5)])
    stale = await inbox.snapshot()
    for round_ in range(LOG_LENGTH + 10):
        await other.update_flags([1 + round_ % 5], frozenset([b'$%d'
                                                              % round_]),
                                 'replace')
    await other.expunge([3])
    current = await inbox.snapshot()
    assert current.modseq == stale.modseq + LOG_LENGTH + 11
    assert same_state(current, await truth())
    assert current.uids == [1, 2, 4, 5]


def test_cache_is_bounded() -> None:
    cache = SnapshotCache(max_messages=10)
    for number in range(5):
        cache.put(f'm{number}', MailboxSnapshot(
            1, 5, 0, [1, 2, 3, 4], {n: frozenset() for n in range(1, 5)},
            0))
    assert cache.get('m0') is None and cache.get('m4') is not None


async def test_change_is_pushed_to_the_other_process(
        pair: tuple[RedisBackend, RedisBackend]) -> None:
    inbox, other = await inboxes(pair)
    modseq = (await inbox.snapshot()).modseq
    await asyncio.sleep(0.1)  # both listeners subscribed
    waiter = asyncio.create_task(inbox.wait_for_change(modseq, 10.0))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await other.append([message(1)])
    await asyncio.wait_for(waiter, 2.0)  # pushed: far below the 10 s wait


async def test_wait_without_change_times_out(
        pair: tuple[RedisBackend, RedisBackend]) -> None:
    inbox, _ = await inboxes(pair)
    modseq = (await inbox.snapshot()).modseq
    start = time.monotonic()
    await inbox.wait_for_change(modseq, 0.2)
    assert 0.19 < time.monotonic() - start < 1.0
    await inbox.append([message(1)])
    start = time.monotonic()
    await inbox.wait_for_change(modseq, 5.0)
    assert time.monotonic() - start < 1.0

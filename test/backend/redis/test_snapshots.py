"""Snapshots (pymap/backend/redis/snapshots.py, snapshot.lua): one round
trip; an unchanged mailbox answers "same", a changed one a delta from the
change log, and a session whose cached snapshot fell behind the trimmed
log resynchronizes with a full read. Also the pushed change notification
across processes (notify.py). A process sees another's change once it has
heard its announcement (snapshotcache.py), so the cross-process checks
wait for that first."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from typing import Any

import pytest

from pymap.backend.redis.mailbox import RedisMailbox
from pymap.backend.redis.scripts import Script
from pymap.backend.redis.snapshotcache import SnapshotCache

from ..changes import message, random_change
from . import Pair, Truth, heard, inbox, inboxes, same_state

#: Entries snapshot.lua's change log keeps (_lib.lua LOG_LENGTH).
LOG_LENGTH = 1000


async def test_unchanged_mailbox_reuses_the_cached_state(
        pair: Pair) -> None:
    inbox, _ = await inboxes(pair)
    await inbox.append([message(n) for n in range(50)])
    first = await inbox.snapshot()
    second = await inbox.snapshot()
    assert second.uids is first.uids and second.flags is first.flags


async def test_delta_matches_a_full_read(
        pair: Pair, truth: Truth) -> None:
    inbox, other = await inboxes(pair)
    await inbox.append([message(n) for n in range(20)])
    await inbox.snapshot()
    rng = random.Random(7)
    for _ in range(60):
        await random_change(other, rng)
        if rng.random() < 0.3:
            await heard(pair[0])
            assert same_state(await inbox.snapshot(), await truth())
    await heard(pair[0])
    assert same_state(await inbox.snapshot(), await truth())


async def test_behind_a_trimmed_log_resynchronizes(
        pair: Pair, truth: Truth) -> None:
    inbox, other = await inboxes(pair)
    await inbox.append([message(n) for n in range(5)])
    stale = await inbox.snapshot()
    for round_ in range(LOG_LENGTH + 10):
        await other.update_flags([1 + round_ % 5], frozenset([b'$%d'
                                                              % round_]),
                                 'replace')
    await other.expunge([3])
    await heard(pair[0])
    current = await inbox.snapshot()
    assert current.modseq == stale.modseq + LOG_LENGTH + 11
    assert same_state(current, await truth())
    assert current.uids == [1, 2, 4, 5]


def test_cache_is_bounded() -> None:
    cache = SnapshotCache(max_messages=10)
    cache.subscribed()
    full = [[b'1', b'5', b'0', b'0'], b'full',
            [b'1', b'', b'2', b'', b'3', b'', b'4', b'']]
    for number in range(5):
        with cache.reading(f'm{number}') as reading:
            reading.done(full)
    assert cache.fresh('m0') is None and cache.fresh('m4') is not None
    with cache.reading('m0') as reading:
        assert reading.relative_to == [-1, -1]


async def test_change_is_pushed_to_the_other_process(
        pair: Pair) -> None:
    inbox, other = await inboxes(pair)
    modseq = (await inbox.snapshot()).modseq
    await asyncio.sleep(0.1)  # both listeners subscribed
    waiter = asyncio.ensure_future(inbox.wait_for_change(modseq, 10.0))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await other.append([message(1)])
    await asyncio.wait_for(waiter, 2.0)  # pushed: far below the 10 s wait


async def test_own_change_announced_first_costs_no_round_trip(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change of this process is announced (published inside its
    script) often before the script's answer is taken: its waiters are
    woken once the answer is cached, not by the announcement, which would
    have each of them read the MODSEQ from Redis."""
    first, _ = pair
    box = await inbox(first)
    modseq = (await box.snapshot()).modseq
    reads: list[str] = []
    client = box._context.client
    hget = client.hget

    async def counted(key: str, field: str) -> Any:
        reads.append(field)
        return await hget(key, field)
    run = Script.__call__

    async def answer_heard_late(self: Script, *args: Any) -> Any:
        reply = await run(self, *args)
        await heard(first)  # the announcement is in and handled
        return reply
    monkeypatch.setattr(client, 'hget', counted)
    monkeypatch.setattr(Script, '__call__', answer_heard_late)
    waiter = asyncio.ensure_future(box.wait_for_change(modseq, 10.0))
    await asyncio.sleep(0.05)
    await box.append([message(1)])
    await asyncio.wait_for(waiter, 2.0)
    assert reads == []


async def test_wait_without_change_times_out(
        pair: Pair) -> None:
    inbox, _ = await inboxes(pair)
    modseq = (await inbox.snapshot()).modseq
    start = time.monotonic()
    await inbox.wait_for_change(modseq, 0.2)
    assert 0.19 < time.monotonic() - start < 1.0
    await inbox.append([message(1)])
    start = time.monotonic()
    await inbox.wait_for_change(modseq, 5.0)
    assert time.monotonic() - start < 1.0


async def test_an_unlimited_wait_arms_no_timer(pair: Pair) -> None:
    inbox, other = await inboxes(pair)
    modseq = (await inbox.snapshot()).modseq
    loop = asyncio.get_running_loop()
    waiter = asyncio.ensure_future(inbox.wait_for_change(modseq, math.inf))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    scheduled = loop._scheduled  # type: ignore[attr-defined]
    assert not [timer for timer in scheduled
                if math.isinf(timer.when()) and not timer.cancelled()]
    await other.append([message(1)])
    await asyncio.wait_for(waiter, 2.0)


async def test_own_change_wakes_its_waiters_once(pair: Pair) -> None:
    inbox, _ = await inboxes(pair)
    assert isinstance(inbox, RedisMailbox)
    await heard(pair[0])  # subscribed
    notifier = pair[0].context.notifier

    def announce(what: str) -> None:  # as the listener hears it
        notifier._pushed([b'message', b'channel',
                          f'{inbox.namespace} {what}'.encode()])

    changed = notifier.watch(inbox.namespace)
    notifier.changed_here(inbox.namespace, 7)
    assert changed.is_set()  # at once, ahead of the announcement
    changed = notifier.watch(inbox.namespace)
    announce('6')  # an earlier change: the waiters saw what followed
    announce('7')  # the change's own announcement
    assert not changed.is_set()
    announce('8')  # anything later wakes them
    assert changed.is_set()


async def test_a_change_heard_while_no_one_waits_reaches_later_waiters(
        pair: Pair) -> None:
    """An announcement for a mailbox no one here waits on leaves only
    the cache's note: a waiter that comes later with the MODSEQ from
    before the change returns at once."""
    inbox, other = await inboxes(pair)
    modseq = (await inbox.snapshot()).modseq
    await other.append([message(1)])
    await heard(pair[0])
    assert inbox.namespace not in pair[0].context.notifier._signals
    await asyncio.wait_for(inbox.wait_for_change(modseq, 10.0), 2.0)


async def test_waiters_share_one_event_that_goes_with_the_last(
        pair: Pair) -> None:
    notifier = pair[0].context.notifier
    notifier.attend('some mailbox')
    notifier.attend('some mailbox')
    changed = notifier.watch('some mailbox')
    assert notifier.watch('some mailbox') is changed
    notifier.wake('some mailbox')
    assert changed.is_set()
    changed = notifier.watch('some mailbox')  # the next one
    assert not changed.is_set()
    notifier.leave('some mailbox')
    assert notifier.watch('some mailbox') is changed  # one still waits
    notifier.leave('some mailbox')
    assert 'some mailbox' not in notifier._signals  # nobody waits


async def test_a_wait_that_ends_leaves_no_signal_behind(pair: Pair) -> None:
    inbox, _ = await inboxes(pair)
    notifier = pair[0].context.notifier
    modseq = (await inbox.snapshot()).modseq
    waiting = asyncio.ensure_future(inbox.wait_for_change(modseq, math.inf))
    await asyncio.sleep(0)
    assert inbox.namespace in notifier._signals
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    assert inbox.namespace not in notifier._signals


async def test_own_changes_awaiting_announcement_are_bounded(
        pair: Pair) -> None:
    await heard(pair[0])  # subscribed
    notifier = pair[0].context.notifier
    held = [notifier.watch(f'mailbox {number}') for number in range(3000)]
    for number in range(3000):  # announcements that never come
        notifier.changed_here(f'mailbox {number}', 5)
    assert all(event.is_set() for event in held)
    assert 0 < len(notifier._woken) <= 1024

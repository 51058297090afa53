"""When a cached snapshot is used without a round trip
(pymap/backend/redis/snapshotcache.py): only while the listener stayed
subscribed and heard of nothing newer; a change script's reply updates the
cache at once."""

from __future__ import annotations

from typing import Any

import pytest

from pymap.backend.redis.mailbox import RedisMailbox
from pymap.backend.redis.snapshotcache import SnapshotCache
from pymap.exceptions import MailboxNotFound

from ..changes import message
from . import Pair, Trips, Truth, heard, inbox, inboxes, same_state


def full(modseq: int, recent: int = 0) -> list[Any]:
    """A full description of a mailbox holding UIDs 1 to 3."""
    return [[b'7', b'4', b'%d' % modseq, b'%d' % recent], b'full',
            [b'1', b'', b'2', b'', b'3', b'']]


def cached(cache: SnapshotCache, namespace: str, modseq: int,
           recent: int = 0) -> None:
    with cache.reading(namespace) as reading:
        reading.done(full(modseq, recent))


@pytest.fixture
def cache() -> SnapshotCache:
    cache = SnapshotCache()
    cache.subscribed()
    return cache


def test_nothing_is_trusted_before_the_listener_subscribed() -> None:
    cache = SnapshotCache()
    cached(cache, 'm', 5)
    cache.subscribed()
    assert cache.fresh('m') is None
    cached(cache, 'm', 5)
    assert cache.fresh('m') is not None


def test_losing_the_subscription_distrusts_every_snapshot(
        cache: SnapshotCache) -> None:
    cached(cache, 'm', 5)
    cache.unsubscribed()
    assert cache.fresh('m') is None
    cache.subscribed()
    assert cache.fresh('m') is None


def test_announcements_beyond_the_cached_modseq_distrust_it(
        cache: SnapshotCache) -> None:
    cached(cache, 'm', 5)
    assert cache.announced('m', '5')  # this process's own change
    assert cache.announced('other', '9')
    assert cache.fresh('m') is not None
    assert cache.announced('m', '6')
    assert cache.fresh('m') is None
    cached(cache, 'm', 6)
    assert cache.fresh('m') is not None


def test_announcement_heard_during_a_reading_counts(
        cache: SnapshotCache) -> None:
    with cache.reading('m') as reading:
        cache.announced('m', '6')  # committed after the script read 5
        reading.done(full(5))
    assert cache.fresh('m') is None


def test_callbacks_wait_for_the_readings_under_way(
        cache: SnapshotCache) -> None:
    called: list[str] = []
    assert not cache.after_readings('m', lambda: called.append('none'))
    with cache.reading('m'):
        with cache.reading('m'):
            assert cache.after_readings('m', lambda: called.append('m'))
        assert called == []
    assert called == ['m']
    with cache.reading('m'):
        pass
    assert called == ['m']


def test_an_older_reply_never_replaces_a_newer_snapshot(
        cache: SnapshotCache) -> None:
    with cache.reading('m') as slow:
        cached(cache, 'm', 6)
        slow.done(full(5))
    fresh = cache.fresh('m')
    assert fresh is not None and fresh.modseq == 6


def test_a_reply_with_an_older_recent_mark_is_not_trusted(
        cache: SnapshotCache) -> None:
    with cache.reading('m') as slow:
        cached(cache, 'm', 5, recent=3)
        slow.done(full(5, recent=0))  # read before the mark rose
    fresh = cache.fresh('m')
    assert fresh is None or fresh.recent_uid == 3


def test_recent_mark_claimed_elsewhere_distrusts(
        cache: SnapshotCache) -> None:
    cached(cache, 'm', 5)
    assert not cache.announced('m', 'recent:3')  # no waiter need wake
    assert cache.fresh('m') is None
    cached(cache, 'm', 5, recent=3)
    fresh = cache.fresh('m')
    assert fresh is not None and fresh.recent_uid == 3


def test_own_claim_updates_the_cached_mark(cache: SnapshotCache) -> None:
    cached(cache, 'm', 5, recent=1)
    cache.claimed('m', 3)
    assert cache.announced('m', '5') and not cache.announced(
        'm', 'recent:3')  # the claim's own announcement arrives later
    fresh = cache.fresh('m')
    assert fresh is not None and fresh.recent_uid == 3


def test_deleted_mailboxes_are_forgotten(cache: SnapshotCache) -> None:
    for namespace in ('u1:mbx:a:', 'u1:mbx:b:', 'u2:mbx:c:'):
        cached(cache, namespace, 5)
    assert cache.announced('u1:mbx:a:', 'deleted')
    assert cache.fresh('u1:mbx:a:') is None
    with cache.reading('u1:mbx:a:') as reading:
        assert reading.relative_to == [-1, -1]
    cache.gone('u1:')
    assert cache.fresh('u1:mbx:b:') is None
    assert cache.fresh('u2:mbx:c:') is not None


def test_malformed_announcements_change_nothing(
        cache: SnapshotCache) -> None:
    cached(cache, 'm', 5)
    for namespace, what in (('m', 'recent:x'), ('m', '\u00b2'),
                            ('', 'deleted'), ('m', 'other')):
        cache.announced(namespace, what)
    assert cache.fresh('m') is not None


def test_old_snapshots_are_not_trusted() -> None:
    cache = SnapshotCache(trust_seconds=-1.0)
    cache.subscribed()
    cached(cache, 'm', 5)
    assert cache.fresh('m') is None


# -- against Redis -------------------------------------------------------


async def test_unchanged_mailbox_costs_no_round_trip(
        pair: Pair, trips: Trips) -> None:
    mailbox = await inbox(pair[0])
    first = await mailbox.snapshot()
    assert trips['snapshot'] == 1
    assert await mailbox.snapshot() is first
    await heard(pair[0])
    assert await mailbox.snapshot() is first
    assert trips['snapshot'] == 1


async def test_change_by_another_process_is_read_once_heard(
        pair: Pair, trips: Trips) -> None:
    here, there = await inboxes(pair)
    await here.append([message(1)])
    await here.snapshot()
    await there.update_flags([1], frozenset([b'\\Seen']), 'add')
    await heard(pair[0])
    trips.clear()
    assert (await here.snapshot()).flags[1] == {b'\\Seen'}
    assert trips['snapshot'] == 1


async def test_resubscription_distrusts_the_cache(
        pair: Pair, trips: Trips) -> None:
    mailbox = await inbox(pair[0])
    await mailbox.snapshot()
    await pair[0].client.client_kill_filter(_type='pubsub')
    await heard(pair[0])  # subscribed again
    trips.clear()
    await mailbox.snapshot()
    assert trips['snapshot'] == 1


async def test_without_listener_every_snapshot_reads(
        pair: Pair, trips: Trips) -> None:
    mailbox = await inbox(pair[0])
    await pair[0].context.notifier.close()
    await mailbox.snapshot()
    await mailbox.snapshot()
    assert trips['snapshot'] == 2


async def test_change_replies_update_the_cache(
        pair: Pair, truth: Truth, trips: Trips) -> None:
    mailboxes = await pair[0].users.mailboxes('john')
    await mailboxes.create_mailbox('Other')
    mailbox = await mailboxes.get_mailbox('INBOX')
    other = await mailboxes.get_mailbox('Other')
    await mailbox.snapshot()
    await other.snapshot()
    trips.clear()
    await mailbox.append([message(n) for n in range(4)])
    await mailbox.update_flags([1, 2], frozenset([b'\\Deleted']), 'add')
    await mailbox.expunge([1])
    await mailbox.copy_to([3], other, move=False)
    await mailbox.copy_to([4], other, move=True)
    assert await mailbox.claim_recent(3) == 0
    current = await mailbox.snapshot()
    assert (await other.snapshot()).uids == [1, 2]
    assert trips['snapshot'] == 0
    assert same_state(current, await truth())


async def test_appends_to_an_uncached_mailbox_cache_nothing(
        pair: Pair, truth: Truth, trips: Trips) -> None:
    """An APPEND or a COPY into a mailbox that no session of the process
    has read is answered with the mailbox's counters alone: nothing is
    cached, so no snapshot is built for it, and the first read of the
    mailbox reads it whole."""
    mailboxes = await pair[0].users.mailboxes('john')
    await mailboxes.create_mailbox('Other')
    mailbox = await mailboxes.get_mailbox('INBOX')
    other = await mailboxes.get_mailbox('Other')
    assert isinstance(mailbox, RedisMailbox)
    assert isinstance(other, RedisMailbox)
    cache = pair[0].context.snapshots
    await mailbox.append([message(1), message(2)])
    assert await mailbox.append([message(3)]) == [3]
    assert cache.fresh(mailbox.namespace) is None
    trips.clear()
    current = await mailbox.snapshot()
    assert trips['snapshot'] == 1
    assert same_state(current, await truth())
    # The source of a COPY is described as before (a session has it
    # selected), its target only when cached.
    assert await mailbox.copy_to([1, 3], other, move=False) == [(1, 1),
                                                              (3, 2)]
    assert cache.fresh(other.namespace) is None
    assert (await other.snapshot()).uids == [1, 2]
    # Once cached, an APPEND brings the cached state up to date.
    trips.clear()
    assert await mailbox.append([message(4)]) == [4]
    assert (await mailbox.snapshot()).uids == [1, 2, 3, 4]
    assert trips == {'append': 1}


async def test_recent_claimed_by_another_process_is_read(
        pair: Pair, trips: Trips) -> None:
    here, there = await inboxes(pair)
    await here.append([message(1), message(2)])
    await here.snapshot()
    assert await there.claim_recent(2) == 0
    await heard(pair[0])
    trips.clear()
    assert (await here.snapshot()).recent_uid == 2
    assert await here.claim_recent(2) == 2
    assert trips == {'snapshot': 1}


async def test_deletion_is_seen_at_once_here_and_once_heard_elsewhere(
        pair: Pair) -> None:
    here = await pair[0].users.mailboxes('john')
    await here.create_mailbox('Gone')
    gone_here = await here.get_mailbox('Gone')
    gone_there = await (await pair[1].users.mailboxes('john')) \
        .get_mailbox('Gone')
    await gone_here.snapshot()
    await gone_there.snapshot()
    await here.delete_mailbox('Gone')
    with pytest.raises(MailboxNotFound):
        await gone_here.snapshot()
    await heard(pair[1])
    with pytest.raises(MailboxNotFound):
        await gone_there.snapshot()

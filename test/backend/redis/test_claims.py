"""One \\Recent claim per mailbox under way: sessions woken together by a
new message make one round trip between them, and only the session that
asks waits for it."""

from __future__ import annotations

import asyncio

import pytest

from pymap.backend.redis.claims import RecentClaims


class _Redis:
    """Stands in for claim_recent.lua: raises the mark once released."""

    def __init__(self, mark: int) -> None:
        self.mark = mark
        self.calls = 0
        self.release = asyncio.Event()

    def raiser(self, up_to_uid: int) -> object:
        async def raise_mark() -> int:
            self.calls += 1
            await self.release.wait()
            old, self.mark = self.mark, max(self.mark, up_to_uid)
            return old
        return raise_mark


async def test_sessions_claiming_together_ask_once() -> None:
    claims, redis = RecentClaims(), _Redis(mark=4)
    first = asyncio.create_task(claims.claim('m', 7, redis.raiser(7)))
    await asyncio.sleep(0)
    # The others answer before Redis did: nothing up to 7 is theirs.
    others = [claims.claim('m', 7, redis.raiser(7)) for _ in range(3)]
    assert await asyncio.gather(*others) == [7, 7, 7]
    assert not first.done()
    redis.release.set()
    assert await first == 4  # the messages above 4 are its \Recent ones
    assert redis.calls == 1


async def test_a_higher_claim_or_another_mailbox_asks_again() -> None:
    claims, redis, elsewhere = RecentClaims(), _Redis(mark=4), _Redis(mark=1)
    low = asyncio.create_task(claims.claim('m', 7, redis.raiser(7)))
    await asyncio.sleep(0)
    high = asyncio.create_task(claims.claim('m', 9, redis.raiser(9)))
    other = asyncio.create_task(claims.claim('n', 7, elsewhere.raiser(7)))
    await asyncio.sleep(0)
    redis.release.set()
    elsewhere.release.set()
    # Both reach Redis, in either order: the first finds 4, the second
    # the mark the first left.
    assert sorted(await asyncio.gather(low, high)) in ([4, 7], [4, 9])
    assert redis.mark == 9
    assert await other == 1
    assert (redis.calls, elsewhere.calls) == (2, 1)


async def test_the_first_session_asks_in_its_own_step() -> None:
    claims, redis = RecentClaims(), _Redis(mark=4)
    first = asyncio.create_task(claims.claim('m', 7, redis.raiser(7)))
    await asyncio.sleep(0)
    # Already on its way, ahead of any session woken with it.
    assert redis.calls == 1
    redis.release.set()
    assert await first == 4


async def test_a_claim_after_a_cancelled_one_asks_again() -> None:
    claims, redis = RecentClaims(), _Redis(mark=4)
    first = asyncio.create_task(claims.claim('m', 7, redis.raiser(7)))
    await asyncio.sleep(0)
    assert await claims.claim('m', 7, redis.raiser(7)) == 7
    first.cancel()
    await asyncio.sleep(0)
    assert first.cancelled()
    redis.release.set()
    # The first went before Redis answered: the next claim asks, and the
    # messages above 4 are its \Recent ones.
    assert await claims.claim('m', 7, redis.raiser(7)) == 4
    assert redis.mark == 7 and redis.calls == 2


async def test_a_failed_claim_fails_its_session_only_and_is_not_kept() -> None:
    claims = RecentClaims()
    started = asyncio.Event()

    async def failing() -> int:
        started.set()
        await asyncio.sleep(0)
        raise ConnectionError('Redis went away')

    first = asyncio.create_task(claims.claim('m', 7, failing))
    await started.wait()
    assert await claims.claim('m', 7, failing) == 7
    with pytest.raises(ConnectionError):
        await first
    redis = _Redis(mark=4)
    redis.release.set()
    assert await claims.claim('m', 7, redis.raiser(7)) == 4


def test_held_messages_go_to_the_first_claim_up_to_them() -> None:
    claims = RecentClaims()
    claims.hold('m', 4, 6)
    claims.hold('m', 6, 9)  # nobody claimed in between: one range
    assert claims.take_held('m', 7) == (4, 9)
    assert claims.take_held('m', 9) == (7, 9)  # the rest stays held
    assert claims.take_held('m', 9) is None


def test_held_messages_apart_from_newer_ones_are_given_up() -> None:
    claims = RecentClaims()
    claims.hold('m', 4, 6)
    claims.hold('m', 8, 9)  # another process claimed 7 and 8
    assert claims.take_held('m', 9) == (8, 9)


def test_only_read_write_waiters_are_counted() -> None:
    claims = RecentClaims()
    claims.waits('m')
    claims.waits('m')
    claims.woke('m')
    assert claims.awaited('m') and not claims.awaited('n')
    claims.woke('m')
    assert not claims.awaited('m')


def test_a_claim_below_the_held_messages_leaves_them() -> None:
    claims = RecentClaims()
    claims.hold('m', 4, 6)
    assert claims.take_held('m', 3) is None
    assert claims.take_held('m', 6) == (4, 6)


def test_held_messages_are_bounded() -> None:
    claims = RecentClaims()
    for number in range(2000):
        claims.hold(f'm{number}', 0, 1)
    assert claims.take_held('m1999', 1) == (0, 1)
    assert claims.take_held('m0', 1) is None  # forgotten

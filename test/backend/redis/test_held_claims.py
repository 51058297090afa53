"""An APPEND made while a read-write session of the same process waits on
the mailbox claims its messages' ``\\Recent`` for that process in the same
script (pymap/backend/redis/claims.py): the first session of the process
to claim takes them without a round trip, and no other session anywhere
sees them as recent."""

from __future__ import annotations

import asyncio
import math

from pymap.interfaces.storage import Mailbox

from ..changes import message
from . import Pair, Trips, heard, inbox, inboxes


async def _waiting(mailbox: Mailbox, claimant: bool) -> asyncio.Task[None]:
    """*mailbox* waiting for a change, as IDLE waits; a *claimant* claimed
    ``\\Recent`` before, as only read-write sessions do."""
    snapshot = await mailbox.snapshot()
    if claimant:
        assert await mailbox.claim_recent(snapshot.next_uid - 1) \
            == snapshot.recent_uid
    waiting = asyncio.create_task(
        mailbox.wait_for_change(snapshot.modseq, math.inf))
    await asyncio.sleep(0)
    return waiting


async def _held_by_waiter(pair: Pair) -> tuple[Mailbox, Mailbox]:
    """A read-write waiter of the first process, woken by that process's
    APPEND of UID 1; and the INBOX through the second process."""
    waiter, there = await inboxes(pair)
    appender = await inbox(pair[0])
    waiting = await _waiting(waiter, claimant=True)
    assert await appender.append([message(1)]) == [1]
    await waiting
    return waiter, there


async def test_the_waiting_session_takes_the_new_message_without_a_claim(
        pair: Pair, trips: Trips) -> None:
    waiter, there = await inboxes(pair)
    appender, other_here = await inbox(pair[0]), await inbox(pair[0])
    waiting = await _waiting(waiter, claimant=True)
    trips.clear()
    assert await appender.append([message(1)]) == [1]
    await waiting
    assert (await waiter.snapshot()).recent_uid == 0  # not claimed yet
    assert await waiter.claim_recent(1) == 0  # UID 1 is its \Recent one
    assert trips == {'append': 1}
    assert (await waiter.snapshot()).recent_uid == 1
    # Another session of the process, and one of another process, find
    # it claimed.
    assert await other_here.claim_recent(1) == 1
    await heard(pair[1])
    assert await there.claim_recent(1) == 1


async def test_a_read_only_waiter_leaves_the_message_to_claim(
        pair: Pair, trips: Trips) -> None:
    waiter, there = await inboxes(pair)
    waiting = await _waiting(waiter, claimant=False)
    await (await inbox(pair[0])).append([message(1)])
    await waiting
    await heard(pair[1])
    trips.clear()
    assert await there.claim_recent(1) == 0
    assert trips == {'claim_recent': 1}


async def test_held_messages_stay_unclaimed_across_a_read(
        pair: Pair, trips: Trips) -> None:
    waiter, there = await _held_by_waiter(pair)
    # Another process's change makes the next snapshot a read, which
    # finds the mark that the APPEND raised in Redis.
    await there.update_flags([1], frozenset([b'\\Seen']), 'add')
    await heard(pair[0])
    trips.clear()
    assert (await waiter.snapshot()).recent_uid == 0
    assert await waiter.claim_recent(1) == 0
    assert trips == {'snapshot': 1}


async def test_a_claim_beyond_the_held_messages_keeps_them(
        pair: Pair, trips: Trips) -> None:
    waiter, there = await _held_by_waiter(pair)
    # No session of the other process waits: its APPEND holds nothing.
    assert await there.append([message(2)]) == [2]
    assert (await there.snapshot()).recent_uid == 1  # raised for the hold
    await heard(pair[0])
    trips.clear()
    assert await waiter.claim_recent(2) == 0  # UIDs 1 and 2
    assert trips == {'claim_recent': 1}
    await heard(pair[1])
    assert await there.claim_recent(2) == 2

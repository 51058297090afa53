"""Waiting for a mailbox change: with a time limit, or (IDLE) without one
and without a timer."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.idle import wait_for_event
from pymap.interfaces.storage import NewMessage


async def test_a_limited_wait_ends_without_the_event() -> None:
    event = asyncio.Event()
    await asyncio.wait_for(wait_for_event(event, 0.01), 10)
    assert not event.is_set()


async def test_an_unlimited_wait_arms_no_timer() -> None:
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    timers = len(loop._scheduled)  # type: ignore[attr-defined]
    waiter = asyncio.create_task(wait_for_event(event, math.inf))
    await asyncio.sleep(0)
    assert len(loop._scheduled) == timers  # type: ignore[attr-defined]
    event.set()
    await asyncio.wait_for(waiter, 10)


async def test_dict_idle_wakes_on_append() -> None:
    inbox = DictMailbox('INBOX')
    modseq = (await inbox.snapshot()).modseq
    waiter = asyncio.create_task(inbox.wait_for_change(modseq, math.inf))
    await asyncio.sleep(0)
    assert not waiter.done()
    await inbox.append([NewMessage(b'Subject: hi\r\n\r\nhi\r\n',
                                   frozenset(), datetime.now(UTC))])
    await asyncio.wait_for(waiter, 10)
    assert (await inbox.snapshot()).modseq != modseq

"""Waiting for a mailbox change: with a time limit, or (IDLE) without one
and without a timer."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable
from datetime import UTC, datetime

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.idle import ChangeSignal, wait_for_signal
from pymap.interfaces.storage import NewMessage


async def _wait(waiting: Awaitable[object]) -> None:
    await waiting


async def test_a_limited_wait_ends_without_the_signal() -> None:
    signal = ChangeSignal()
    await asyncio.wait_for(_wait(wait_for_signal(signal, 0.01)), 10)
    assert not signal.is_set()


async def test_an_unlimited_wait_arms_no_timer() -> None:
    signal = ChangeSignal()
    loop = asyncio.get_running_loop()
    timers = len(loop._scheduled)  # type: ignore[attr-defined]
    waiter = asyncio.create_task(_wait(wait_for_signal(signal, math.inf)))
    await asyncio.sleep(0)
    assert len(loop._scheduled) == timers  # type: ignore[attr-defined]
    signal.set()
    await asyncio.wait_for(waiter, 10)


async def test_a_signal_wakes_every_waiter_in_order() -> None:
    signal = ChangeSignal()
    woken: list[int] = []

    async def waiter(number: int) -> None:
        await signal.wait()
        woken.append(number)

    tasks = [asyncio.create_task(waiter(number)) for number in range(5)]
    await asyncio.sleep(0)
    assert woken == []
    signal.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert woken == [0, 1, 2, 3, 4]


async def test_a_wait_after_the_change_is_done_at_once() -> None:
    signal = ChangeSignal()
    signal.set()
    signal.set()
    assert signal.is_set()
    assert signal.wait().done()


async def test_a_cancelled_wait_leaves_the_others_waiting() -> None:
    signal = ChangeSignal()
    first = asyncio.create_task(_wait(signal.wait()))
    second = asyncio.create_task(_wait(signal.wait()))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    assert not second.done()
    signal.set()
    await asyncio.wait_for(second, 10)
    assert first.cancelled()


async def test_waits_that_ended_on_a_quiet_mailbox_do_not_pile_up() -> None:
    signal = ChangeSignal()
    staying = signal.wait()
    for _ in range(10_000):  # IDLE, DONE, IDLE, DONE ...
        signal.wait().cancel()
    assert len(signal._waiters) < 200
    signal.set()
    assert staying.done()


async def test_dict_idle_wakes_on_append() -> None:
    inbox = DictMailbox('INBOX')
    modseq = (await inbox.snapshot()).modseq
    waiter = asyncio.ensure_future(inbox.wait_for_change(modseq, math.inf))
    await asyncio.sleep(0)
    assert not waiter.done()
    await inbox.append([NewMessage(b'Subject: hi\r\n\r\nhi\r\n',
                                   frozenset(), datetime.now(UTC))])
    await asyncio.wait_for(waiter, 10)
    assert (await inbox.snapshot()).modseq != modseq

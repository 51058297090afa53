"""One probe per folder for all the sessions waiting on it, a wake-up once
the mailbox lock is free, and a snapshot from memory right after it."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.folder import MaildirFolder
from pymap.backend.maildir.folderlock import FolderLock
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.backend.maildir.watch import FolderWatch
from pymap.interfaces.storage import NewMessage


async def _nothing() -> None:
    pass


async def test_one_probe_serves_every_waiter() -> None:
    probes = 0
    second = asyncio.Event()

    async def probe() -> None:
        nonlocal probes
        probes += 1
        if probes == 2:
            second.set()

    watch = FolderWatch(FolderLock(), probe, 0.01)
    waiters = [asyncio.create_task(watch.wait(math.inf)) for _ in range(100)]
    await asyncio.wait_for(second.wait(), 10)
    assert probes == 2
    watch.changed()
    await asyncio.wait_for(asyncio.gather(*waiters), 10)


async def test_waiters_wake_once_the_lock_is_free() -> None:
    lock = FolderLock()
    watch = FolderWatch(lock, _nothing, 60)
    waiter = asyncio.create_task(watch.wait(math.inf))
    await asyncio.sleep(0)
    async with lock:
        watch.changed()
        for _ in range(5):
            await asyncio.sleep(0)
        assert not waiter.done()
    await asyncio.wait_for(waiter, 10)
    assert watch.woke() is False  # the token belongs to the waiter's task


async def test_a_later_waiter_misses_an_earlier_change() -> None:
    lock = FolderLock()
    watch = FolderWatch(lock, _nothing, 60)
    async with lock:
        watch.changed()
        late = asyncio.create_task(watch.wait(math.inf))
        await asyncio.sleep(0)
    for _ in range(5):
        await asyncio.sleep(0)
    assert not late.done()
    late.cancel()
    with pytest.raises(asyncio.CancelledError):
        await late


async def test_unheld_waits_for_the_release() -> None:
    lock = FolderLock()
    await asyncio.wait_for(lock.unheld(), 10)
    async with lock:
        readers = [asyncio.create_task(lock.unheld()) for _ in range(3)]
        await asyncio.sleep(0)
        assert not any(reader.done() for reader in readers)
    await asyncio.wait_for(asyncio.gather(*readers), 10)


async def test_a_woken_session_snapshots_from_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path / 'mail'), ContentCache(), fsync=False)
    inbox = await mailboxes.get_mailbox('INBOX')
    modseq = (await inbox.snapshot()).modseq
    refreshes = 0
    refresh = MaildirFolder.refresh

    def counted(folder: MaildirFolder) -> None:
        nonlocal refreshes
        refreshes += 1
        refresh(folder)

    monkeypatch.setattr(MaildirFolder, 'refresh', counted)

    async def session() -> tuple[int, int]:
        await inbox.wait_for_change(modseq, math.inf)
        before = refreshes
        woken = await inbox.snapshot()
        assert refreshes == before
        await inbox.snapshot()
        return len(woken.uids), refreshes - before

    waiter = asyncio.create_task(session())
    await asyncio.sleep(0)
    await inbox.append([NewMessage(b'Subject: hi\r\n\r\nhi\r\n',
                                   frozenset(), datetime.now(UTC))])
    assert await asyncio.wait_for(waiter, 10) == (1, 1)

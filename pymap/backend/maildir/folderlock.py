"""The lock that a maildir mailbox holds while its folder code runs."""

from __future__ import annotations

import asyncio

__all__ = ['FolderLock']


class FolderLock(asyncio.Lock):
    """An :class:`asyncio.Lock` that can also be waited out.

    Folder code runs in the executor only while the lock is held. A task
    that just reads (or sets) the index in memory, without awaiting in
    between, may therefore wait until no one holds the lock instead of
    taking it: the thousands of sessions that one change wakes then go on
    together once the lock is released, rather than taking it one after
    another, a turn of the event loop each.
    """

    def __init__(self) -> None:
        super().__init__()
        self._released = asyncio.Event()

    def release(self) -> None:
        super().release()
        self._released.set()
        self._released = asyncio.Event()

    async def unheld(self) -> None:
        """Returns once no one holds the lock; the caller must not await
        before it is done with the index."""
        while self.locked():
            await self._released.wait()

"""Change notification for one maildir, shared by every session that waits
on it (IDLE, RFC 2177).

Changes made by this process wake the waiting sessions at once. Changes
made by other processes (a delivery into ``new/``, Dovecot) are found by
probing the maildir at a short interval while any session waits: one probe
per folder, however many sessions wait.

Either way the index is fresh when the sessions wake: the change was made
or found by folder code that read the disk first. The snapshot a woken
session takes next may therefore come from memory, which spares ten
thousand sessions on one folder ten thousand trips to the disk; whatever
changes after the wake is found by the next probe. The sessions wake once
the mailbox lock is free, so that they do not wake only to wait for the
rest of the command that made the change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from pymap.exceptions import MailboxNotFound, TemporaryFailure

from ..idle import ChangeSignal, wait_for_signal
from .folderlock import FolderLock

__all__ = ['FolderWatch']

#: The watch whose change woke the current task, until it takes its
#: snapshot.
_woken_by: ContextVar[FolderWatch | None] = ContextVar('_woken_by',
                                                       default=None)


class FolderWatch:
    """Wakes the sessions waiting on a maildir.

    Args:
        lock: The mailbox lock.
        refresh: Brings the index up to date (taking the mailbox lock),
            calling :meth:`changed` if the maildir changed.
        interval: Seconds between probes while any session waits.
    """

    def __init__(self, lock: FolderLock,
                 refresh: Callable[[], Awaitable[None]],
                 interval: float) -> None:
        self._lock = lock
        self._refresh = refresh
        self._interval = interval
        self._changed = ChangeSignal()
        self._waiting = 0
        self._poller: asyncio.Task[None] | None = None
        self._due: list[ChangeSignal] = []
        self._waking: asyncio.Task[None] | None = None
        self._failing = False

    def changed(self) -> None:
        """Wakes the sessions waiting now once the lock is free; call it
        with the index fresh."""
        if not self._waiting:  # no one holds the current signal
            return
        self._due.append(self._changed)
        self._changed = ChangeSignal()
        if self._waking is None:
            self._waking = asyncio.create_task(self._wake())

    async def _wake(self) -> None:
        await self._lock.unheld()
        self._waking = None
        due, self._due = self._due, []
        for changed in due:
            changed.set()

    async def wait(self, timeout: float) -> None:
        """Returns after the next :meth:`changed`, or after *timeout*
        seconds (never, for ``math.inf``). The maildir is probed while
        anyone waits."""
        self._waiting += 1
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll())
        changed = self._changed
        try:
            await wait_for_signal(changed, timeout)
        finally:
            self._waiting -= 1
            if not self._waiting and self._poller is not None:
                self._poller.cancel()
                self._poller = None
        if changed.is_set():
            _woken_by.set(self)

    def woke(self) -> bool:
        """Whether the current task has just been woken by a change and
        may take its next snapshot without reading the disk (asking
        counts as taking it)."""
        if _woken_by.get() is not self:
            return False
        _woken_by.set(None)
        return not self._failing

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._refresh()
            except (MailboxNotFound, TemporaryFailure):
                # Gone or unreadable: the sessions find out for themselves
                # by reading the disk.
                self._failing = True
                self.changed()
            else:
                self._failing = False

"""The :class:`~pymap.interfaces.storage.Mailbox` of the maildir backend.

Each method runs the blocking :class:`~.index.MaildirFolder` code through
:func:`pymap.executor.run_blocking` while holding the mailbox's lock, so the
event loop never waits on the disk and the methods are atomic with respect
to each other in this process; the uidlist dot-lock makes them atomic with
respect to other processes (other pymap servers, Dovecot).

Changes made here wake waiting sessions at once; changes made by other
processes (a delivery into ``new/``, Dovecot) are found by a cheap probe
every :data:`POLL_INTERVAL` seconds while a session waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import ParamSpec, TypeVar

from pymap.exceptions import MailboxNotFound, NotSupported
from pymap.interfaces.storage import (
    FlagSet,
    Mailbox,
    MailboxSnapshot,
    MessageMeta,
    NewMessage,
    StoredMessage,
    StoreMode,
)
from pymap.mime import MessageContent

from .cache import ContentCache
from .disk import on_disk
from .folder import MaildirFolder, Prepared
from .index import FileMoved

__all__ = ['POLL_INTERVAL', 'MaildirMailbox']

#: Seconds between probes for changes by other processes while waiting.
POLL_INTERVAL = 0.5
#: Messages whose sizes and dates are fetched per executor call.
_CHUNK = 1024

_P = ParamSpec('_P')
_T = TypeVar('_T')


class MaildirMailbox:
    """A mailbox stored in one maildir.

    Args:
        name: The mailbox name.
        folder: The maildir's index.
        cache: Parsed messages shared by the backend.
    """

    def __init__(self, name: str, folder: MaildirFolder,
                 cache: ContentCache) -> None:
        self._name = name
        self._folder = folder
        self._cache = cache
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._snapshot: MailboxSnapshot | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> Path:
        """The maildir."""
        return self._folder.path

    @property
    def lock(self) -> asyncio.Lock:
        """Held while the maildir is read or changed."""
        return self._lock

    def relocate(self, name: str, path: Path) -> None:
        """Follows a RENAME (call with :attr:`lock` held)."""
        self._name = name
        self._folder.path = path

    async def _run(self, fn: Callable[_P, _T], *args: _P.args,
                   **kwargs: _P.kwargs) -> _T:
        """Runs folder code under the lock, waking waiters on changes."""
        async with self._lock:
            modseq = self._folder.modseq
            try:
                return await on_disk(fn, *args, **kwargs)
            finally:
                if self._folder.modseq != modseq:
                    self._changed.set()
                    self._changed = asyncio.Event()

    async def snapshot(self) -> MailboxSnapshot:
        await self._run(self._folder.refresh)
        snapshot = self._snapshot
        folder = self._folder
        if snapshot is None or snapshot.modseq != folder.modseq:
            snapshot = await self._run(folder.snapshot)
        elif snapshot.recent_uid != folder.recent_uid:
            snapshot = replace(snapshot, recent_uid=folder.recent_uid or 0)
        self._snapshot = snapshot
        return snapshot

    async def append(self, messages: Sequence[NewMessage]) -> list[int]:
        prepared: list[Prepared] = []
        try:
            for message in messages:
                prepared.append(await on_disk(
                    self._folder.write_temp, message.data, message.flags,
                    message.internal_date))
            return await self._run(self._folder.commit, prepared)
        finally:
            await on_disk(_discard, prepared)

    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        if not isinstance(target, MaildirMailbox):
            raise NotSupported('Cannot copy between backends.')
        exported = await self._run(self._folder.export, uids,
                                   target._folder)
        if not exported:
            return []
        try:
            new_uids = await target._run(
                target._folder.commit, [item for _, item in exported])
        finally:
            await on_disk(_discard, [item for _, item in exported])
        pairs = [(uid, new_uid) for (uid, _), new_uid
                 in zip(exported, new_uids, strict=True)]
        if move:
            await self._run(self._folder.expunge,
                            [uid for uid, _ in pairs])
        return pairs

    async def load(self, uids: Sequence[int], content: bool
                   ) -> AsyncIterator[MessageMeta | StoredMessage]:
        for start in range(0, len(uids), _CHUNK):
            chunk = uids[start:start + _CHUNK]
            if content:
                for uid in chunk:
                    message = await self._load_content(uid)
                    if message is not None:
                        yield message
            else:
                for meta in await self._load_metas(chunk):
                    yield meta

    async def _load_metas(self, uids: Sequence[int]) -> list[MessageMeta]:
        metas = await on_disk(self._folder.metas, uids)
        if metas is None:
            await self._run(self._folder.refresh)
            metas = await on_disk(self._folder.metas, uids)
        return metas or []

    async def _load_content(self, uid: int) -> StoredMessage | None:
        folder = self._folder
        record = folder.records.get(uid)
        if record is None:
            return None
        key = (str(folder.path), record.base)
        content = self._cache.get(key)
        if content is not None and record.meta is not None:
            return StoredMessage(record.meta, content)
        try:
            loaded = await on_disk(_read, folder, uid)
        except FileMoved:
            await self._run(folder.refresh)
            try:
                loaded = await on_disk(_read, folder, uid)
            except FileMoved:
                return None
        if loaded is None:
            return None
        self._cache.put(key, loaded.content)
        return loaded

    async def update_flags(self, uids: Sequence[int], flags: FlagSet,
                           mode: StoreMode) -> dict[int, FlagSet]:
        return await self._run(self._folder.update_flags, uids, flags, mode)

    async def expunge(self, uids: Sequence[int]) -> list[int]:
        return await self._run(self._folder.expunge, uids)

    async def claim_recent(self, up_to_uid: int) -> int:
        async with self._lock:
            previous = self._folder.recent_uid or 0
            if up_to_uid > previous:
                self._folder.recent_uid = up_to_uid
            return previous

    async def wait_for_change(self, modseq: int, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._folder.modseq == modseq:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(),
                                       min(POLL_INTERVAL, remaining))
                return
            try:
                await self._run(self._folder.refresh)
            except MailboxNotFound:
                return


def _read(folder: MaildirFolder, uid: int) -> StoredMessage | None:
    """Reads and parses a message (blocking, CPU-heavy for big ones)."""
    loaded = folder.read(uid)
    if loaded is None:
        return None
    meta, data = loaded
    return StoredMessage(meta, MessageContent.parse(data))


def _discard(prepared: Sequence[Prepared]) -> None:
    """Removes temporary files that were not committed."""
    for item in prepared:
        item.temp.unlink(missing_ok=True)

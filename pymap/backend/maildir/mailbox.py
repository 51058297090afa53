"""The :class:`~pymap.interfaces.storage.Mailbox` of the maildir backend.

Each method runs the blocking :class:`~.index.MaildirFolder` code through
:func:`pymap.executor.run_to_end` while holding the mailbox's lock (a
cancelled method keeps it until that code ends), so the event loop never
waits on the disk and the methods are atomic with respect to each other in
this process; the uidlist dot-lock makes them atomic with
respect to other processes (other pymap servers, Dovecot).

A command costs one executor call where it can: the folder code of each
step refreshes the index from the disk before it acts, and the snapshot
that ends the command (:mod:`pymap.backend.command_end`) is then taken
from memory, without probing the disk again; the next command sees what
other processes changed meanwhile. Where the kernel reports changes
(:mod:`.changefeed`), a snapshot needs no probe at all while nothing was
reported since the last one began, and a message file the kernel holds in
memory is read on the event loop (:mod:`.nowait`): a FETCH of a body then
costs no executor call.

Changes made here wake waiting sessions at once; changes made by other
processes (a delivery into ``new/``, Dovecot) are found by a cheap probe
every :data:`POLL_INTERVAL` seconds while a session waits, one probe for
all the sessions waiting on the folder (:class:`~.watch.FolderWatch`).

A mailbox is bound to the folder it was opened on (its UIDVALIDITY, see
:mod:`.index`): once that folder is deleted, or replaced by another under
the same name, every method raises
:exc:`~pymap.exceptions.MailboxNotFound`, as the redis backend's do, and
never touches the messages of the new folder; waiting sessions wake, and
:meth:`~MaildirMailbox.wait_for_change` returns at once, so that an idle
session finds out from its next snapshot.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from pymap.exceptions import MailboxNotFound, NotSupported
from pymap.interfaces.storage import (
    AssignedUids,
    FlagSet,
    Mailbox,
    MailboxSnapshot,
    MessageMeta,
    NewMessage,
    StoredMessage,
    StoreMode,
)
from pymap.mime import MessageContent, MessageSummary

from ..command_end import at_command_end
from ..ready import ready
from .cache import CacheKey, ContentCache
from .disk import on_disk
from .filenames import base_sizes
from .folder import MaildirFolder, Prepared
from .folderlock import FolderLock
from .index import Record
from .nowait import read_cached
from .summaries import FolderSummaries
from .watch import FolderWatch

__all__ = ['LOCKED_WRITE_MAX', 'POLL_INTERVAL', 'MaildirMailbox']

#: Seconds between probes for changes by other processes while waiting.
POLL_INTERVAL = 0.5
#: Messages whose sizes and dates are fetched per executor call.
_CHUNK = 1024
#: Octets of new messages written under the lock, in the executor call
#: that commits them; larger appends write their files before taking it.
LOCKED_WRITE_MAX = 1 << 20

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
        self._summaries = FolderSummaries(folder, cache.summaries)
        self._lock = FolderLock()
        self._watch = FolderWatch(self._lock, self._refresh,
                                  POLL_INTERVAL)
        self._snapshot: MailboxSnapshot | None = None
        self._fresh_for: weakref.ref[asyncio.Task[Any]] | None = None
        self._changes = cache.changes

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

    @property
    def gone(self) -> bool:
        """Whether the folder this mailbox was bound to is gone: deleted,
        or replaced by another under the same name."""
        return self._folder.gone

    def _check(self) -> None:
        """Raises :exc:`MailboxNotFound` once the mailbox is :attr:`gone`."""
        if self._folder.gone:
            raise MailboxNotFound()

    def mark_gone(self) -> None:
        """The folder was deleted: every method raises
        :exc:`MailboxNotFound` from now on, and waiting sessions wake."""
        self._folder.gone = True
        self._watch.changed()

    async def still_there(self) -> bool:
        """Refreshes the index: whether the maildir is still the folder
        this mailbox is bound to (false once it is :attr:`gone`);
        :exc:`MailboxNotFound` when there is no maildir at all."""
        if self._folder.gone:
            return False
        try:
            await self._refresh()
        except MailboxNotFound:
            if self._folder.gone:
                return False
            raise
        return True

    def relocate(self, name: str, path: Path) -> None:
        """Follows a RENAME (call with :attr:`lock` held)."""
        self._name = name
        self._folder.path = path

    async def _run(self, fn: Callable[_P, _T], *args: _P.args,
                   **kwargs: _P.kwargs) -> _T:
        """Runs folder code under the lock, waking waiters on changes."""
        async with self._lock:
            return await self._call(fn, *args, **kwargs)

    async def _call(self, fn: Callable[_P, _T], *args: _P.args,
                    **kwargs: _P.kwargs) -> _T:
        """:meth:`_run` with the lock already held."""
        self._check()
        folder = self._folder
        modseq = folder.modseq
        if folder.feed is None or folder.feed.lost:
            # Before the folder code probes, so that its probe counts.
            folder.watch(self._changes.folder(folder.maildir))
        folder.vouched = self._quiet()
        try:
            result = await on_disk(fn, *args, **kwargs)
        finally:
            folder.vouched = False
            if folder.modseq != modseq or folder.gone:
                self._watch.changed()
        if folder.own_events != 0:
            self._changes.drain()
            folder.absorb_own_events()
        return result

    def vouched_present(self) -> bool:
        """Whether the kernel vouches that the maildir is still there: it
        watches the folder and reported no removal or move of it or of its
        ``cur/`` and ``new/`` (see :mod:`.changefeed`)."""
        feed = self._folder.feed
        if feed is None:
            return False
        self._changes.drain()
        return not feed.lost

    def _quiet(self) -> bool:
        """Whether the kernel vouches that no other process changed the
        folder since the last probe began, so that the index in memory is
        the folder as it is (see :mod:`.changefeed`)."""
        folder = self._folder
        feed, probed_at = folder.feed, folder.probed_at
        if feed is None or probed_at is None:
            return False
        self._changes.drain()
        return feed.count == probed_at and not feed.lost \
            and not folder.verify_due()

    async def _step(self, fn: Callable[_P, _T], *args: _P.args,
                    **kwargs: _P.kwargs) -> _T:
        """:meth:`_run` for folder code that refreshes the index first: if
        the next :meth:`snapshot` by the same task ends the command, it
        need not refresh again."""
        result = await self._run(fn, *args, **kwargs)
        task = asyncio.current_task()
        self._fresh_for = None if task is None else weakref.ref(task)
        return result

    def snapshot(self) -> Awaitable[MailboxSnapshot]:
        """From memory when it may be (see :meth:`_stale`) and no one
        holds the lock; else after reading the disk, or once the lock is
        free."""
        if self._stale():
            return self._refreshed()
        if self._lock.locked():
            return self._unheld_current()
        return ready(self._current())

    async def _refreshed(self) -> MailboxSnapshot:
        async with self._lock:
            await self._call(self._folder.refresh)
            return self._current()

    async def _unheld_current(self) -> MailboxSnapshot:
        await self._lock.unheld()
        return self._current()

    def _stale(self) -> bool:
        """Whether the snapshot must read the disk: not when this task's
        last step, ending its command, or the change that woke it from
        :meth:`wait_for_change` found the index fresh."""
        fresh_for, self._fresh_for = self._fresh_for, None
        if self._watch.woke():
            return False
        if at_command_end() and fresh_for is not None \
                and fresh_for() is asyncio.current_task():
            return False
        return not self._quiet()

    async def _refresh(self) -> None:
        if not self._quiet():
            await self._run(self._folder.refresh)

    def _current(self) -> MailboxSnapshot:
        """The folder's snapshot (in memory: under the lock, or with it
        waited out), reused while nothing changed."""
        self._check()
        snapshot = self._snapshot
        folder = self._folder
        if snapshot is None or snapshot.modseq != folder.modseq:
            snapshot = folder.snapshot()
        elif snapshot.recent_uid != folder.recent_uid:
            snapshot = replace(snapshot, recent_uid=folder.recent_uid or 0)
        self._snapshot = snapshot
        return snapshot

    async def append(self, messages: Sequence[NewMessage]
                     ) -> AssignedUids[int]:
        early = await self._write_early(messages)
        try:
            return await self._step(self._deliver, messages, early)
        except BaseException:
            if early:
                await on_disk(_discard, early)
            raise

    async def _write_early(self, messages: Sequence[NewMessage]
                           ) -> list[Prepared]:
        """The files of messages larger in all than :data:`LOCKED_WRITE_MAX`,
        written before the lock is taken, so that other commands on the
        mailbox do not wait for long writes; none for smaller ones, which
        :meth:`_deliver` writes."""
        if sum(len(message.data) for message in messages) \
                <= LOCKED_WRITE_MAX:
            return []
        self._check()
        return await on_disk(_write_all, self._folder, messages)

    def _deliver(self, messages: Sequence[NewMessage],
                 early: list[Prepared]) -> AssignedUids[int]:
        """Blocking, under the lock: writes the message files (unless
        written *early*) and commits them, in one executor call. Their
        summaries are made when first asked for (:mod:`.summaries`)."""
        prepared = early or _write_all(self._folder, messages)
        try:
            return self._folder.commit(prepared)
        except BaseException:
            _discard(prepared)
            raise

    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        if not isinstance(target, MaildirMailbox):
            raise NotSupported('Cannot copy between backends.')
        target._check()
        exported = await self._step(self._folder.export, uids,
                                    target._folder)
        if not exported:
            return []
        try:
            new_uids = await target._step(
                target._folder.commit, [item for _, item in exported])
        except BaseException:
            await on_disk(_discard, [item for _, item in exported])
            raise
        pairs = AssignedUids([(uid, new_uid) for (uid, _), new_uid
                              in zip(exported, new_uids, strict=True)],
                             new_uids.uid_validity)
        if move:
            await self._step(self._folder.expunge,
                             [uid for uid, _ in pairs])
        return pairs

    async def load(self, uids: Sequence[int], content: bool
                   ) -> AsyncIterator[MessageMeta | StoredMessage]:
        if not content:
            for start in range(0, len(uids), _CHUNK):
                for meta in await self._load_metas(
                        uids[start:start + _CHUNK]):
                    yield meta
            return
        for uid in uids:
            self._check()
            record = self._folder.records.get(uid)
            if record is None:
                continue
            message = self._in_memory(record) or await self._from_disk(
                uid, (self._folder.maildir, record.base))
            if message is not None:
                yield message

    def load_summaries(self, uids: Sequence[int]) -> AsyncIterator[
            tuple[MessageMeta, MessageSummary]]:
        """The :class:`~pymap.interfaces.storage.SummaryLoader`
        capability, from the summary cache (see :mod:`.summaries`)."""
        return self._summaries.load(uids, self._step)

    async def _load_metas(self, uids: Sequence[int]) -> list[MessageMeta]:
        return await self._step(self._folder.metas, uids)

    def _in_memory(self, record: Record) -> StoredMessage | None:
        """The message of *record* from the content cache, or read on the
        event loop when the kernel holds it (:mod:`.nowait`); ``None``
        when it must be read in the executor."""
        meta = record.meta
        if meta is None:
            return None
        key = (self._folder.maildir, record.base)
        content = self._cache.get(key)
        if content is None:
            data = _read_cached(self._folder, record)
            if data is None:
                return None
            content = MessageContent.parse_sized(data, meta.size)
            self._cache.put(key, content)
        return StoredMessage(meta, content)

    async def _from_disk(self, uid: int, key: CacheKey
                         ) -> StoredMessage | None:
        """The message read in the executor, with the index refreshed
        first, and cached under *key*; ``None`` once it is gone."""
        loaded = await self._step(_read, self._folder, uid)
        if loaded is not None:
            self._cache.put(key, loaded.content)
        return loaded

    async def load_range(self, uid: int, start: int, end: int
                         ) -> bytes | None:
        """The :class:`~pymap.interfaces.storage.RangeLoader` capability:
        the octets read from the message file where they lie."""
        return await self._step(self._folder.read_range, uid, start, end)

    async def update_flags(self, uids: Sequence[int], flags: FlagSet,
                           mode: StoreMode) -> dict[int, FlagSet]:
        return await self._step(self._folder.update_flags, uids, flags,
                                mode)

    async def expunge(self, uids: Sequence[int]) -> list[int]:
        return await self._step(self._folder.expunge, uids)

    async def claim_recent(self, up_to_uid: int) -> int:
        await self._lock.unheld()
        self._check()
        previous = self._folder.recent_uid or 0
        if up_to_uid > previous:
            self._folder.recent_uid = up_to_uid
        return previous

    def wait_for_change(self, modseq: int, timeout: float
                        ) -> Awaitable[object]:
        # A mailbox gone has changed for good: its next snapshot raises.
        if self._folder.modseq == modseq and not self._folder.gone:
            return self._watch.wait(timeout)
        return ready(None)


def _read(folder: MaildirFolder, uid: int) -> StoredMessage | None:
    """Refreshes the index, reads and parses a message (blocking,
    CPU-heavy for big ones)."""
    loaded = folder.read(uid)
    if loaded is None:
        return None
    meta, data = loaded
    return StoredMessage(meta, MessageContent.parse_sized(data, meta.size))


def _read_cached(folder: MaildirFolder, record: Record) -> bytes | None:
    """The message file of *record* when the kernel has its path and
    content in memory (:func:`.nowait.read_cached`) and it is small enough
    to make canonical on the event loop (:data:`.nowait.MAX_SIZE`); else
    ``None``."""
    size = base_sizes(record.base)[0]
    if size is None:
        return None
    return read_cached(folder.file_of(record), size)


def _write_all(folder: MaildirFolder, messages: Sequence[NewMessage]
               ) -> list[Prepared]:
    """Writes the messages to ``tmp/``, all or none."""
    prepared: list[Prepared] = []
    try:
        for message in messages:
            prepared.append(folder.write_temp(
                message.data, message.flags, message.internal_date))
    except BaseException:
        _discard(prepared)
        raise
    return prepared


def _discard(prepared: Sequence[Prepared]) -> None:
    """Removes temporary files that were not committed."""
    for item in prepared:
        item.temp.unlink(missing_ok=True)

"""One mailbox of the redis backend: the storage contract's
:class:`~pymap.interfaces.storage.Mailbox` over the keys of
:class:`~.keys.MailboxKeys`. Every change is one Lua script, atomic across
processes, that also logs and announces the change (doc/redis.md)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import datetime

from pymap.exceptions import MailboxNotFound, NotSupported
from pymap.executor import run_blocking
from pymap.interfaces.storage import (
    FlagSet,
    Mailbox,
    MailboxSnapshot,
    MessageMeta,
    NewMessage,
    StoredMessage,
    StoreMode,
)
from pymap.mime import MessageContent, MessageSummary

from ..summaries import cached_summaries
from .connection import as_bytes
from .context import StoreContext
from .errors import UNAVAILABLE, guarded, stop_if_cancelled, translated
from .keys import MailboxKeys
from .snapshots import parse_flags, render_flags, snapshot_from_reply

__all__ = ['RedisMailbox']

#: UIDs whose records one HMGET reads.
_META_BATCH = 1000
#: Bytes of content one MGET may bring in: FETCH memory stays bounded.
_CONTENT_BATCH = 1 << 20
#: Messages above this size are hashed and parsed off the event loop.
_BLOCKING_SIZE = 256 * 1024


def _prepare(data: bytes) -> tuple[str, int]:
    """The content's SHA-256 address and RFC822.SIZE."""
    return hashlib.sha256(data).hexdigest(), MessageContent.parse(data).size


async def _off_loop_if_large(data: bytes) -> tuple[str, int]:
    if len(data) > _BLOCKING_SIZE:
        return await run_blocking(_prepare, data)
    return _prepare(data)


async def _parse(data: bytes) -> MessageContent:
    if len(data) > _BLOCKING_SIZE:
        return await run_blocking(MessageContent.parse, data)
    return MessageContent.parse(data)


def _derive_summary(data: bytes) -> MessageSummary:
    return MessageContent.parse(data).summary


async def _summary_of(data: bytes) -> MessageSummary:
    if len(data) > _BLOCKING_SIZE:
        return await run_blocking(_derive_summary, data)
    return _derive_summary(data)


def _meta(uid: int, record: bytes) -> tuple[MessageMeta, str]:
    """A ``digest size date`` record as meta data and content digest."""
    digest, size, date = record.split(b' ', 2)
    meta = MessageMeta(uid, datetime.fromisoformat(date.decode('ascii')),
                       int(size))
    return meta, digest.decode('ascii')


def _content_batches(metas: list[tuple[MessageMeta, str]]
                     ) -> Iterator[list[tuple[MessageMeta, str]]]:
    batch: list[tuple[MessageMeta, str]] = []
    size = 0
    for item in metas:
        if batch and size + item[0].size > _CONTENT_BATCH:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item[0].size
    if batch:
        yield batch


class RedisMailbox:
    """A mailbox by its never-reused id; sessions keep working with it
    across RENAME. Once it is deleted every method raises
    :exc:`~pymap.exceptions.MailboxNotFound`."""

    def __init__(self, context: StoreContext, keys: MailboxKeys,
                 name: str) -> None:
        self._context = context
        self._keys = keys
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def namespace(self) -> str:
        """The mailbox's key prefix, also its notification namespace."""
        return self._keys.base

    def _changed(self, reply: object) -> None:
        if reply is None:
            raise MailboxNotFound()
        self._context.notifier.wake(self.namespace)

    @guarded
    async def snapshot(self) -> MailboxSnapshot:
        """One round trip: unchanged, incremental from the cached
        snapshot through the change log, or full."""
        cache = self._context.snapshots
        cached = cache.get(self.namespace)
        reply = await self._context.scripts.snapshot(
            self._context.client,
            [self._keys.meta, self._keys.flags, self._keys.log],
            [-1, -1] if cached is None
            else [cached.modseq, cached.uid_validity])
        if reply is None:
            cache.discard(self.namespace)
            raise MailboxNotFound()
        snapshot = snapshot_from_reply(reply, cached)
        cache.put(self.namespace, snapshot)
        return snapshot

    @guarded
    async def append(self, messages: Sequence[NewMessage]) -> list[int]:
        if not messages:
            return []
        keys = self._keys
        args: list[str | bytes | int] = [
            self._context.keys.channel, keys.user.base, self.namespace,
            len(messages)]
        for message in messages:
            digest, size = await _off_loop_if_large(message.data)
            args += [digest, size, message.internal_date.isoformat(),
                     render_flags(message.flags), message.data]
        uids = await self._context.scripts.append(
            self._context.client, [*keys.all, keys.user.refs], args)
        self._changed(uids)
        return [int(uid) for uid in uids]

    @guarded
    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        if not isinstance(target, RedisMailbox) \
                or target._keys.user != self._keys.user:
            raise NotSupported('Cannot copy between users or backends.')
        if not uids:
            return []
        reply = await self._context.scripts.copy(
            self._context.client,
            [*self._keys.all, *target._keys.all, self._keys.user.refs],
            [self._context.keys.channel, self.namespace, target.namespace,
             int(move), *uids])
        self._changed(reply)
        target._changed(reply)
        return [(int(reply[i]), int(reply[i + 1]))
                for i in range(0, len(reply), 2)]

    async def load(self, uids: Sequence[int], content: bool
                   ) -> AsyncIterator[MessageMeta | StoredMessage]:
        """Reads records in batches and, for content, fetches each batch's
        messages with one MGET bounded in bytes; yields one at a time."""
        for start in range(0, len(uids), _META_BATCH):
            metas = await self._metas(uids[start:start + _META_BATCH])
            if not content:
                for meta, _ in metas:
                    yield meta
                continue
            for group in _content_batches(metas):
                async for message in self._load_content(group):
                    yield message

    def load_summaries(self, uids: Sequence[int]) -> AsyncIterator[
            tuple[MessageMeta, MessageSummary]]:
        """The :class:`~pymap.interfaces.storage.SummaryLoader`
        capability: content never changes under its digest, so the
        summaries the process made are kept by digest."""
        return cached_summaries(self._batches(uids),
                                self._context.summaries, self._summarize)

    async def _batches(self, uids: Sequence[int]
                       ) -> AsyncIterator[list[tuple[MessageMeta, str]]]:
        for start in range(0, len(uids), _META_BATCH):
            yield await self._metas(uids[start:start + _META_BATCH])

    async def _summarize(self, group: list[tuple[MessageMeta, str]]
                         ) -> dict[str, MessageSummary]:
        datas = await self._contents(group)
        return {digest: await _summary_of(data)
                for (_, digest), data in zip(group, datas, strict=True)
                if data is not None}  # None: expunged meanwhile

    async def _metas(self, uids: Sequence[int]
                     ) -> list[tuple[MessageMeta, str]]:
        """The records of the existing messages among *uids*."""
        with translated():
            records = await self._context.client.hmget(self._keys.msgs,
                                                       uids)
        return [_meta(uid, as_bytes(record))
                for uid, record in zip(uids, records, strict=True)
                if record is not None]

    async def _load_content(self, group: list[tuple[MessageMeta, str]]
                            ) -> AsyncIterator[StoredMessage]:
        datas = await self._contents(group)
        for (meta, _), data in zip(group, datas, strict=True):
            if data is not None:  # expunged meanwhile
                yield StoredMessage(meta, await _parse(data))

    async def _contents(self, group: list[tuple[MessageMeta, str]]
                        ) -> list[bytes | None]:
        """The contents of the messages of *group*, in one MGET."""
        user = self._keys.user
        with translated():
            datas = await self._context.client.mget(
                [user.content(digest) for _, digest in group])
        return [None if data is None else as_bytes(data) for data in datas]

    @guarded
    async def update_flags(self, uids: Sequence[int], flags: FlagSet,
                           mode: StoreMode) -> dict[int, FlagSet]:
        if not uids:
            return {}
        reply = await self._context.scripts.flags(
            self._context.client,
            [self._keys.meta, self._keys.flags, self._keys.log],
            [self._context.keys.channel, self.namespace, mode,
             render_flags(flags), *uids])
        self._changed(reply)
        interned: dict[bytes, FlagSet] = {}
        return {int(reply[i]): parse_flags(reply[i + 1], interned)
                for i in range(0, len(reply), 2)}

    @guarded
    async def expunge(self, uids: Sequence[int]) -> list[int]:
        if not uids:
            return []
        keys = self._keys
        removed = await self._context.scripts.expunge(
            self._context.client, [*keys.all, keys.user.refs],
            [self._context.keys.channel, keys.user.base, self.namespace,
             *uids])
        self._changed(removed)
        return [int(uid) for uid in removed]

    @guarded
    async def claim_recent(self, up_to_uid: int) -> int:
        old = await self._context.scripts.claim_recent(
            self._context.client, [self._keys.meta], [up_to_uid])
        if old is None:
            raise MailboxNotFound()
        return int(old)

    async def wait_for_change(self, modseq: int, timeout: float) -> None:
        """Waits for the listener's push, and returns once the MODSEQ
        really moved (or after *timeout*). While Redis is away it keeps
        waiting: the listener wakes every waiter when it resubscribes."""
        stop_if_cancelled()
        with contextlib.suppress(TimeoutError), \
                self._context.notifier.watch(self.namespace) as changed:
            # asyncio.timeout, unlike wait_for on Python 3.11, never loses
            # the cancellation that ends IDLE; stop_if_cancelled catches
            # one lost inside the Redis client.
            async with asyncio.timeout(timeout):
                while True:
                    changed.clear()  # before reading: no wake-up is lost
                    moved = await self._moved(modseq)
                    stop_if_cancelled()
                    if moved:
                        return
                    await changed.wait()

    async def _moved(self, modseq: int) -> bool:
        try:
            current = await self._context.client.hget(self._keys.meta,
                                                      'modseq')
        except UNAVAILABLE:
            return False
        return current is not None and int(current) != modseq

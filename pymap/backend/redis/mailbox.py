"""One mailbox of the redis backend: the storage contract's
:class:`~pymap.interfaces.storage.Mailbox` over the keys of
:class:`~.keys.MailboxKeys`. Every change is one Lua script, atomic across
processes, that also logs and announces the change and answers with the
mailbox's state after it, which the process's snapshot cache keeps; a
snapshot the cache vouches for costs no round trip (doc/redis.md)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any

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
from pymap.mime.lines import crlf_length, crlf_range

from ..idle import wait_quietly
from ..large import off_loop_if_large, summary_of
from ..ready import ready
from ..summaries import cached_summaries
from .changewait import until_moved
from .connection import as_bytes
from .context import StoreContext
from .errors import guarded, translated
from .keys import MailboxKeys
from .scripts import Arg, Script
from .snapshotcache import Reading
from .snapshots import Head, parse_flags, render_flags

__all__ = ['RedisMailbox']

#: UIDs whose records one HMGET reads.
_META_BATCH = 1000
#: Bytes of content one MGET may bring in: FETCH memory stays bounded.
_CONTENT_BATCH = 1 << 20


def _prepare(data: bytes) -> tuple[str, int]:
    """The content's SHA-256 address and RFC822.SIZE."""
    return hashlib.sha256(data).hexdigest(), crlf_length(data)


async def _parse(meta: MessageMeta, data: bytes) -> MessageContent:
    if len(data) == meta.size:  # every line ends with CRLF already
        return MessageContent.parse_canonical(data)
    return await off_loop_if_large(MessageContent.parse, data)


async def _summary_of(meta: MessageMeta, data: bytes) -> MessageSummary:
    return await summary_of(await _parse(meta, data))


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
        #: The mailbox's key prefix, also its notification namespace.
        self.namespace = keys.base
        #: Whether its session claimed \\Recent messages: only read-write
        #: sessions do.
        self._claimant = False

    @property
    def name(self) -> str:
        return self._name

    @staticmethod
    def _found(reply: Any) -> Any:
        """*reply*, unless the script found a mailbox deleted."""
        if reply is None:
            raise MailboxNotFound()
        return reply

    def _changed(self, reading: Reading, description: list[Any]) -> Head:
        """Caches the state a change script answered with and wakes this
        process's waiters; returns the state's head."""
        head = reading.changed(description)
        self._context.notifier.changed_here(self.namespace, head.modseq)
        return head

    def snapshot(self) -> Awaitable[MailboxSnapshot]:
        """The cached snapshot when the cache vouches for it, else one
        round trip: unchanged, incremental from the cached snapshot
        through the change log, or full."""
        fresh = self._context.snapshots.fresh(self.namespace)
        if fresh is not None:
            return ready(fresh)
        return self._read_snapshot()

    @guarded
    async def _read_snapshot(self) -> MailboxSnapshot:
        cache = self._context.snapshots
        with cache.reading(self.namespace) as reading:
            reply = await self._context.scripts.snapshot(
                self._context.client,
                [self._keys.meta, self._keys.flags, self._keys.log],
                reading.relative_to)
            if reply is None:
                cache.gone(self.namespace)
                raise MailboxNotFound()
            return self._context.claims.unclaimed(
                self.namespace, reading.done(reply).snapshot())

    async def _change(self, script: Script, keys: list[str],
                      head: list[Arg], tail: Sequence[Arg],
                      staged: Sequence[tuple[str, bytes]] = (),
                      cached_only: bool = False) -> tuple[Any, Head]:
        """Runs a change script of this mailbox, with the MODSEQ and
        UIDVALIDITY of the cached snapshot between the arguments *head*
        and *tail* (and the *staged* values stored first); caches the
        state it answers with and returns its head after the rest of its
        reply. With *cached_only*, a mailbox with no cached snapshot is
        not described (see
        :attr:`~.snapshotcache.Reading.relative_to_cached`)."""
        with self._context.snapshots.reading(self.namespace) as reading:
            relative_to = reading.relative_to_cached if cached_only \
                else reading.relative_to
            result, description = self._found(await script(
                self._context.client, keys, [*head, *relative_to, *tail],
                staged))
            return result, self._changed(reading, description)

    @guarded
    async def append(self, messages: Sequence[NewMessage]) -> list[int]:
        if not messages:
            return []
        keys = self._keys
        payload: list[Arg] = [len(messages)]
        staged: list[tuple[str, bytes]] = []
        for message in messages:
            digest, size = await off_loop_if_large(_prepare, message.data)
            key = keys.user.new_staged()
            staged.append((key, message.data))
            payload += [digest, size, message.internal_date.isoformat(),
                        render_flags(message.flags), key]
        claims = self._context.claims
        (uids, held_from), state = await self._change(
            self._context.scripts.append, [*keys.all, keys.user.refs],
            [self._context.notifier.route, keys.user.base, self.namespace,
             int(claims.awaited(self.namespace))],
            payload, staged, cached_only=True)
        new_uids = AssignedUids(map(int, uids), state.uid_validity)
        if held_from is not None:
            claims.hold(self.namespace, int(held_from), new_uids[-1])
        return new_uids

    @guarded
    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        if not isinstance(target, RedisMailbox) \
                or target._keys.user != self._keys.user:
            raise NotSupported('Cannot copy between users or backends.')
        if not uids:
            return []
        cache = self._context.snapshots
        with cache.reading(self.namespace) as source, \
                cache.reading(target.namespace) as destination:
            reply = await self._context.scripts.copy(
                self._context.client,
                [*self._keys.all, *target._keys.all, self._keys.user.refs],
                [self._context.notifier.route, self.namespace,
                 target.namespace, int(move), *source.relative_to,
                 *destination.relative_to_cached, *uids])
            pairs, source_state, target_state = self._found(reply)
            self._changed(source, source_state)
            validity = target._changed(destination,
                                       target_state).uid_validity
        return AssignedUids([(int(pairs[i]), int(pairs[i + 1]))
                             for i in range(0, len(pairs), 2)], validity)

    async def load(self, uids: Sequence[int], content: bool
                   ) -> AsyncIterator[MessageMeta | StoredMessage]:
        """Reads records in batches; for content, the first bytes' worth
        of each batch's messages come with the records (``load.lua``: a
        FETCH of a few messages is one round trip), the rest with one MGET
        per bounded group. Yields one message at a time."""
        for start in range(0, len(uids), _META_BATCH):
            batch = uids[start:start + _META_BATCH]
            if not content:
                for meta, _ in await self._metas(batch):
                    yield meta
                continue
            metas, datas = await self._metas_with_contents(batch)
            for (meta, _), data in zip(metas[:len(datas)], datas,
                                       strict=True):
                yield StoredMessage(meta, await _parse(meta, data))
            for group in _content_batches(metas[len(datas):]):
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
        return {digest: await _summary_of(meta, data)
                for (meta, digest), data in zip(group, datas, strict=True)
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

    async def _metas_with_contents(self, uids: Sequence[int]) -> tuple[
            list[tuple[MessageMeta, str]], list[bytes]]:
        """The records of the existing messages among *uids*, and the
        contents of as many of the first ones as ``load.lua`` sent."""
        with translated():
            records, datas = await self._context.scripts.load(
                self._context.client, [self._keys.msgs],
                [self._keys.user.base, _CONTENT_BATCH, *uids])
        return [_meta(uid, as_bytes(record))
                for uid, record in zip(uids, records, strict=True)
                if record is not None], [as_bytes(data) for data in datas]

    async def _load_content(self, group: list[tuple[MessageMeta, str]]
                            ) -> AsyncIterator[StoredMessage]:
        datas = await self._contents(group)
        for (meta, _), data in zip(group, datas, strict=True):
            if data is not None:  # expunged meanwhile
                yield StoredMessage(meta, await _parse(meta, data))

    async def load_range(self, uid: int, start: int, end: int
                         ) -> bytes | None:
        """The :class:`~pymap.interfaces.storage.RangeLoader` capability:
        one round trip (``load_range.lua``) that reads the octets alone
        from content stored in CRLF form; from content stored with bare LF
        endings, the octets up to *end*, made CRLF here."""
        with translated():
            reply = await self._context.scripts.load_range(
                self._context.client, [self._keys.msgs],
                [self._keys.user.base, uid, start, end])
        if isinstance(reply, list):
            return await off_loop_if_large(
                partial(crlf_range, start=start, end=end), as_bytes(reply[0]))
        return None if reply is None else as_bytes(reply)

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
        pairs, _ = await self._change(
            self._context.scripts.flags,
            [self._keys.meta, self._keys.flags, self._keys.log],
            [self._context.notifier.route, self.namespace],
            [mode, render_flags(flags), *uids])
        interned: dict[bytes, FlagSet] = {}
        return {int(pairs[i]): parse_flags(pairs[i + 1], interned)
                for i in range(0, len(pairs), 2)}

    @guarded
    async def expunge(self, uids: Sequence[int]) -> list[int]:
        if not uids:
            return []
        keys = self._keys
        removed, _ = await self._change(
            self._context.scripts.expunge, [*keys.all, keys.user.refs],
            [self._context.notifier.route, keys.user.base, self.namespace],
            uids)
        return [int(uid) for uid in removed]

    async def claim_recent(self, up_to_uid: int) -> int:
        """Raises the mark in Redis; not when the cached snapshot shows it
        at *up_to_uid* already, or another session's claim under way will
        raise it that far: the mark only rises, so there is nothing to
        claim. Messages the process holds (:mod:`.claims`) are taken
        without a round trip."""
        self._claimant = True
        context = self._context
        held = context.claims.take_held(self.namespace, up_to_uid)
        if held is not None and held[1] >= up_to_uid:
            context.snapshots.claimed(self.namespace, up_to_uid)
            return held[0]
        fresh = context.snapshots.fresh(self.namespace)
        if fresh is not None and fresh.recent_uid >= up_to_uid:
            return fresh.recent_uid
        old = await context.claims.claim(
            self.namespace, up_to_uid, lambda: self._raise_mark(up_to_uid))
        # Held messages below the new ones stay the caller's if nobody
        # claimed anything in between.
        return held[0] if held is not None and old == held[1] else old

    @guarded
    async def _raise_mark(self, up_to_uid: int) -> int:
        old = int(self._found(await self._context.scripts.claim_recent(
            self._context.client, [self._keys.meta],
            [up_to_uid, self._context.notifier.route, self.namespace])))
        self._context.snapshots.claimed(self.namespace, max(old, up_to_uid))
        return old

    def wait_for_change(self, modseq: int, timeout: float
                        ) -> Awaitable[object]:
        """Waits for the listener's push, and is done once the MODSEQ
        really moved (or after *timeout*), see
        :func:`~.changewait.until_moved`."""
        return wait_quietly(until_moved(
            self._context, self._keys.meta, self.namespace, modseq,
            self._claimant), timeout)

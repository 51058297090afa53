"""In-memory mailboxes of the dict backend.

All state lives in the process; every method runs without awaiting, so each
is atomic with respect to every other session of the process. Once deleted
(:meth:`DictMailbox.delete`), a mailbox's methods raise
:exc:`~pymap.exceptions.MailboxNotFound`, as the storage contract asks.
Changes are pushed to waiting sessions through a
:class:`~pymap.backend.idle.ChangeSignal`, and logged in
the :class:`~pymap.backend.flagtable.FlagTable` that snapshots share.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from datetime import datetime

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
from pymap.mime.lines import to_crlf

from ..flagtable import FlagTable
from ..idle import ChangeSignal, wait_for_signal
from ..large import is_costly, off_loop_if_large, summary_of
from ..ready import ready

__all__ = ['DictMailbox']

_validities = itertools.count(int(time.time()))


class _Message:
    """A stored message: its octets with CRLF line endings and its summary,
    made after the APPEND was answered (see :func:`_summarise_soon`) or
    first when a command needs it, off the event loop for a costly
    message (:mod:`~pymap.backend.large`); a parsed tree is made only for
    the FETCH items a summary cannot answer, and not kept."""

    __slots__ = ('_making', 'data', 'known_summary', 'meta')

    def __init__(self, meta: MessageMeta, data: bytes,
                 known_summary: MessageSummary | None) -> None:
        self.meta = meta
        self.data = data
        #: The summary if one was made already.
        self.known_summary = known_summary
        #: The making of a costly message's summary, while it runs.
        self._making: asyncio.Task[MessageSummary] | None = None

    def content(self) -> MessageContent:
        return MessageContent.parse_canonical(self.data)

    def start_summary(self) -> MessageSummary | asyncio.Task[
            MessageSummary]:
        """The summary, made now unless it was; for a costly message, the
        making of it in a worker, started unless it runs already."""
        if self.known_summary is not None:
            return self.known_summary
        if self._making is None:
            content = self.content()
            if not is_costly(content):
                self.known_summary = content.summary
                return self.known_summary
            self._making = asyncio.create_task(self._made_apart(content))
        return self._making

    async def _made_apart(self, content: MessageContent) -> MessageSummary:
        try:
            summary = self.known_summary = await summary_of(content)
        finally:
            self._making = None
        return summary


def _summarise_soon(loop: asyncio.AbstractEventLoop,
                    messages: Iterator[_Message]) -> None:
    """Makes the summaries of appended *messages*, one per turn of the
    event loop, each after what is ready to run: an APPEND is answered,
    and its new messages announced to IDLE sessions, without parsing
    them, and a FETCH or SEARCH that comes later finds their summaries
    made (or being made in a worker)."""
    message = next(messages, None)
    if message is not None:
        message.start_summary()
        loop.call_soon(_summarise_soon, loop, messages)


def _apply(flags: FlagSet, change: FlagSet, mode: StoreMode) -> FlagSet:
    if mode == 'add':
        return flags | change
    if mode == 'remove':
        return flags - change
    return change


class DictMailbox:
    """A mailbox held in a dict keyed by UID."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._uid_validity = next(_validities)
        self._next_uid = 1
        self._modseq = 0
        self._recent_uid = 0
        self._messages: dict[int, _Message] = {}
        self._flags = FlagTable()
        self._snapshot: MailboxSnapshot | None = None
        self._changed = ChangeSignal()
        self._deleted = False

    @property
    def name(self) -> str:
        return self._name

    def rename(self, name: str) -> None:
        """Changes the name after a RENAME."""
        self._name = name

    def delete(self) -> None:
        """Marks the mailbox deleted: its messages go, its methods raise
        :exc:`~pymap.exceptions.MailboxNotFound` from now on, and the
        sessions waiting for a change wake to find that out."""
        self._deleted = True
        self._messages.clear()
        self._snapshot = None
        self._changed.set()

    def _check(self) -> None:
        if self._deleted:
            raise MailboxNotFound()

    def _touch(self) -> None:
        self._modseq += 1
        self._flags.commit(self._modseq)
        self._snapshot = None
        self._changed.set()
        self._changed = ChangeSignal()

    def snapshot(self) -> Awaitable[MailboxSnapshot]:
        self._check()
        if self._snapshot is None:
            uids, flags = self._flags.shared()
            self._snapshot = MailboxSnapshot(
                self._uid_validity, self._next_uid, self._modseq, uids,
                flags, self._recent_uid, self._flags.changes)
        return ready(self._snapshot)

    def _add(self, data: bytes, summary: MessageSummary | None,
             flags: FlagSet, internal_date: datetime) -> _Message:
        """Stores a message in CRLF form with its summary, if one was made
        already, under a new UID."""
        uid = self._next_uid
        self._next_uid += 1
        meta = MessageMeta(uid, internal_date, len(data))
        message = self._messages[uid] = _Message(meta, data, summary)
        self._flags.put(uid, flags)
        return message

    async def append(self, messages: Sequence[NewMessage]) -> list[int]:
        self._check()
        datas = [await off_loop_if_large(to_crlf, msg.data)
                 for msg in messages]
        self._check()  # deleted while a large message was converted
        added = [self._add(data, None, msg.flags, msg.internal_date)
                 for data, msg in zip(datas, messages, strict=True)]
        self._touch()
        loop = asyncio.get_running_loop()
        loop.call_soon(_summarise_soon, loop, iter(added))
        return AssignedUids([message.meta.uid for message in added],
                            self._uid_validity)

    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        if not isinstance(target, DictMailbox):
            raise NotSupported('Cannot copy between backends.')
        self._check()
        target._check()
        pairs = []
        for uid in uids:
            message = self._messages.get(uid)
            flags = self._flags.get(uid)
            if message is None or flags is None:
                continue
            pairs.append((uid, target._add(
                message.data, message.known_summary, flags,
                message.meta.internal_date).meta.uid))
            if move:
                del self._messages[uid]
                self._flags.drop(uid)
        if pairs:
            target._touch()
            if move:
                self._touch()
        return AssignedUids(pairs, target._uid_validity)

    async def load(self, uids: Sequence[int], content: bool
                   ) -> AsyncIterator[MessageMeta | StoredMessage]:
        self._check()
        for uid in uids:
            message = self._messages.get(uid)
            if message is None:
                continue
            if content:
                yield StoredMessage(message.meta, message.content())
            else:
                yield message.meta

    async def load_range(self, uid: int, start: int, end: int
                         ) -> bytes | None:
        """The :class:`~pymap.interfaces.storage.RangeLoader` capability:
        messages are held in CRLF form, and a FETCH of one part of a large
        one need not parse it again."""
        self._check()
        message = self._messages.get(uid)
        return None if message is None else message.data[start:end]

    async def load_summaries(self, uids: Sequence[int]) -> AsyncIterator[
            tuple[MessageMeta, MessageSummary]]:
        """The :class:`~pymap.interfaces.storage.SummaryLoader`
        capability: each message keeps its summary."""
        self._check()
        for uid in uids:
            message = self._messages.get(uid)
            if message is None:
                continue
            summary = message.start_summary()
            if not isinstance(summary, MessageSummary):
                # Commands asking while a worker makes it wait for that.
                summary = await asyncio.shield(summary)
            yield message.meta, summary

    async def update_flags(self, uids: Sequence[int], flags: FlagSet,
                           mode: StoreMode) -> dict[int, FlagSet]:
        self._check()
        changed = {}
        modified = False
        for uid in uids:
            old_flags = self._flags.get(uid)
            if old_flags is None:
                continue
            new_flags = changed[uid] = _apply(old_flags, flags, mode)
            if new_flags != old_flags:
                self._flags.put(uid, new_flags)
                modified = True
        if modified:
            self._touch()
        return changed

    async def expunge(self, uids: Sequence[int]) -> list[int]:
        self._check()
        removed = [uid for uid in uids
                   if self._messages.pop(uid, None) is not None]
        for uid in removed:
            self._flags.drop(uid)
        if removed:
            self._touch()
        return removed

    async def claim_recent(self, up_to_uid: int) -> int:
        self._check()
        previous = self._recent_uid
        if up_to_uid > previous:
            self._recent_uid = up_to_uid
            self._snapshot = None
        return previous

    def wait_for_change(self, modseq: int, timeout: float
                        ) -> Awaitable[object]:
        if self._modseq != modseq or self._deleted:
            return ready(None)
        return wait_for_signal(self._changed, timeout)

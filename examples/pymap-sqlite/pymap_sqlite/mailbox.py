"""One mailbox's messages: the :class:`pymap.interfaces.storage.Mailbox`
half of the storage contract.

Each public method is one database transaction, so it is atomic with
respect to every other session. The blocking halves are the module-level
functions taking a :class:`sqlite3.Connection`; they run on an executor
thread through :meth:`pymap_sqlite.db.Database.transaction`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
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
from pymap.mime import MessageContent

from .db import Database

__all__ = ['Changes', 'SqliteMailbox']

#: How many messages one transaction reads when FETCH needs no content.
META_BATCH = 256

_Header = tuple[int, int, int, int]
_Row = tuple[str, int, bytes, bytes]


class Changes:
    """What the sessions of one process share about each mailbox: an
    :class:`asyncio.Event` set when it changes (so IDLE is pushed, not
    polled) and its last snapshot (so an unchanged mailbox costs one
    small query)."""

    def __init__(self) -> None:
        self._events: dict[int, asyncio.Event] = {}
        self.snapshots: dict[int, MailboxSnapshot] = {}

    def event(self, mailbox_id: int) -> asyncio.Event:
        """The event the next change to the mailbox will set."""
        return self._events.setdefault(mailbox_id, asyncio.Event())

    def notify(self, *mailbox_ids: int) -> None:
        """Wakes everyone waiting for a change to these mailboxes."""
        for mailbox_id in mailbox_ids:
            event = self._events.pop(mailbox_id, None)
            if event is not None:
                event.set()

    def forget(self, mailbox_ids: Iterable[int]) -> None:
        """Drops deleted mailboxes, waking their waiters."""
        for mailbox_id in mailbox_ids:
            self.snapshots.pop(mailbox_id, None)
            self.notify(mailbox_id)


def encode_flags(flags: FlagSet) -> bytes:
    """The ``flags`` column: sorted and space-separated (a flag never
    contains a space, RFC 3501 §9 ``flag-keyword``)."""
    return b' '.join(sorted(flags))


def decode_flags(column: bytes) -> FlagSet:
    """The inverse of :func:`encode_flags`."""
    return frozenset(column.split())


def _apply(flags: FlagSet, change: FlagSet, mode: StoreMode) -> FlagSet:
    """STORE's three modes (RFC 3501 §6.4.6)."""
    if mode == 'add':
        return flags | change
    if mode == 'remove':
        return flags - change
    return change


def _header(conn: sqlite3.Connection, mailbox_id: int) -> _Header:
    """UIDVALIDITY, UIDNEXT, modseq and recent mark; raises
    :exc:`~pymap.exceptions.MailboxNotFound` once the mailbox is gone."""
    row = conn.execute(
        'SELECT uid_validity, next_uid, modseq, recent_uid FROM mailboxes '
        'WHERE id = ? AND selectable', (mailbox_id,)).fetchone()
    if row is None:
        raise MailboxNotFound()
    validity, next_uid, modseq, recent_uid = row
    return validity, next_uid, modseq, recent_uid


def _touch(conn: sqlite3.Connection, mailbox_id: int) -> None:
    conn.execute('UPDATE mailboxes SET modseq = modseq + 1 WHERE id = ?',
                 (mailbox_id,))


def _allocate_uids(conn: sqlite3.Connection, mailbox_id: int,
                   count: int) -> range:
    """Reserves *count* new UIDs, strictly ascending (RFC 3501 §2.3.1.1)."""
    first = _header(conn, mailbox_id)[1]
    conn.execute('UPDATE mailboxes SET next_uid = ? WHERE id = ?',
                 (first + count, mailbox_id))
    return range(first, first + count)


def _existing(conn: sqlite3.Connection, mailbox_id: int,
              uids: Iterable[int]) -> list[int]:
    """The UIDs that exist, in the order given, without duplicates."""
    query = 'SELECT 1 FROM messages WHERE mailbox_id = ? AND uid = ?'
    return [uid for uid in dict.fromkeys(uids)
            if conn.execute(query, (mailbox_id, uid)).fetchone()]


def _snapshot(conn: sqlite3.Connection, mailbox_id: int,
              cached: MailboxSnapshot | None) -> MailboxSnapshot:
    """Reuses *cached* when the modseq has not moved; otherwise reads
    every UID and its flags in one query."""
    validity, next_uid, modseq, recent_uid = _header(conn, mailbox_id)
    if cached is not None and cached.modseq == modseq:
        return dataclasses.replace(cached, recent_uid=recent_uid)
    rows = conn.execute('SELECT uid, flags FROM messages '
                        'WHERE mailbox_id = ? ORDER BY uid', (mailbox_id,))
    flags = {uid: decode_flags(column) for uid, column in rows}
    return MailboxSnapshot(validity, next_uid, modseq, list(flags), flags,
                           recent_uid)


def _append(conn: sqlite3.Connection, mailbox_id: int,
            rows: Sequence[_Row]) -> list[int]:
    uids = _allocate_uids(conn, mailbox_id, len(rows))
    conn.executemany(
        'INSERT INTO messages (mailbox_id, uid, internal_date, size, flags, '
        'data) VALUES (?, ?, ?, ?, ?, ?)',
        [(mailbox_id, uid, *row) for uid, row in zip(uids, rows,
                                                     strict=True)])
    _touch(conn, mailbox_id)
    return list(uids)


def _copy(conn: sqlite3.Connection, source_id: int, target_id: int,
          uids: Sequence[int], move: bool) -> list[tuple[int, int]]:
    """Copies the rows inside the database: message data never leaves
    SQLite. Flags and INTERNALDATE are kept (RFC 3501 §6.4.7)."""
    _header(conn, source_id)
    existing = _existing(conn, source_id, uids)
    if not existing:
        return []
    pairs = list(zip(existing, _allocate_uids(conn, target_id,
                                              len(existing)), strict=True))
    conn.executemany(
        'INSERT INTO messages (mailbox_id, uid, internal_date, size, flags, '
        'data) SELECT ?, ?, internal_date, size, flags, data FROM messages '
        'WHERE mailbox_id = ? AND uid = ?',
        [(target_id, new, source_id, old) for old, new in pairs])
    _touch(conn, target_id)
    if move:
        _delete_messages(conn, source_id, existing)
    return pairs


def _delete_messages(conn: sqlite3.Connection, mailbox_id: int,
                     uids: Sequence[int]) -> None:
    conn.executemany('DELETE FROM messages WHERE mailbox_id = ? AND uid = ?',
                     [(mailbox_id, uid) for uid in uids])
    _touch(conn, mailbox_id)


def _update_flags(conn: sqlite3.Connection, mailbox_id: int,
                  uids: Sequence[int], change: FlagSet,
                  mode: StoreMode) -> tuple[dict[int, FlagSet], bool]:
    """The new flags of the existing messages, and whether any
    changed."""
    _header(conn, mailbox_id)
    result: dict[int, FlagSet] = {}
    updates = []
    for uid in dict.fromkeys(uids):
        row = conn.execute('SELECT flags FROM messages '
                           'WHERE mailbox_id = ? AND uid = ?',
                           (mailbox_id, uid)).fetchone()
        if row is None:
            continue
        old = decode_flags(row[0])
        result[uid] = new = _apply(old, change, mode)
        if new != old:
            updates.append((encode_flags(new), mailbox_id, uid))
    if updates:
        conn.executemany('UPDATE messages SET flags = ? '
                         'WHERE mailbox_id = ? AND uid = ?', updates)
        _touch(conn, mailbox_id)
    return result, bool(updates)


def _expunge(conn: sqlite3.Connection, mailbox_id: int,
             uids: Sequence[int]) -> list[int]:
    _header(conn, mailbox_id)
    removed = _existing(conn, mailbox_id, uids)
    if removed:
        _delete_messages(conn, mailbox_id, removed)
    return removed


def _claim_recent(conn: sqlite3.Connection, mailbox_id: int,
                  up_to_uid: int) -> int:
    previous = _header(conn, mailbox_id)[3]
    if up_to_uid > previous:
        conn.execute('UPDATE mailboxes SET recent_uid = ? WHERE id = ?',
                     (up_to_uid, mailbox_id))
    return previous


def _load(conn: sqlite3.Connection, mailbox_id: int, uids: Sequence[int],
          content: bool) -> list[tuple[MessageMeta, bytes | None]]:
    """The rows of *uids* that exist, with their data if *content*."""
    _header(conn, mailbox_id)
    column = 'data' if content else 'NULL'
    query = (f'SELECT uid, internal_date, size, {column} FROM messages '
             'WHERE mailbox_id = ? AND uid = ?')
    loaded = []
    for uid in uids:
        row = conn.execute(query, (mailbox_id, uid)).fetchone()
        if row is not None:
            meta = MessageMeta(row[0], datetime.fromisoformat(row[1]),
                               row[2])
            loaded.append((meta, row[3]))
    return loaded


def _prepare(messages: Sequence[NewMessage]) -> list[_Row]:
    """The column values of new messages. Parsing gives RFC822.SIZE (the
    size with CRLF line endings, RFC 3501 §7.4.2)."""
    return [(message.internal_date.isoformat(),
             MessageContent.parse(message.data).size,
             encode_flags(message.flags), message.data)
            for message in messages]


def _batches(uids: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(uids), size):
        yield uids[start:start + size]


class SqliteMailbox:
    """A mailbox by its never-reused row id, so a session keeps working
    with it across RENAME; once it is deleted, every method raises
    :exc:`~pymap.exceptions.MailboxNotFound`.

    Args:
        db: The database.
        changes: The process's change events and snapshot cache.
        mailbox_id: The ``mailboxes.id`` of the mailbox.
        name: The name it was opened by.
    """

    def __init__(self, db: Database, changes: Changes, mailbox_id: int,
                 name: str) -> None:
        self._db = db
        self._changes = changes
        self._id = mailbox_id
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    async def snapshot(self) -> MailboxSnapshot:
        """The current state, from the cache when nothing changed."""
        cached = self._changes.snapshots.get(self._id)
        snapshot = await self._db.transaction(_snapshot, self._id, cached)
        self._changes.snapshots[self._id] = snapshot
        return snapshot

    async def append(self, messages: Sequence[NewMessage]) -> list[int]:
        """Adds all the messages in one transaction, or none of them."""
        if not messages:
            return []
        rows = await run_blocking(_prepare, messages)
        uids = await self._db.transaction(_append, self._id, rows)
        self._changes.notify(self._id)
        return uids

    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        """COPY, or MOVE (RFC 6851) when *move*: one transaction for both
        mailboxes, so a MOVE never leaves a message in both or neither."""
        if not isinstance(target, SqliteMailbox) \
                or target._db is not self._db:
            raise NotSupported('Cannot copy between databases.')
        pairs = await self._db.transaction(_copy, self._id, target._id,
                                           uids, move)
        if pairs:
            self._changes.notify(self._id, target._id)
        return pairs

    async def load(self, uids: Sequence[int], content: bool
                   ) -> AsyncIterator[MessageMeta | StoredMessage]:
        """Reads one message per transaction when *content* (so memory
        stays bounded whatever the mailbox size), else a batch of
        :data:`META_BATCH` at a time."""
        for batch in _batches(uids, 1 if content else META_BATCH):
            rows = await self._db.transaction(_load, self._id, batch,
                                              content)
            for meta, data in rows:
                if data is None:
                    yield meta
                else:
                    parsed = await run_blocking(MessageContent.parse, data)
                    yield StoredMessage(meta, parsed)

    async def update_flags(self, uids: Sequence[int], flags: FlagSet,
                           mode: StoreMode) -> dict[int, FlagSet]:
        result, changed = await self._db.transaction(
            _update_flags, self._id, uids, flags, mode)
        if changed:
            self._changes.notify(self._id)
        return result

    async def expunge(self, uids: Sequence[int]) -> list[int]:
        removed = await self._db.transaction(_expunge, self._id, uids)
        if removed:
            self._changes.notify(self._id)
        return removed

    async def claim_recent(self, up_to_uid: int) -> int:
        """Raises the recent mark; the read and the write are one
        transaction, so two sessions never both get a message as
        ``\\Recent`` (RFC 3501 §2.3.2)."""
        return await self._db.transaction(_claim_recent, self._id,
                                          up_to_uid)

    async def wait_for_change(self, modseq: int, timeout: float) -> None:
        """Waits on the mailbox's event. The event is taken before the
        modseq is read, so a change committed meanwhile is not missed."""
        event = self._changes.event(self._id)
        try:
            current = (await self._db.transaction(_header, self._id))[2]
        except MailboxNotFound:
            return
        if current != modseq:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

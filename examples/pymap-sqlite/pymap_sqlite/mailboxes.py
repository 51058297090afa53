"""One user's mailboxes and subscriptions: the
:class:`pymap.interfaces.storage.MailboxSet` half of the storage contract.

Only storage lives here. The IMAP rules around it (INBOX cannot be deleted,
CREATE makes missing parents, RENAME of INBOX moves its messages) are
applied once for every backend by :mod:`pymap.backend.mailboxes`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from pymap.exceptions import MailboxConflict, MailboxNotFound
from pymap.interfaces.storage import DELIMITER, MailboxEntry

from .db import Database
from .mailbox import Changes, SqliteMailbox

__all__ = ['SqliteMailboxSet', 'insert_mailbox']


def _new_uid_validity(conn: sqlite3.Connection) -> int:
    """A UIDVALIDITY never handed out before in this database, so a
    mailbox created again under an old name never reuses its
    predecessor's (RFC 3501 §2.3.1.1)."""
    last = conn.execute('SELECT last FROM uid_validity').fetchone()[0]
    value = max(last + 1, int(time.time()))
    conn.execute('UPDATE uid_validity SET last = ?', (value,))
    return int(value)


def insert_mailbox(conn: sqlite3.Connection, user: str, name: str,
                   selectable: bool = True) -> None:
    """Adds a mailbox row: an empty mailbox, or a non-selectable parent."""
    validity = _new_uid_validity(conn) if selectable else 0
    conn.execute('INSERT INTO mailboxes (user, name, selectable, '
                 'uid_validity) VALUES (?, ?, ?, ?)',
                 (user, name, selectable, validity))


def _find(conn: sqlite3.Connection, user: str,
          name: str) -> tuple[int, bool] | None:
    """The mailbox's id and whether it is selectable, or ``None``."""
    row = conn.execute('SELECT id, selectable FROM mailboxes '
                       'WHERE user = ? AND name = ?', (user, name)).fetchone()
    return None if row is None else (row[0], bool(row[1]))


def _has_children(conn: sqlite3.Connection, user: str, name: str) -> bool:
    prefix = name + DELIMITER
    row = conn.execute('SELECT 1 FROM mailboxes WHERE user = ? '
                       'AND substr(name, 1, ?) = ? LIMIT 1',
                       (user, len(prefix), prefix)).fetchone()
    return row is not None


def _list(conn: sqlite3.Connection, user: str) -> list[MailboxEntry]:
    rows = conn.execute('SELECT name, selectable FROM mailboxes '
                        'WHERE user = ? ORDER BY name', (user,))
    return [MailboxEntry(name, bool(selectable)) for name, selectable in rows]


def _open(conn: sqlite3.Connection, user: str, name: str) -> int:
    found = _find(conn, user, name)
    if found is None or not found[1]:
        raise MailboxNotFound()
    return found[0]


def _create(conn: sqlite3.Connection, user: str, name: str) -> None:
    """A non-selectable parent left by DELETE may be created again
    (RFC 3501 §6.3.4); it becomes a new, empty mailbox."""
    found = _find(conn, user, name)
    if found is not None:
        if found[1]:
            raise MailboxConflict()
        conn.execute('DELETE FROM mailboxes WHERE id = ?', (found[0],))
    insert_mailbox(conn, user, name)


def _delete(conn: sqlite3.Connection, user: str, name: str) -> int:
    """Deletes the mailbox and its messages; one with children is replaced
    by a non-selectable parent (RFC 3501 §6.3.4). Returns the old id."""
    found = _find(conn, user, name)
    if found is None:
        raise MailboxNotFound()
    conn.execute('DELETE FROM mailboxes WHERE id = ?', (found[0],))
    if _has_children(conn, user, name):
        insert_mailbox(conn, user, name, selectable=False)
    return found[0]


def _rename(conn: sqlite3.Connection, user: str, source: str,
            destination: str) -> None:
    """Renames the mailbox and every inferior name in one statement; the
    ids, and so UIDVALIDITY and the messages, stay the same."""
    if _find(conn, user, source) is None:
        raise MailboxNotFound()
    if _find(conn, user, destination) is not None:
        raise MailboxConflict()
    prefix = source + DELIMITER
    try:
        conn.execute(
            'UPDATE mailboxes SET name = ? || substr(name, ?) '
            'WHERE user = ? AND (name = ? OR substr(name, 1, ?) = ?)',
            (destination, len(source) + 1, user, source, len(prefix),
             prefix))
    except sqlite3.IntegrityError as exc:
        raise MailboxConflict() from exc


def _subscriptions(conn: sqlite3.Connection, user: str) -> frozenset[str]:
    rows = conn.execute('SELECT name FROM subscriptions WHERE user = ?',
                        (user,))
    return frozenset(name for name, in rows)


def _subscribe(conn: sqlite3.Connection, user: str, name: str,
               subscribed: bool) -> None:
    if subscribed:
        conn.execute('INSERT OR IGNORE INTO subscriptions (user, name) '
                     'VALUES (?, ?)', (user, name))
    else:
        conn.execute('DELETE FROM subscriptions WHERE user = ? AND name = ?',
                     (user, name))


class SqliteMailboxSet:
    """The mailboxes of one user.

    Args:
        db: The database.
        changes: The process's change events and snapshot cache.
        user: The user's name.
    """

    def __init__(self, db: Database, changes: Changes, user: str) -> None:
        self._db = db
        self._changes = changes
        self._user = user

    async def list_mailboxes(self) -> Sequence[MailboxEntry]:
        return await self._db.transaction(_list, self._user)

    async def get_mailbox(self, name: str) -> SqliteMailbox:
        mailbox_id = await self._db.transaction(_open, self._user, name)
        return SqliteMailbox(self._db, self._changes, mailbox_id, name)

    async def create_mailbox(self, name: str) -> None:
        await self._db.transaction(_create, self._user, name)

    async def delete_mailbox(self, name: str) -> None:
        mailbox_id = await self._db.transaction(_delete, self._user, name)
        self._changes.forget([mailbox_id])

    async def rename_mailbox(self, source: str, destination: str) -> None:
        await self._db.transaction(_rename, self._user, source, destination)

    async def get_subscriptions(self) -> frozenset[str]:
        return await self._db.transaction(_subscriptions, self._user)

    async def set_subscribed(self, name: str, subscribed: bool) -> None:
        await self._db.transaction(_subscribe, self._user, name, subscribed)

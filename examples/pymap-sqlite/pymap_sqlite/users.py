"""Users: IMAP login (:class:`pymap.interfaces.login.Login`) and user
management for the admin service
(:class:`pymap.interfaces.users.UserStore`).

Passwords are stored as scrypt hashes (:mod:`.passwords`). SASL mechanisms
that send the password (LOGIN, PLAIN) work; CRAM-MD5 needs the clear
password on the server side, so it always fails for these users, cleanly,
as a wrong password does.
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3

from pymap.exceptions import AuthenticationFailed, EntityConflict, UserNotFound
from pymap.executor import run_blocking
from pymap.interfaces.users import UserRecord
from pysasl.creds.server import ServerCredentials
from pysasl.exception import AuthenticationError
from pysasl.identity import Identity

from .db import Database
from .mailbox import Changes
from .mailboxes import SqliteMailboxSet, insert_mailbox
from .passwords import hash_password, verify_password

__all__ = ['SqliteIdentity', 'SqliteUsers']

#: A well-formed hash that no password matches: an unknown user costs as
#: much time as a wrong password, so timing does not reveal who exists.
_NO_USER = f'scrypt$16384$8$1${"00" * 16}${"00" * 32}'


class _StoredPassword(Identity):
    """What a SASL mechanism verifies credentials against: the login name
    and the password hash (never a clear password)."""

    __slots__ = ['_hash', '_name']

    def __init__(self, name: str, password_hash: str) -> None:
        super().__init__()
        self._name = name
        self._hash = password_hash

    @property
    def authcid(self) -> str:
        return self._name

    def compare_authcid(self, authcid: str) -> bool:
        return hmac.compare_digest(self._name.encode('utf-8'),
                                   authcid.encode('utf-8'))

    def compare_secret(self, secret: str) -> bool:
        return verify_password(self._hash, secret)

    def get_clear_secret(self) -> None:
        """There is none: mechanisms that need it raise
        :exc:`pysasl.exception.MechanismUnusable`."""
        return None


class SqliteIdentity:
    """An authenticated user (:class:`pymap.interfaces.login.Identity`)."""

    def __init__(self, name: str, mailboxes: SqliteMailboxSet) -> None:
        self._name = name
        self._mailboxes = mailboxes

    @property
    def name(self) -> str:
        return self._name

    async def mailbox_set(self) -> SqliteMailboxSet:
        return self._mailboxes


def _password_of(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute('SELECT password FROM users WHERE name = ?',
                       (name,)).fetchone()
    return None if row is None else str(row[0])


def _etag_of(conn: sqlite3.Connection, name: str) -> str:
    row = conn.execute('SELECT etag FROM users WHERE name = ?',
                       (name,)).fetchone()
    if row is None:
        raise UserNotFound()
    return str(row[0])


def _list_users(conn: sqlite3.Connection) -> list[str]:
    return [name for name, in conn.execute(
        'SELECT name FROM users ORDER BY name')]


def _set_user(conn: sqlite3.Connection, name: str, password_hash: str,
              etag: str | None) -> str:
    """Creates the user with an empty INBOX, or replaces the password;
    returns the new etag."""
    row = conn.execute('SELECT etag FROM users WHERE name = ?',
                       (name,)).fetchone()
    if etag is not None and etag != ('' if row is None else row[0]):
        raise EntityConflict()
    new_etag = secrets.token_hex(8)
    if row is None:
        conn.execute('INSERT INTO users (name, password, etag) '
                     'VALUES (?, ?, ?)', (name, password_hash, new_etag))
        insert_mailbox(conn, name, 'INBOX')
    else:
        conn.execute('UPDATE users SET password = ?, etag = ? '
                     'WHERE name = ?', (password_hash, new_etag, name))
    return new_etag


def _change_password(conn: sqlite3.Connection, name: str,
                     password_hash: str) -> str:
    _etag_of(conn, name)
    return _set_user(conn, name, password_hash, None)


def _delete_user(conn: sqlite3.Connection, name: str) -> list[int]:
    """Deletes the user; the foreign keys delete the mailboxes, messages
    and subscriptions with it. Returns the deleted mailbox ids."""
    _etag_of(conn, name)
    ids = [mailbox_id for mailbox_id, in conn.execute(
        'SELECT id FROM mailboxes WHERE user = ?', (name,))]
    conn.execute('DELETE FROM users WHERE name = ?', (name,))
    return ids


class SqliteUsers:
    """The backend's login and user store.

    Args:
        db: The database.
        changes: The process's change events and snapshot cache.
    """

    def __init__(self, db: Database, changes: Changes) -> None:
        self._db = db
        self._changes = changes

    def _mailbox_set(self, name: str) -> SqliteMailboxSet:
        return SqliteMailboxSet(self._db, self._changes, name)

    async def authenticate(self, credentials: ServerCredentials
                           ) -> SqliteIdentity:
        """Verifies SASL credentials (RFC 3501 §6.2.2, §6.2.3). An
        authorization identity other than the user's own is refused."""
        name = credentials.authcid
        stored = await self._db.transaction(_password_of, name)
        identity = _StoredPassword(name, stored or _NO_USER)
        try:
            verified = await run_blocking(credentials.verify, identity)
        except AuthenticationError:
            verified = False
        if stored is None or not verified \
                or credentials.authzid not in ('', name):
            raise AuthenticationFailed()
        return SqliteIdentity(name, self._mailbox_set(name))

    async def list_users(self) -> list[str]:
        return await self._db.transaction(_list_users)

    async def get_user(self, name: str) -> UserRecord:
        return UserRecord(name, await self._db.transaction(_etag_of, name))

    async def set_user(self, name: str, password: str,
                       etag: str | None = None) -> UserRecord:
        password_hash = await run_blocking(hash_password, password)
        new_etag = await self._db.transaction(_set_user, name,
                                              password_hash, etag)
        return UserRecord(name, new_etag)

    async def change_password(self, name: str, password: str) -> UserRecord:
        password_hash = await run_blocking(hash_password, password)
        new_etag = await self._db.transaction(_change_password, name,
                                              password_hash)
        return UserRecord(name, new_etag)

    async def delete_user(self, name: str) -> None:
        self._changes.forget(await self._db.transaction(_delete_user, name))

    async def mailboxes(self, name: str) -> SqliteMailboxSet:
        await self.get_user(name)
        return self._mailbox_set(name)

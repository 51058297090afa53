"""pymap-sqlite: a pymap storage backend keeping all mail in one SQLite
database file.

The package registers :class:`SqliteBackend` in the ``pymap.backend``
entry-point group (see ``pyproject.toml``), so once it is installed
``pymap sqlite --help`` shows its options.
"""

from __future__ import annotations

import sqlite3
from argparse import ArgumentParser, ArgumentTypeError, Namespace
from pathlib import Path

from pymap.config import IMAPConfig
from pymap.interfaces.backend import HealthStatus

from .db import Database
from .mailbox import Changes
from .users import SqliteUsers

__all__ = ['SqliteBackend']


def _name_and_password(value: str) -> tuple[str, str]:
    """Parses ``--create-user NAME:PASSWORD``."""
    name, colon, password = value.partition(':')
    if not name or not colon or not password:
        raise ArgumentTypeError(f'expected NAME:PASSWORD, not {value!r}')
    return name, password


class SqliteBackend:
    """Mail in one SQLite database file, kept across restarts.

    Build it with :meth:`open` (from code and tests) or :meth:`init` (from
    the ``pymap sqlite`` command line).

    Args:
        db: The open database.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._users = SqliteUsers(db, Changes())

    @property
    def login(self) -> SqliteUsers:
        return self._users

    @property
    def users(self) -> SqliteUsers:
        return self._users

    @classmethod
    def add_arguments(cls, parser: ArgumentParser) -> None:
        """The options of ``pymap sqlite``."""
        parser.add_argument('database', type=Path, metavar='DATABASE',
                            help='the SQLite database file (created when '
                                 'missing)')
        parser.add_argument('--create-user', action='append', default=[],
                            type=_name_and_password,
                            metavar='NAME:PASSWORD',
                            help='create this user, or set its password, '
                                 'at start-up (repeatable; prefer '
                                 '"pymap-admin user set" outside tests, '
                                 'command lines are visible to other '
                                 'local users)')

    @classmethod
    async def open(cls, path: Path) -> SqliteBackend:
        """Opens the database at *path*, creating it when missing."""
        return cls(await Database.open(path))

    @classmethod
    async def init(cls, args: Namespace, config: IMAPConfig
                   ) -> SqliteBackend:
        """Builds the backend from the parsed ``pymap sqlite`` command
        line."""
        backend = await cls.open(args.database)
        try:
            for name, password in args.create_user:
                await backend.users.set_user(name, password)
        except BaseException:
            await backend.close()
            raise
        return backend

    async def health(self) -> HealthStatus:
        """Healthy while the database answers a trivial query."""
        try:
            await self._db.transaction(_ping)
        except sqlite3.Error as exc:
            return HealthStatus(False, f'database error: {exc}')
        return HealthStatus(True)

    async def close(self) -> None:
        """Closes the database at shutdown."""
        await self._db.close()


def _ping(conn: sqlite3.Connection) -> None:
    conn.execute('SELECT 1').fetchone()

"""The database connection: one :mod:`sqlite3` connection per backend,
used from :func:`pymap.executor.run_blocking` so that no query ever blocks
the event loop.

Every call is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``), so each
storage-contract method is atomic with respect to the others, as
:class:`pymap.interfaces.storage.Mailbox` requires.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from pymap.executor import run_blocking

__all__ = ['Database']

_P = ParamSpec('_P')
_T = TypeVar('_T')

#: Seconds a transaction waits for another process's lock (a backup tool,
#: the ``sqlite3`` shell) before failing.
BUSY_TIMEOUT = 10.0

_SCHEMA = Path(__file__).with_name('schema.sql')


def _connect(path: Path) -> sqlite3.Connection:
    """Opens (or creates) the database and makes sure the schema exists.

    The connection is in autocommit mode (``isolation_level=None``) so
    that :meth:`Database.transaction` alone decides where transactions
    begin and end. It is used by one executor thread at a time, never
    concurrently, hence ``check_same_thread=False``.
    """
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute('PRAGMA foreign_keys = ON')
        conn.execute('PRAGMA journal_mode = WAL')
        conn.executescript(_SCHEMA.read_text(encoding='utf-8'))
    except BaseException:
        conn.close()
        raise
    return conn


class Database:
    """One SQLite database file, opened with :meth:`open`.

    Args:
        conn: An open connection, as :meth:`open` makes it.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Opens the database at *path*, creating the file and the schema
        when they do not exist yet."""
        return cls(await run_blocking(_connect, path))

    async def transaction(
            self, fn: Callable[Concatenate[sqlite3.Connection, _P], _T],
            /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Runs ``fn(conn, *args, **kwargs)`` in one transaction on an
        executor thread and returns its result. If *fn* raises, nothing it
        did is kept and the exception propagates to the caller."""
        def call(conn: sqlite3.Connection) -> _T:
            return fn(conn, *args, **kwargs)
        return await run_blocking(self._run, call)

    def _run(self, call: Callable[[sqlite3.Connection], _T]) -> _T:
        with self._lock:
            self._conn.execute('BEGIN IMMEDIATE')
            try:
                result = call(self._conn)
            except BaseException:
                self._conn.execute('ROLLBACK')
                raise
            self._conn.execute('COMMIT')
            return result

    async def close(self) -> None:
        """Closes the connection, once the transactions running finish."""
        await run_blocking(self._close)

    def _close(self) -> None:
        with self._lock:
            self._conn.close()

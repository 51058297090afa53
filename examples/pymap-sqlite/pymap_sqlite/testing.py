"""The hook for pymap's conformance suite.

Run the whole IMAP behaviour suite against this backend with::

    python -m pytest -p pymap.testing.plugin \\
        --pymap-backend=pymap_sqlite.testing:backend_factory \\
        --pyargs pymap.testing.conformance
"""

from __future__ import annotations

from pathlib import Path

from pymap.interfaces.backend import Backend
from pymap.testing import OTHER_USER, TEST_PASSWORD, TEST_USER, BackendFactory

from . import SqliteBackend

__all__ = ['backend_factory']


def backend_factory(directory: Path) -> BackendFactory:
    """Called once per test with a fresh, empty *directory*; the factory
    returned opens a database there in which the suite's two users exist,
    each with an empty INBOX. Calling the factory again reopens the same
    database, as a server restart would."""
    async def factory() -> Backend:
        backend = await SqliteBackend.open(directory / 'mail.sqlite3')
        for name in (TEST_USER, OTHER_USER):
            await backend.users.set_user(name, TEST_PASSWORD)
        return backend
    return factory


#: Passwords are stored as scrypt hashes, so CRAM-MD5 (which needs the
#: clear password) cannot work; the suite checks it is refused cleanly.
backend_factory.clear_passwords = False  # type: ignore[attr-defined]

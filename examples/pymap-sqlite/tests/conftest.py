"""Fixtures: a fresh database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pymap_sqlite import SqliteBackend
from pymap_sqlite.mailboxes import SqliteMailboxSet


@pytest.fixture
async def backend(tmp_path: Path) -> AsyncIterator[SqliteBackend]:
    """A backend on an empty database, with the user ``alice``."""
    backend = await SqliteBackend.open(tmp_path / 'mail.sqlite3')
    await backend.users.set_user('alice', 'secret')
    yield backend
    await backend.close()


@pytest.fixture
async def mailboxes(backend: SqliteBackend) -> SqliteMailboxSet:
    """Alice's mailboxes."""
    return await backend.users.mailboxes('alice')

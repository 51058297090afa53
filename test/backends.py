"""The bundled backends as the tests build them: each with the users of
:mod:`pymap.testing` and empty INBOXes, and a fresh store every time."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from pymap.backend.dict import DictBackend, DictUsers
from pymap.backend.maildir import MaildirBackend
from pymap.interfaces.backend import Backend
from pymap.testing import (
    OTHER_USER,
    TEST_PASSWORD,
    TEST_USER,
    BackendFactory,
)

from .strict import skip_or_fail

__all__ = ['dict_backend', 'maildir_backend_factory',
           'redis_backend_factory', 'require_tool']


def require_tool(path: str, reason: str) -> str:
    """Skips the test when *path* (a program) is missing, or fails it when
    ``PYMAP_TEST_STRICT=1`` asks that nothing be skipped."""
    found = shutil.which(path) or (path if os.path.exists(path) else None)
    if found:
        return found
    skip_or_fail(f'{path} not installed: {reason}')


async def dict_backend() -> Backend:
    """A fresh dict backend."""
    users = DictUsers()
    for user in (TEST_USER, OTHER_USER):
        users.add_user(user, TEST_PASSWORD)
    return DictBackend(users)


def maildir_backend_factory(directory: Path) -> BackendFactory:
    """A factory for a maildir backend in *directory* (which must be
    fresh)."""
    users = directory / 'users.txt'
    users.write_text(''.join(f'{user}::{TEST_PASSWORD}\n'
                             for user in (TEST_USER, OTHER_USER)))

    async def factory() -> Backend:
        return await MaildirBackend.open(users)
    return factory


def redis_backend_factory(url: str, cluster: bool = False
                          ) -> BackendFactory:
    """A factory for a redis backend on *url*, under a fresh key prefix on
    every call so that tests never see each other's data."""
    async def factory() -> Backend:
        from pymap.backend.redis import RedisBackend, RedisSettings
        from pymap.backend.redis.connection import ConnectionSettings
        prefix = f'test-{uuid.uuid4().hex}/'
        backend = await RedisBackend.open(RedisSettings(
            ConnectionSettings.from_url(url, cluster), prefix))
        for user in (TEST_USER, OTHER_USER):
            await backend.client.set(prefix + user, TEST_PASSWORD)
        return backend
    return factory

"""Tests of the redis backend against real redis-server processes."""

from __future__ import annotations

import uuid

from pymap.backend.redis import RedisBackend, RedisSettings
from pymap.backend.redis.connection import ConnectionSettings
from pymap.backend.redis.records import LoginSettings

__all__ = ['open_backend']


async def open_backend(url: str, prefix: str | None = None,
                       login: LoginSettings | None = None) -> RedisBackend:
    """A backend on *url* under *prefix* (a fresh one by default)."""
    return await RedisBackend.open(RedisSettings(
        ConnectionSettings.from_url(url),
        prefix if prefix is not None else f'unit-{uuid.uuid4().hex}/',
        login or LoginSettings()))

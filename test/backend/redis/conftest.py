"""Two processes' worth of redis backends on one key prefix, a full read
of INBOX as a third, fresh process sees it, and a count of the scripts
run."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from pymap.backend.redis.connection import RedisClient
from pymap.backend.redis.scripts import Arg, Script
from pymap.interfaces.storage import MailboxSnapshot

from ...redis_server import RedisServer
from . import Pair, Trips, Truth, heard, inbox, open_backend


@pytest.fixture
async def pair(redis_server: RedisServer) -> AsyncIterator[Pair]:
    """Two backends (two processes' worth of caches and listeners) on one
    prefix, both subscribed to the change announcements, and a user
    ``john``."""
    first = await open_backend(redis_server.url)
    second = await open_backend(redis_server.url, first.keys.prefix)
    await first.client.set(first.keys.prefix + 'john', 'pw')
    await heard(first)
    await heard(second)
    yield first, second
    await first.close()
    await second.close()


@pytest.fixture
def truth(redis_server: RedisServer, pair: Pair) -> Truth:
    """Reads john's INBOX through a new backend, with an empty cache."""
    async def read() -> MailboxSnapshot:
        backend = await open_backend(redis_server.url, pair[0].keys.prefix)
        try:
            return await (await inbox(backend)).snapshot()
        finally:
            await backend.close()
    return read


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Trips:
    """The scripts run from now on, by name."""
    counts: Trips = Counter()
    run = Script.__call__

    async def counted(self: Script, client: RedisClient,
                      keys: Sequence[str], args: Sequence[Arg],
                      staged: Sequence[tuple[str, bytes]] = ()) -> Any:
        counts[self.name] += 1
        return await run(self, client, keys, args, staged)
    monkeypatch.setattr(Script, '__call__', counted)
    return counts

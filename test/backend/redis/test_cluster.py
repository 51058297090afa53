"""The redis backend on a three-master Redis Cluster of local
``redis-server`` processes (issue item 7): a subset of the behaviour suite
(mailbox management, STORE/COPY/MOVE, cross-session updates and IDLE) runs
here unchanged, and every key of a user is checked to live in one slot."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pymap.interfaces.storage import NewMessage
from pymap.testing import BackendFactory, ServerThread
from pymap.testing.conformance import (
    test_mailboxes,
    test_store_copy_move,
    test_updates,
)
from pymap.testing.rawclient import RawClient

from ...conftest import redis_backend_factory, require_tool
from ...redis_server import RedisCluster, redis_command
from . import open_backend

#: The suites whose tests run here too, and the fixtures of theirs they use.
_SUITES = (test_mailboxes, test_store_copy_move, test_updates)
_FIXTURES = frozenset({'client', 'tree', 'mailbox', 'open_raw', 'three'})

globals().update({
    name: value for suite in _SUITES for name, value in vars(suite).items()
    if name.startswith('test_') or name in _FIXTURES})


@pytest.fixture(scope='module')
def redis_cluster(tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[RedisCluster]:
    server = require_tool('redis-server', 'the cluster tests need Redis')
    cli = require_tool('redis-cli', 'the cluster is built by redis-cli')
    cluster = RedisCluster(server, cli, tmp_path_factory.mktemp('cluster'))
    with cluster.running():
        yield cluster


@pytest.fixture
def backend(redis_cluster: RedisCluster) -> BackendFactory:
    """The behaviour suite's backend, on the cluster."""
    return redis_backend_factory(redis_cluster.url)


def test_user_keys_share_one_slot(redis_cluster: RedisCluster,
                                  server: ServerThread) -> None:
    client = RawClient(server.host, server.port)
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    assert client.command(b'c CREATE Archive/2024')[-1].startswith(b'c OK')
    data = b'Subject: slot\r\n\r\nbody\r\n'
    assert client.command(b'a APPEND Archive/2024 {%d+}\r\n%s'
                          % (len(data), data))[-1].startswith(b'a OK')
    assert client.command(b's SUBSCRIBE Archive')[-1].startswith(b's OK')
    client.close()
    keys = [key for node in redis_cluster.nodes
            for key in _scan(redis_cluster.cli, node.port, '*{testuser}*')]
    assert len(keys) >= 8, keys
    assert [key for key in keys if ':content:' in key], keys
    assert not [key for key in keys if ':staged:' in key], keys
    slots = {redis_command(redis_cluster.nodes[0].port, 'CLUSTER',
                           'KEYSLOT', key) for key in keys}
    assert len(slots) == 1, keys


def _scan(cli: str, port: int, pattern: str) -> list[str]:
    """The keys of one node matching *pattern*."""
    result = subprocess.run([cli, '-p', str(port), '--scan', '--pattern',
                             pattern], capture_output=True, check=True,
                            text=True, timeout=10)
    return result.stdout.split()


async def test_change_pushed_across_processes(
        redis_cluster: RedisCluster) -> None:
    """Two backends (as in two processes) on the cluster: the listener
    subscribed on one node hears a change made on another."""
    first = await open_backend(redis_cluster.url)
    second = await open_backend(redis_cluster.url, first.keys.prefix)
    try:
        await first.users.set_user('john', 'pw')
        inbox = await (await first.users.mailboxes('john')).get_mailbox(
            'INBOX')
        other = await (await second.users.mailboxes('john')).get_mailbox(
            'INBOX')
        modseq = (await inbox.snapshot()).modseq
        await asyncio.sleep(0.2)  # both listeners subscribed
        waiter = asyncio.ensure_future(inbox.wait_for_change(modseq, 10.0))
        await asyncio.sleep(0.05)
        await other.append([NewMessage(b'Subject: x\r\n\r\ny\r\n',
                                       frozenset(), datetime.now(UTC))])
        await asyncio.wait_for(waiter, 2.0)
        assert (await first.health()).ok
        # Subscriber counts are per node: every change is announced.
        assert first.context.notifier.route == first.keys.channel
    finally:
        await first.close()
        await second.close()

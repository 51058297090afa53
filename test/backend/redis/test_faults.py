"""Redis going away mid-session (issue item 6): commands fail with
``NO [UNAVAILABLE]`` instead of breaking the connection, the backend
reconnects by itself once Redis is back, and every acknowledged message is
still there. The redis-server process is really stopped and restarted on
the same port and data directory."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pymap.interfaces.backend import HealthStatus
from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

from ...conftest import redis_backend_factory, require_tool
from ...redis_server import RedisServer

MESSAGE = b'Subject: kept %d\r\n\r\nacknowledged\r\n'
#: Seconds to wait for the backend to notice that Redis is back.
RECOVERY_TIMEOUT = 10.0


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    binary = require_tool('redis-server', 'the fault tests restart a '
                          'real Redis')
    with RedisServer(binary, tmp_path / 'redis') as server:
        yield server


@pytest.fixture
def server(redis: RedisServer) -> Iterator[ServerThread]:
    with ServerThread(redis_backend_factory(redis.url)) as thread:
        yield thread


def login(server: ServerThread) -> RawClient:
    client = RawClient(server.host, server.port)
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def append(client: RawClient, number: int) -> bytes:
    data = MESSAGE % number
    return client.command(b'a APPEND INBOX {%d+}\r\n%s'
                          % (len(data), data))[-1]


def subjects(client: RawClient) -> list[bytes]:
    lines = client.command(
        b'f UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
    assert lines[-1].startswith(b'f OK'), lines
    return re.findall(rb'Subject: (kept \d+)', b''.join(lines))


def until_ok(client: RawClient, line: bytes) -> list[bytes]:
    """Repeats a command until Redis answers again."""
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while True:
        lines = client.command(line)
        if b' OK ' in lines[-1] or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_outage_answers_unavailable_then_recovers(
        redis: RedisServer, server: ServerThread) -> None:
    client = login(server)
    assert append(client, 1).startswith(b'a OK [APPENDUID ')
    assert client.command(b's SELECT INBOX')[-1].startswith(b's OK ')
    redis.stop()
    assert append(client, 2).startswith(b'a NO [UNAVAILABLE]')
    assert client.command(b'n NOOP')[-1].startswith(b'n NO [UNAVAILABLE]')
    assert client.command(b'f FETCH 1 (FLAGS)')[-1] \
        .startswith(b'f NO [UNAVAILABLE]')
    assert client.command(b'c CAPABILITY')[-1].startswith(b'c OK ')
    redis.start()
    assert until_ok(client, b'n NOOP')[-1].startswith(b'n OK ')
    assert append(client, 3).startswith(b'a OK [APPENDUID ')
    assert subjects(client) == [b'kept 1', b'kept 3']
    client.close()


def test_no_acknowledged_message_lost(redis: RedisServer,
                                      server: ServerThread) -> None:
    client = login(server)
    for number in range(20):
        assert append(client, number).startswith(b'a OK ')
    assert client.command(b's SELECT INBOX')[-1].startswith(b's OK ')
    redis.stop()
    redis.start()
    until_ok(client, b'n NOOP')
    assert subjects(client) == [b'kept %d' % n for n in range(20)]
    client.close()


def test_login_during_outage(redis: RedisServer,
                             server: ServerThread) -> None:
    redis.stop()
    client = RawClient(server.host, server.port)
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l NO [UNAVAILABLE]')
    redis.start()
    assert until_ok(client, b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    client.close()


def test_idle_survives_restart(redis: RedisServer,
                               server: ServerThread) -> None:
    idler, writer = login(server), login(server)
    assert idler.command(b's SELECT INBOX')[-1].startswith(b's OK ')
    idler.send(b'i IDLE\r\n')
    assert idler.readline() == b'+ Idling.\r\n'
    redis.stop()
    redis.start()
    assert wait_health(server, server.backend, True)
    assert append(writer, 1).startswith(b'a OK ')
    assert idler.readline() == b'* 1 EXISTS\r\n'
    idler.send(b'DONE\r\n')
    assert idler.until_tagged(b'i')[-1].startswith(b'i OK ')
    idler.close()
    writer.close()


def test_health_follows_redis(redis: RedisServer,
                              server: ServerThread) -> None:
    from pymap.backend.redis import RedisBackend
    backend = server.backend
    assert isinstance(backend, RedisBackend)
    assert wait_health(server, backend, True)
    redis.stop()
    assert wait_health(server, backend, False)
    redis.start()
    assert wait_health(server, backend, True)


def wait_health(server: ServerThread, backend: object,
                expected: bool) -> bool:
    from pymap.backend.redis import RedisBackend
    assert isinstance(backend, RedisBackend)
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while time.monotonic() < deadline:
        health = server.call(backend.health())
        assert isinstance(health, HealthStatus)
        if health.ok == expected:
            return True
        time.sleep(0.05)
    return False

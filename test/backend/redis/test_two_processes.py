"""Two real ``pymap redis`` processes on one redis-server (issue item 4): a
client IDLEing on process A is told of an APPEND, a flag change and an
EXPUNGE made through process B within 100 ms, pushed over pub/sub."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pymap.plugin import load_services
from pymap.testing.rawclient import RawClient

from ...conftest import PASSWORD, USER
from ...processes import ending_with_us
from ...redis_server import RedisServer, free_port, redis_command

#: Keeps the admin service (when installed) off during these tests.
_NO_ADMIN = ['--no-admin'] if 'admin' in load_services() else []
#: The longest a pushed update may take to reach the IDLEing client.
PUSH_LIMIT = 0.100
MESSAGE = b'Subject: across\r\n\r\nfrom process B\r\n'


def start_pymap(redis: RedisServer, prefix: str, directory: Path,
                options: Sequence[str] = ()
                ) -> tuple[subprocess.Popen[bytes], int]:
    """A ``pymap redis`` process on a free port, with extra backend
    *options*; waits until it listens."""
    port = free_port()
    log = open(directory / f'pymap-{port}.log', 'wb')  # noqa: SIM115
    with log:
        process = subprocess.Popen(
            ending_with_us([
                sys.executable, '-m', 'pymap', '--host', '127.0.0.1',
                '--port', str(port), *_NO_ADMIN, 'redis', redis.url,
                '--prefix', prefix, *options]),
            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'pymap exited; see {directory}')
        try:
            socket.create_connection(('127.0.0.1', port), 1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise TimeoutError('pymap did not start')


@pytest.fixture
def ports(redis_server: RedisServer,
          tmp_path: Path) -> Iterator[tuple[int, int]]:
    """The ports of processes A and B, sharing a fresh key prefix."""
    prefix = f'two-{uuid.uuid4().hex}/'
    redis_command(redis_server.port, 'SET', prefix + USER, PASSWORD)
    started: list[subprocess.Popen[bytes]] = []
    ports: list[int] = []
    try:
        for _ in range(2):
            process, port = start_pymap(redis_server, prefix, tmp_path)
            started.append(process)
            ports.append(port)
        yield ports[0], ports[1]
    finally:
        for process in started:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def session(port: int) -> RawClient:
    client = RawClient('127.0.0.1', port)
    assert client.command(b'l LOGIN %s %s' % (USER.encode(),
                                               PASSWORD.encode()))[-1] \
        .startswith(b'l OK ')
    assert client.command(b's SELECT INBOX')[-1].startswith(b's OK ')
    return client


def pushed(client: RawClient, pattern: bytes, since: float) -> float:
    """Seconds from *since* until a line matching *pattern* arrived."""
    while True:
        line = client.readline()
        assert line, 'connection closed'
        if re.fullmatch(pattern, line):
            return time.monotonic() - since


def test_idle_sees_other_process(ports: tuple[int, int]) -> None:
    idler, other = session(ports[0]), session(ports[1])
    idler.send(b'i IDLE\r\n')
    assert idler.readline() == b'+ Idling.\r\n'

    lines = other.command(b'a APPEND INBOX {%d+}\r\n%s'
                          % (len(MESSAGE), MESSAGE))
    assert lines[-1].startswith(b'a OK '), lines
    assert pushed(idler, rb'\* 1 EXISTS\r\n', time.monotonic()) \
        < PUSH_LIMIT

    assert other.command(b'f STORE 1 +FLAGS (\\Flagged)')[-1] \
        .startswith(b'f OK ')
    assert pushed(idler, rb'\* 1 FETCH \(.*\\Flagged.*\)\r\n',
                  time.monotonic()) < PUSH_LIMIT

    assert other.command(b'd STORE 1 +FLAGS.SILENT (\\Deleted)')[-1] \
        .startswith(b'd OK ')
    assert other.command(b'e EXPUNGE')[-1].startswith(b'e OK ')
    assert pushed(idler, rb'\* 1 EXPUNGE\r\n', time.monotonic()) \
        < PUSH_LIMIT

    idler.send(b'DONE\r\n')
    assert idler.until_tagged(b'i')[-1].startswith(b'i OK ')
    idler.close()
    other.close()


def test_changes_seen_without_idle(ports: tuple[int, int]) -> None:
    """A's NOOP reports what B did; A's cached snapshot catches up."""
    first, second = session(ports[0]), session(ports[1])
    for _ in range(3):
        assert second.command(b'a APPEND INBOX {%d+}\r\n%s'
                              % (len(MESSAGE), MESSAGE))[-1] \
            .startswith(b'a OK ')
    assert b'* 3 EXISTS\r\n' in first.command(b'n NOOP')
    assert second.command(b'c UID COPY 1:3 INBOX')[-1].startswith(b'c OK ')
    assert second.command(b'm UID MOVE 1 INBOX')[-1].startswith(b'm OK ')
    lines = first.command(b'n NOOP')
    assert b'* 1 EXPUNGE\r\n' in lines
    assert b'* 6 EXISTS\r\n' in lines
    uids = re.findall(rb'UID (\d+)', b''.join(
        first.command(b'f FETCH 1:* (UID)')))
    assert uids == [b'2', b'3', b'4', b'5', b'6', b'7']
    first.close()
    second.close()

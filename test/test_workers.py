"""``--workers``: several processes share the port, and a change made
through one worker reaches IDLE clients served by the others."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pymap.testing import TEST_PASSWORD, TEST_USER
from pymap.testing.rawclient import RawClient

from .processes import ending_with_us, free_port, wait_for_port

WORKERS = 3
CLIENTS = 8


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    users = tmp_path / 'users.txt'
    users.write_text(f'{TEST_USER}::{TEST_PASSWORD}\n')
    port = free_port()
    proc = subprocess.Popen(
        ending_with_us([
            sys.executable, '-m', 'pymap', '--host', '127.0.0.1', '--port',
            str(port), '--no-admin', '--workers', str(WORKERS), 'maildir',
            str(users)]),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, proc)
    _wait_for_children(proc.pid, WORKERS)
    yield proc, port
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def _children(pid: int) -> set[int]:
    path = Path(f'/proc/{pid}/task/{pid}/children')
    return {int(child) for child in path.read_text().split()}


def _wait_for_children(pid: int, count: int, timeout: float = 30.0) -> None:
    """Returns once *pid* has forked *count* workers (the listening socket
    accepts connections before the last of them is forked), or after
    *timeout* seconds, leaving the test to report the shortfall."""
    deadline = time.monotonic() + timeout
    while len(_children(pid)) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _login_select(port: int) -> RawClient:
    client = RawClient('127.0.0.1', port)
    client.command(b'a LOGIN %s %s' % (TEST_USER.encode(),
                                       TEST_PASSWORD.encode()))
    client.command(b'b SELECT INBOX')
    return client


def test_updates_reach_idle_clients_of_every_worker(
        workers: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = workers
    assert len(_children(proc.pid)) == WORKERS
    idlers = [_login_select(port) for _ in range(CLIENTS)]
    for idler in idlers:
        idler.send(b'i IDLE\r\n')
        assert idler.readline().startswith(b'+ ')
    writer = _login_select(port)
    message = b'Subject: across workers\r\n\r\nhello\r\n'
    lines = writer.command(b'w APPEND INBOX {%d+}\r\n%s'
                           % (len(message), message))
    assert lines[-1].startswith(b'w OK')
    for idler in idlers:
        assert idler.readline() == b'* 1 EXISTS\r\n'
        idler.close()
    writer.close()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0


def _exited(pid: int) -> bool:
    """Whether *pid* is gone or a zombie nobody reaped yet."""
    try:
        stat = Path(f'/proc/{pid}/stat').read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(')', 1)[1].split()[0] == 'Z'


def test_workers_stop_when_the_parent_is_killed(
        workers: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = workers
    children = _children(proc.pid)
    assert len(children) == WORKERS
    proc.kill()
    proc.wait(10)
    deadline = time.monotonic() + 20
    while not all(map(_exited, children)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(_exited, children))
    with pytest.raises(OSError):
        RawClient('127.0.0.1', port)

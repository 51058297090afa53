"""The maildir targets of a large folder: SELECT after a restart and warm,
``FETCH 1:* (UID FLAGS)`` after a restart and warm, and the server's peak
memory. Messages are dropped into ``new/`` as an MTA would deliver them.

    python bench/maildir_large.py [--messages 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from servers import BENCH_PASSWORD, BENCH_USER

_MESSAGE = (b'From: sender%d@example.com\r\nTo: bench@example.com\r\n'
            b'Subject: message %d\r\nDate: Mon, 4 Nov 2024 09:00:00 +0000\r\n'
            b'\r\n' + b'A line of body text.\r\n' * 20)


def _deliver(maildir: Path, count: int) -> None:
    for sub in ('cur', 'new', 'tmp'):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    for number in range(count):
        name = f'{1700000000 + number}.M{number}P1.bench'
        (maildir / 'new' / name).write_bytes(_MESSAGE % (number, number))


@contextlib.contextmanager
def _server(users: Path) -> Iterator[tuple[int, int]]:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, '-m', 'pymap', '--host', '127.0.0.1', '--port',
         str(port), '--no-admin', 'maildir', str(users)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(('127.0.0.1', port), 1).close()
                break
            time.sleep(0.05)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


class _Client:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(('127.0.0.1', port), 30)
        self.file = self.sock.makefile('rb')
        self.file.readline()

    def timed(self, line: bytes) -> tuple[float, int]:
        tag = line.split(b' ', 1)[0]
        start = time.perf_counter()
        self.sock.sendall(line + b'\r\n')
        count = 0
        while not (response := self.file.readline()).startswith(tag + b' '):
            count += 1
        assert response.startswith(tag + b' OK'), response
        return time.perf_counter() - start, count


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
    return 0.0


def _session(port: int, label: str) -> None:
    client = _Client(port)
    client.timed(b'l LOGIN %s %s' % (BENCH_USER.encode(),
                                     BENCH_PASSWORD.encode()))
    for phase in ('after restart', 'warm'):
        elapsed, _ = client.timed(b's SELECT INBOX')
        print(f'{label:14} SELECT {phase:13} {elapsed:8.3f} s')
        elapsed, lines = client.timed(b'f FETCH 1:* (UID FLAGS)')
        print(f'{label:14} FETCH  {phase:13} {elapsed:8.3f} s '
              f'{lines / elapsed:12,.0f} msg/s')
    client.sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--messages', type=int, default=100_000)
    count = parser.parse_args().messages
    with tempfile.TemporaryDirectory() as tmp:
        users = Path(tmp) / 'users.txt'
        users.write_text(f'{BENCH_USER}::{BENCH_PASSWORD}\n')
        _deliver(Path(tmp) / BENCH_USER, count)
        with _server(users) as (port, _):
            _session(port, 'first delivery')
        with _server(users) as (port, pid):
            _session(port, 'restarted')
            print(f'peak server memory {_peak_rss_mib(pid):.0f} MiB')


if __name__ == '__main__':
    main()

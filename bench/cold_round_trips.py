"""Times one NOOP round trip after the connection sat idle for a while,
for pymap and the peers that are installed, and a PING to Redis alike
(doc/performance.md, "The yardstick's own ceiling").

The idle-fanout scenario lets the server sit idle for 0.3 s before each
delivery. This shows what that pause alone costs on the machine, whatever
the server: the same small command, answered at once when the server and
client are busy, takes longer the longer both CPUs sat idle first.

    python bench/cold_round_trips.py [--servers ...] [--redis-url URL]
        [--old-pymap /path/to/venv/bin/pymap] [--tries 30]

The server is pinned to CPU 0 and this client to CPU 1, as in the
benchmark's table.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from servers import (
    BENCH_PASSWORD,
    BENCH_USER,
    available_servers,
    present_cpu,
    start_server,
)

#: Seconds of silence before each timed command.
PAUSES = (0.0, 0.001, 0.01, 0.05, 0.3)
#: Per server (or Redis), the median round trip after each pause, in µs.
Rows = list[tuple[str, list[float]]]


class _Line:
    """A bare client socket: a command out, bytes in until a marker."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def ask(self, command: bytes, until: bytes) -> bytes:
        self.sock.sendall(command)
        received = b''
        while until not in received:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f'closed before {until!r}')
            received += chunk
        return received

    def close(self) -> None:
        self.sock.close()


def _median_after(pause: float, tries: int,
                  round_trip: Callable[[], object]) -> float:
    """The median time of *round_trip*, in µs, each try after *pause*."""
    times = []
    for _ in range(tries):
        time.sleep(pause)
        start = time.perf_counter()
        round_trip()
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def _imap_row(port: int, tries: int) -> list[float]:
    line = _Line('127.0.0.1', port)
    try:
        line.ask(b'', b'\r\n')  # the greeting
        line.ask(b'a LOGIN %s %s\r\n' % (BENCH_USER.encode(),
                                         BENCH_PASSWORD.encode()), b'a OK')
        line.ask(b'b SELECT INBOX\r\n', b'b OK')
        return [_median_after(pause, tries,
                              lambda: line.ask(b'n NOOP\r\n', b'n OK'))
                for pause in PAUSES]
    finally:
        line.close()


def _redis_row(redis_url: str, tries: int) -> list[float]:
    url = urlsplit(redis_url)
    line = _Line(url.hostname or '127.0.0.1', url.port or 6379)
    try:
        return [_median_after(pause, tries,
                              lambda: line.ask(b'PING\r\n', b'+PONG\r\n'))
                for pause in PAUSES]
    finally:
        line.close()


def measure(kinds: Sequence[str], redis_url: str | None,
            old_pymap: str | None, tries: int) -> Rows:
    """One row per server (and one for Redis's PING): median µs per
    pause of :data:`PAUSES`."""
    rows: Rows = []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # Dovecot's mail user reaches its files
        for kind in kinds:
            with start_server(kind, Path(tmp) / kind, 0, redis_url,
                              old_pymap) as server:
                rows.append((f'{kind} NOOP', _imap_row(server.port, tries)))
        if redis_url:
            rows.append(('Redis PING', _redis_row(redis_url, tries)))
    return rows


def table(rows: Rows) -> str:
    """The rows as a Markdown table."""
    head = ' | '.join(f'after {pause * 1000:g} ms' for pause in PAUSES)
    lines = [f'| µs, median | {head} |',
             '|---' * (len(PAUSES) + 1) + '|']
    lines += [f'| {name} | ' + ' | '.join(f'{value:,.0f}' for value in values)
              + ' |' for name, values in rows]
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--servers', nargs='*', help='only these servers')
    parser.add_argument('--redis-url', metavar='URL',
                        help='a Redis for the redis backend, also PINGed')
    parser.add_argument('--old-pymap', metavar='SCRIPT',
                        help="the pymap script of a venv with pymap==0.36.7")
    parser.add_argument('--tries', type=int, default=30,
                        help='round trips per pause (default: 30)')
    args = parser.parse_args()
    client_cpu = present_cpu(1)
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})
    kinds = args.servers or available_servers(args.redis_url,
                                              args.old_pymap)
    print(table(measure(kinds, args.redis_url, args.old_pymap, args.tries)))


if __name__ == '__main__':
    main()

"""Times APPEND from Python's own client, :mod:`imaplib`, against pymap on
each backend and the peers that are installed.

imaplib writes a literal and the end of its command line in two writes,
with Nagle's algorithm on, so the second waits until the server's kernel
acknowledges the first. The yardstick writes both at once and never sees
that wait; this shows what an imaplib user does (doc/performance.md,
"Commands that arrive in pieces").

    python bench/stdlib_append.py [--appends 50] [--servers ...]
        [--old-pymap /path/to/venv/bin/pymap] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import imaplib
import tempfile
import time
from pathlib import Path

from servers import (
    BENCH_PASSWORD,
    BENCH_USER,
    available_servers,
    start_server,
)

_MESSAGE = (b'From: sender@example.com\r\nTo: bench@example.com\r\n'
            b'Subject: appended by imaplib\r\n\r\n'
            + b'A line of text.\r\n' * 20)


def _ms_per_append(port: int, appends: int) -> float:
    client = imaplib.IMAP4('127.0.0.1', port)
    try:
        client.login(BENCH_USER, BENCH_PASSWORD)
        start = time.perf_counter()
        for _ in range(appends):
            status, _ = client.append('INBOX', None, None, _MESSAGE)
            if status != 'OK':
                raise RuntimeError(f'APPEND answered {status}')
        return (time.perf_counter() - start) / appends * 1e3
    finally:
        client.logout()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--appends', type=int, default=50)
    parser.add_argument('--servers', nargs='+', metavar='KIND')
    parser.add_argument('--old-pymap', metavar='PATH')
    parser.add_argument('--redis-url', metavar='URL')
    args = parser.parse_args()
    kinds = args.servers or available_servers(args.redis_url, args.old_pymap)
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # Dovecot's unprivileged processes look in
        for kind in kinds:
            with start_server(kind, Path(tmp) / kind, None, args.redis_url,
                              args.old_pymap) as server:
                took = _ms_per_append(server.port, args.appends)
            print(f'{kind:20} {took:8.2f} ms per imaplib APPEND', flush=True)


if __name__ == '__main__':
    main()

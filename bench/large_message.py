"""Times FETCH BODY.PEEK[] of one large message and reads the server's
peak memory around it, for pymap on each backend and the peers that are
installed (doc/performance.md, "Large messages").

    python bench/large_message.py [--size 3000000] [--fetches 200]
        [--servers ...] [--redis-url URL]
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

_LINE = b'x' * 76 + b'\r\n'


def _peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory, if it can be read."""
    try:
        status = Path(f'/proc/{pid}/status').read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
    return None


def _measure(port: int, pid: int, size: int, fetches: int) -> str:
    client = imaplib.IMAP4('127.0.0.1', port)
    try:
        client.login(BENCH_USER, BENCH_PASSWORD)
        message = b'Subject: large\r\n\r\n' + _LINE * (size // len(_LINE))
        client.append('INBOX', None, None, message)
        client.select('INBOX')
        before = _peak_rss_mib(pid)
        start = time.perf_counter()
        for _ in range(fetches):
            client.fetch('1', '(BODY.PEEK[])')
        took = (time.perf_counter() - start) / fetches * 1e3
        after = _peak_rss_mib(pid)
    finally:
        client.logout()
    peaks = 'n/a' if before is None or after is None \
        else f'{before:.1f} MiB after APPEND, {after:.1f} MiB after FETCH'
    return f'{took:8.2f} ms per FETCH; peak memory {peaks}'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--size', type=int, default=3_000_000)
    parser.add_argument('--fetches', type=int, default=200)
    parser.add_argument('--servers', nargs='+', metavar='KIND')
    parser.add_argument('--redis-url', metavar='URL')
    args = parser.parse_args()
    kinds = args.servers or available_servers(args.redis_url, None)
    options = ('--max-append', str(2 * args.size))
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # Dovecot's unprivileged processes look in
        for kind in kinds:
            with start_server(kind, Path(tmp) / kind, None, args.redis_url,
                              options=options) as server:
                result = _measure(server.port, server.pid, args.size,
                                  args.fetches)
            print(f'{kind:15} {result}', flush=True)


if __name__ == '__main__':
    main()

"""Times APPEND and UID STORE in a selected mailbox, small and large, on
each pymap backend: what one change costs as the mailbox grows
(doc/performance.md, "Large mailboxes").

The mailbox is filled with MULTIAPPEND (RFC 3502), 1,000 messages a
command; one session selects it and then appends messages and flags them
one command at a time, waiting for each answer.

    python bench/mailbox_changes.py [--sizes 2000,100000] [--changes 200]
        [--servers pymap-dict pymap-maildir] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import time
from pathlib import Path

from servers import BENCH_PASSWORD, BENCH_USER, start_server

_MESSAGE = (b'From: sender@example.com\r\nTo: bench@example.com\r\n'
            b'Subject: a message of a large mailbox\r\n\r\n'
            + b'A line of text.\r\n' * 20)
_BATCH = 1000


class _Client:
    """A client that sends one command and reads to its tagged answer."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(('127.0.0.1', port), 120)
        self.file = self.sock.makefile('rb')
        self.file.readline()
        self.tag = 0
        self.run(b'LOGIN %s %s' % (BENCH_USER.encode(),
                                   BENCH_PASSWORD.encode()))

    def run(self, command: bytes) -> None:
        self.tag += 1
        tag = b't%d ' % self.tag
        self.sock.sendall(tag + command + b'\r\n')
        while not (line := self.file.readline()).startswith(tag):
            if not line:
                raise ConnectionError('the server closed the connection')
        if not line.startswith(tag + b'OK'):
            raise RuntimeError(line.decode(errors='replace'))

    def fill(self, count: int) -> None:
        literal = b' {%d+}\r\n%s' % (len(_MESSAGE), _MESSAGE)
        for start in range(0, count, _BATCH):
            self.run(b'APPEND INBOX' + literal * min(_BATCH, count - start))

    def ms_per_command(self, commands: list[bytes]) -> float:
        start = time.perf_counter()
        for command in commands:
            self.run(command)
        return (time.perf_counter() - start) / len(commands) * 1000


def _measure(kind: str, size: int, changes: int,
             redis_url: str | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp, \
            start_server(kind, Path(tmp), None, redis_url) as server:
        client = _Client(server.port)
        client.fill(size)
        client.run(b'SELECT INBOX')
        literal = b'{%d+}\r\n%s' % (len(_MESSAGE), _MESSAGE)
        append = client.ms_per_command(
            [b'APPEND INBOX ' + literal] * changes)
        store = client.ms_per_command(
            [b'UID STORE %d +FLAGS (\\Seen)' % (uid + 1)
             for uid in range(changes)])
        client.run(b'LOGOUT')
        return append, store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--sizes', default='2000,100000',
                        help='mailbox sizes, comma-separated')
    parser.add_argument('--changes', type=int, default=200,
                        help='APPENDs and STOREs timed per mailbox')
    parser.add_argument('--servers', nargs='+', metavar='KIND',
                        choices=['pymap-dict', 'pymap-maildir',
                                 'pymap-redis'])
    parser.add_argument('--redis-url', metavar='URL',
                        help='a Redis for the redis backend')
    args = parser.parse_args()
    kinds = args.servers or ['pymap-dict', 'pymap-maildir'] + \
        (['pymap-redis'] if args.redis_url else [])
    print(f'{"server":14} {"messages":>9} {"APPEND ms":>10} '
          f'{"STORE ms":>9}')
    for kind in kinds:
        for size in (int(size) for size in args.sizes.split(',')):
            append, store = _measure(kind, size, args.changes,
                                     args.redis_url)
            print(f'{kind:14} {size:9,} {append:10.3f} {store:9.3f}',
                  flush=True)


if __name__ == '__main__':
    main()

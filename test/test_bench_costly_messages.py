"""bench/costly_messages.py keeps working: run tiny against pymap on the
dict, maildir and redis backends, it prints a row for each server and
kind of message, with a time for each column (timings are not
checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .redis_server import RedisServer

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ('pymap-dict', 'pymap-maildir', 'pymap-redis')
MESSAGES = ('parts', 'to', 'base64', 'attachment', 'text', 'attachment-lf',
            'text-lf')
#: APPEND, its worst NOOP, first and later FETCH, their p99 and worst NOOP.
COLUMNS = 6


def test_costly_messages_prints_a_row_per_server_and_message(
        redis_server: RedisServer) -> None:
    # A database of its own: the bench empties the one it is given.
    redis_url = redis_server.url.rsplit('/', 1)[0] + '/15'
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'costly_messages.py'),
         '--scale', '0.01', '--fetches', '2', '--servers', *SERVERS,
         '--redis-url', redis_url],
        capture_output=True, text=True, timeout=120, check=True)
    rows = {(match.group(1), match.group(2)): match.group(3).split(' | ')
            for match in re.finditer(r'^\| (\S+) \| ([\w-]+) \| (.*) \|$',
                                     result.stdout, re.MULTILINE)
            if match.group(1) != 'server'}
    assert set(rows) == {(server, message) for server in SERVERS
                         for message in MESSAGES}, result.stdout
    for values in rows.values():
        assert len(values) == COLUMNS
        assert all(float(value.replace(',', '')) > 0 for value in values)

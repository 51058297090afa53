"""bench/cold_round_trips.py keeps working: run tiny against pymap's dict
backend and a real Redis, it prints a row of round trips for each, one
per pause (timings are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .redis_server import RedisServer

ROOT = Path(__file__).resolve().parent.parent
PAUSES = 5


def test_cold_round_trips_prints_a_row_per_server(
        redis_server: RedisServer) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'cold_round_trips.py'),
         '--servers', 'pymap-dict', '--redis-url', redis_server.url,
         '--tries', '2'],
        capture_output=True, text=True, timeout=300, check=True)
    rows = {match.group(1): match.group(2).split(' | ') for match in
            re.finditer(r'^\| (pymap-dict NOOP|Redis PING) \| (.*) \|$',
                        result.stdout, re.MULTILINE)}
    assert set(rows) == {'pymap-dict NOOP', 'Redis PING'}, result.stdout
    for values in rows.values():
        assert len(values) == PAUSES
        assert all(float(value.replace(',', '')) > 0 for value in values)

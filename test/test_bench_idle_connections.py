"""bench/idle_connections.py keeps working: run tiny, it measures every
state on both backends and delivers every EXISTS (timings are not
checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_idle_connections_benchmark_runs_tiny() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'idle_connections.py'),
         '--backends', 'dict,maildir', '--connections', '20',
         '--fanout-connections', '20', '--appends', '2', '--messages', '5',
         '--warmup', '2', '--settle', '0', '--interval', '0',
         '--server-cpu', '-1', '--client-cpu', '-1', '--json'],
        capture_output=True, text=True, timeout=600, check=True)
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    memory = {(entry['backend'], entry['state']) for entry in entries
              if 'state' in entry}
    assert memory == {(backend, state) for backend in ('dict', 'maildir')
                      for state in ('greeted', 'selected', 'idle')}
    fanouts = [entry for entry in entries if 'state' not in entry]
    assert [entry['backend'] for entry in fanouts] == ['dict', 'maildir']
    for entry in entries:
        assert entry['refusals'] == 0
        assert entry['connections'] == 20
    for entry in fanouts:
        assert entry['missing'] == 0
        assert entry['p50_ms'] <= entry['max_ms']

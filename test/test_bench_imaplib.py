"""The benchmarks that drive servers through real sockets keep working:
run tiny against pymap's dict and maildir backends, each reports a time
for each server (timings are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ['pymap-dict', 'pymap-maildir']


def _reported(script: str, *args: str, pattern: str) -> list[float]:
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / script), *args,
         '--servers', *SERVERS],
        capture_output=True, text=True, timeout=300, check=True)
    reported = re.findall(r'^(\S+) +([0-9.]+) ' + pattern, result.stdout,
                          re.MULTILINE)
    assert [kind for kind, _ in reported] == SERVERS, result.stdout
    return [float(took) for _, took in reported]


def test_stdlib_append_benchmark_runs_tiny() -> None:
    took = _reported('stdlib_append.py', '--appends', '3',
                     pattern='ms per imaplib APPEND$')
    assert all(value > 0 for value in took)


def test_large_message_benchmark_runs_tiny() -> None:
    took = _reported('large_message.py', '--size', '200000',
                     '--fetches', '2',
                     pattern=r'ms per FETCH; peak memory [0-9.]+ MiB after '
                             r'APPEND, [0-9.]+ MiB after FETCH$')
    assert all(value > 0 for value in took)


def test_mailbox_changes_benchmark_runs_tiny() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'mailbox_changes.py'),
         '--sizes', '1500', '--changes', '3', '--servers', *SERVERS],
        capture_output=True, text=True, timeout=300, check=True)
    reported = re.findall(r'^(\S+) +1,500 +([0-9.]+) +([0-9.]+)$',
                          result.stdout, re.MULTILINE)
    assert [kind for kind, *_ in reported] == SERVERS, result.stdout
    assert all(float(took) > 0 for _, *times in reported for took in times)

"""bench/run.py keeps working: one short round of one scenario against
pymap's dict backend prints its tables (throughput, and the server's CPU
time per operation), and leaves doc/performance.md alone when only some
scenarios run; idle-fanout, timed in a run of its own, still has its
latencies and the server's peak memory (timings are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _row(name: str, output: str) -> float:
    row = re.search(rf'^\| {name} \| ([0-9,.]+) \|$', output, re.MULTILINE)
    assert row is not None, output
    return float(row.group(1).replace(',', ''))


def test_run_prints_a_table_of_the_chosen_scenarios() -> None:
    page = ROOT / 'doc' / 'performance.md'
    before = page.read_bytes()
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'run.py'), '--servers',
         'pymap-dict', '--scenarios', 'store', '--rounds', '1',
         '--duration', '0.5'],
        capture_output=True, text=True, timeout=300, check=True)
    assert page.read_bytes() == before
    assert _row('store', result.stdout) > 0
    cpu = result.stdout.split('| server CPU per operation, µs |', 1)
    assert len(cpu) == 2, result.stdout
    assert _row('store', cpu[1]) > 0


def test_run_times_idle_fanout_on_its_own() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'run.py'), '--servers',
         'pymap-dict', '--scenarios', 'idle-fanout', '--rounds', '1',
         '--idle-rounds', '2'],
        capture_output=True, text=True, timeout=300, check=True)
    assert _row('idle-fanout', result.stdout) > 0
    assert _row('idle-fanout p50', result.stdout) > 0
    assert _row('peak memory', result.stdout) > 10

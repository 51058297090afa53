"""bench/run.py keeps working: one short round of one scenario against
pymap's dict backend prints its tables (throughput, and the server's CPU
time per operation), and leaves doc/performance.md alone when only some
scenarios run (timings are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_run_prints_a_table_of_the_chosen_scenarios() -> None:
    page = ROOT / 'doc' / 'performance.md'
    before = page.read_bytes()
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'run.py'), '--servers',
         'pymap-dict', '--scenarios', 'store', '--rounds', '1',
         '--duration', '0.5'],
        capture_output=True, text=True, timeout=300, check=True)
    assert page.read_bytes() == before
    row = re.search(r'^\| store \| ([0-9,.]+) \|$', result.stdout,
                    re.MULTILINE)
    assert row is not None, result.stdout
    assert float(row.group(1).replace(',', '')) > 0
    cpu = result.stdout.split('| server CPU per operation, µs |', 1)
    assert len(cpu) == 2, result.stdout
    cpu_row = re.search(r'^\| store \| ([0-9,.]+) \|$', cpu[1],
                        re.MULTILINE)
    assert cpu_row is not None, result.stdout
    assert float(cpu_row.group(1).replace(',', '')) > 0

"""bench/run.py keeps working: one short round of one scenario against
pymap's dict backend prints its tables (throughput, and the server's CPU
time per operation), and leaves doc/performance.md alone when only some
scenarios run; idle-fanout, timed in a run of its own, still has its
latencies and the server's peak memory; the null server is asked only
for the scenarios it serves; a server on disk keeps its mailboxes and
still has its table (timings are not checked)."""

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


def _run(server: str, scenarios: str, *options: str) -> str:
    """What one round of bench/run.py prints."""
    return subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'run.py'), '--servers',
         server, '--scenarios', scenarios, '--rounds', '1', *options],
        capture_output=True, text=True, timeout=300, check=True).stdout


def test_run_prints_a_table_of_the_chosen_scenarios() -> None:
    page = ROOT / 'doc' / 'performance.md'
    before = page.read_bytes()
    output = _run('pymap-dict', 'store', '--duration', '0.5')
    assert page.read_bytes() == before
    assert _row('store', output) > 0
    cpu = output.split('| server CPU per operation, µs |', 1)
    assert len(cpu) == 2, output
    assert _row('store', cpu[1]) > 0


def test_run_times_idle_fanout_on_its_own() -> None:
    output = _run('pymap-dict', 'idle-fanout', '--idle-rounds', '2')
    assert _row('idle-fanout', output) > 0
    assert _row('idle-fanout p50', output) > 0
    assert _row('peak memory', output) > 10


def test_run_asks_the_null_server_only_what_it_serves() -> None:
    # It answers a SEARCH with every message: a rate that means nothing.
    output = _run('null-server', 'search,store', '--duration', '0.5')
    assert _row('store', output) > 0
    assert '| search' not in output


def test_run_keeps_the_mailboxes_of_a_server_on_disk() -> None:
    # The yardstick is run with --keep for maildir: it must still answer.
    output = _run('pymap-maildir', 'store', '--duration', '0.5')
    assert _row('store', output) > 0

"""bench/null_server.py keeps serving the scenarios it claims: the
yardstick runs them against it, tiny, without an error or a byte wrong
(timings are not checked)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .processes import ending_with_us, free_port, wait_for_port
from .strict import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
YARDSTICK = ROOT.parent / 'shared' / 'bench' / 'imapbench.py'


def _claimed_scenarios() -> frozenset[str]:
    """The scenarios null_server.py says it serves, which bench/run.py
    asks of it."""
    spec = importlib.util.spec_from_file_location(
        'null_server', ROOT / 'bench' / 'null_server.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scenarios: frozenset[str] = module.SCENARIOS
    return scenarios


SCENARIOS = sorted(_claimed_scenarios())


@pytest.fixture
def null_port() -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen(ending_with_us(
        [sys.executable, str(ROOT / 'bench' / 'null_server.py'),
         '--port', str(port)]))
    try:
        wait_for_port(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def test_yardstick_runs_against_null_server(null_port: int) -> None:
    if not YARDSTICK.exists():
        skip_or_fail(f'the yardstick is not at {YARDSTICK}')
    result = subprocess.run(
        [sys.executable, str(YARDSTICK), '--port', str(null_port),
         '--user', 'bench', '--password', 'bench', '--label', 'null',
         '--scenarios', ','.join(SCENARIOS), '--messages', '30',
         '--duration', '0.3', '--idle-clients', '3', '--idle-rounds', '2',
         '--idle-settle', '0.05'],
        capture_output=True, text=True, timeout=300, check=True)
    reports = {entry['scenario']: entry for entry
               in map(json.loads, result.stdout.splitlines())}
    assert set(reports) == set(SCENARIOS)
    for entry in reports.values():
        assert entry['errors'] == 0, entry
        assert 'failed' not in entry
    assert reports['fetch-body']['mismatches'] == 0
    assert reports['idle-fanout']['p99_ms'] > 0

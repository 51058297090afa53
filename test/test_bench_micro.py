"""The micro-benchmarks (bench/micro) keep working: run once each, without
timing, every one of them passes the checks it makes of what it times."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_micro_benchmark_runs_once() -> None:
    result = subprocess.run(
        [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
         '--benchmark-disable', str(ROOT / 'bench' / 'micro')],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    passed = re.search(r'(\d+) passed', result.stdout)
    assert passed is not None and int(passed.group(1)) >= 20, result.stdout
    assert 'failed' not in result.stdout and 'skipped' not in result.stdout

"""bench/stdlib_append.py keeps working: run tiny against pymap's dict
and maildir backends, it reports a time for each (timings are not
checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_stdlib_append_benchmark_runs_tiny() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / 'bench' / 'stdlib_append.py'),
         '--appends', '3', '--servers', 'pymap-dict', 'pymap-maildir'],
        capture_output=True, text=True, timeout=300, check=True)
    reported = re.findall(r'^(\S+) +([0-9.]+) ms per imaplib APPEND$',
                          result.stdout, re.MULTILINE)
    assert [kind for kind, _ in reported] == ['pymap-dict', 'pymap-maildir']
    assert all(float(took) > 0 for _, took in reported)

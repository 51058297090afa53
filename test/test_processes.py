"""Servers started by tests end with the test run (test/processes.py): a
process started through ``ending_with_us`` gets SIGTERM from the kernel
when the process that started it dies, even by SIGKILL, so a run cut
short leaves no server behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .backends import require_tool
from .processes import ending_with_us

#: Starts the process given as JSON, prints its pid and waits.
_STARTER = ('import json, subprocess, sys, time\n'
            'child = subprocess.Popen(json.loads(sys.argv[1]))\n'
            'print(child.pid, flush=True)\n'
            'time.sleep(60)\n')


def _started(pid: int, name: str) -> bool:
    """Whether *pid* runs the program *name* yet (setpriv has set the
    death signal before it starts the program)."""
    try:
        return Path(f'/proc/{pid}/comm').read_text().strip() == name
    except FileNotFoundError:
        return False


def _running(pid: int) -> bool:
    """Whether *pid* is alive: neither gone nor a zombie waiting to be
    reaped."""
    try:
        stat = Path(f'/proc/{pid}/stat').read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(')')[2].split()[0] != 'Z'


def test_started_process_ends_with_its_starter() -> None:
    require_tool('setpriv', 'it ends the servers of a run cut short')
    starter = subprocess.Popen(
        [sys.executable, '-c', _STARTER,
         json.dumps(ending_with_us(['sleep', '60']))],
        stdout=subprocess.PIPE, text=True)
    assert starter.stdout is not None
    pid = int(starter.stdout.readline())
    try:
        deadline = time.monotonic() + 10
        while not _started(pid, 'sleep') and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _running(pid) and _started(pid, 'sleep')
        starter.kill()
        starter.wait()
        deadline = time.monotonic() + 10
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _running(pid)
    finally:
        starter.stdout.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

"""Tests of the admin service and ``pymap-admin``: in process against
every backend, and end to end against ``pymap`` processes (helpers
below)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from ..processes import ending_with_us

__all__ = ['PymapProcess', 'free_port', 'run_admin']


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port: int = sock.getsockname()[1]
        return port


class PymapProcess:
    """``python -m pymap ... dict`` in a subprocess, its log in a file.

    Args:
        log: Where the server's output goes.
        options: Server options before the backend name.
        env: Extra environment variables.
    """

    def __init__(self, log: Path, *options: str,
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.log = log
        with log.open('wb') as output:
            self.proc = subprocess.Popen(
                ending_with_us([
                    sys.executable, '-m', 'pymap', '--host', '127.0.0.1',
                    '--port', str(self.port), *options, 'dict']),
                stdout=output, stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})})

    def wait_ready(self, *paths: Path, timeout: float = 20.0) -> None:
        """Waits until the IMAP port answers and *paths* exist."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            if all(os.path.exists(path) for path in paths):
                try:
                    socket.create_connection(('127.0.0.1', self.port),
                                             timeout=1).close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise AssertionError(f'pymap not ready: {self.log.read_text()}')

    def terminate(self) -> int:
        """SIGTERM, then the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def run_admin(*args: str, stdin: bytes = b'',
              env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    """``python -m pymap.admin.cli ARGS``, to completion."""
    result = subprocess.run(
        [sys.executable, '-m', 'pymap.admin.cli', *args], input=stdin,
        capture_output=True, timeout=60, check=False,
        env={**os.environ, **(env or {})})
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(),
        result.stderr.decode())

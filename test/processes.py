"""Running ``pymap`` as a real process in tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

__all__ = ['ending_with_us', 'free_port', 'wait_for_port']


def ending_with_us(argv: Sequence[str]) -> list[str]:
    """*argv* made to end (SIGTERM from the kernel) when the test run's
    process dies, so that a test run cut short, by a crash or SIGKILL,
    leaves no server behind: on Linux through util-linux's ``setpriv
    --pdeathsig``, which then runs *argv* in its own place (same process,
    same pid); elsewhere *argv* as it is. The signal comes when the
    thread that started the process ends: start servers from the main
    thread, as fixtures are."""
    setpriv = shutil.which('setpriv') if sys.platform == 'linux' else None
    if setpriv is None:
        return list(argv)
    return [setpriv, '--pdeathsig', 'TERM', '--', *argv]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, proc: subprocess.Popen[bytes],
                  timeout: float = 30.0) -> None:
    """Returns once *port* accepts connections; fails if *proc* exits or
    the port stays closed for *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, 'server exited early'
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f'port {port} did not open')

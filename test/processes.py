"""Running ``pymap`` as a real process in tests."""

from __future__ import annotations

import socket
import subprocess
import time

__all__ = ['free_port', 'wait_for_port']


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

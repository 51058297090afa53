"""The example plugin in ``examples/pymap-sqlite`` works as a third-party
package: once installed (``pip install ./examples/pymap-sqlite``, as CI
does), ``pymap`` lists it and serves mail from it, across restarts."""

from __future__ import annotations

import imaplib
import importlib.util
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .processes import ending_with_us
from .strict import skip_or_fail

USER, PASSWORD = 'alice', 'secret'
MESSAGE = b'Subject: plugin\r\n\r\nStored in SQLite.\r\n'


@pytest.fixture(autouse=True)
def _installed() -> None:
    """Skips unless the example is installed; under
    ``PYMAP_TEST_STRICT=1`` it must be."""
    if importlib.util.find_spec('pymap_sqlite') is not None:
        return
    skip_or_fail('pymap_sqlite not installed: '
                 'pip install ./examples/pymap-sqlite')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_listening(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, 'pymap exited at start-up'
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail('pymap sqlite did not start listening')


@contextmanager
def _server(database: Path) -> Iterator[int]:
    """Runs ``pymap sqlite`` on a free port; stops it with SIGTERM and
    checks that it exits cleanly."""
    port = _free_port()
    proc = subprocess.Popen(
        ending_with_us([
            sys.executable, '-m', 'pymap', '--host', '127.0.0.1', '--port',
            str(port), '--no-admin', 'sqlite', str(database),
            '--create-user', f'{USER}:{PASSWORD}']),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(proc, port)
        yield port
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _login(port: int) -> imaplib.IMAP4:
    client = imaplib.IMAP4('127.0.0.1', port, timeout=10)
    client.login(USER, PASSWORD)
    return client


def test_help_lists_the_plugin() -> None:
    result = subprocess.run([sys.executable, '-m', 'pymap', '--help'],
                            capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0
    assert 'sqlite' in result.stdout
    result = subprocess.run(
        [sys.executable, '-m', 'pymap', 'sqlite', '--help'],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert 'DATABASE' in result.stdout
    assert '--create-user' in result.stdout


def test_append_fetch_and_restart(tmp_path: Path) -> None:
    database = tmp_path / 'mail.sqlite3'
    with _server(database) as port:
        client = _login(port)
        typ, _ = client.append('INBOX', '(\\Flagged)', None, MESSAGE)
        assert typ == 'OK'
        client.select('INBOX')
        typ, data = client.uid('FETCH', '1', '(FLAGS BODY.PEEK[])')
        assert typ == 'OK'
        assert b'\\Flagged' in data[0][0]
        assert data[0][1] == MESSAGE
        client.logout()
    with _server(database) as port:
        client = _login(port)
        typ, counts = client.select('INBOX', readonly=True)
        assert (typ, counts) == ('OK', [b'1'])
        typ, data = client.uid('FETCH', '1', '(BODY.PEEK[])')
        assert data[0][1] == MESSAGE
        client.logout()

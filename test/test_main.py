"""The ``pymap`` command line, run as a real process."""

from __future__ import annotations

import imaplib
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

import pymap.parsing.parser
from pymap import __version__, build
from pymap.main import build_parser
from pymap.plugin import load_backends

from .processes import ending_with_us, free_port, wait_for_port


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, '-m', 'pymap', *args],
                          capture_output=True, text=True, timeout=60,
                          check=False)


def test_dict_backend_is_an_entry_point() -> None:
    backends = load_backends()
    assert 'dict' in backends
    assert callable(backends['dict'].init)


def test_help_lists_backends_and_server_options() -> None:
    result = _run('--help')
    assert result.returncode == 0
    for option in ('--host', '--port', '--debug', '--cert', '--key', 'dict'):
        assert option in result.stdout


def test_version_names_the_build() -> None:
    """README, "The compiled build": the compiled modules are extension
    modules, and ``--version`` says so."""
    compiled = pymap.parsing.parser.__file__.endswith('.so')
    assert build() == ('compiled' if compiled else 'pure Python')
    result = _run('--version')
    assert result.stdout == f'pymap {__version__} ({build()})\n'


def test_backend_help_lists_its_options() -> None:
    result = _run('dict', '--help')
    assert result.returncode == 0
    assert '--demo-data' in result.stdout


def test_backend_is_required() -> None:
    result = _run('--port', '1143')
    assert result.returncode == 2
    assert 'BACKEND' in result.stderr


def test_cert_needs_key() -> None:
    result = _run('--cert', 'x.pem', 'dict')
    assert result.returncode == 2
    assert '--cert and --key go together' in result.stderr


def test_parser_accepts_original_shape() -> None:
    parser = build_parser(load_backends())
    args = parser.parse_args(['--host', '127.0.0.1', '--port', '1143',
                              '--debug', 'dict', '--demo-data'])
    assert (args.host, args.port, args.debug, args.backend,
            args.demo_data) == ('127.0.0.1', 1143, True, 'dict', True)


@pytest.fixture
def demo_server() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    proc = subprocess.Popen(
        ending_with_us([sys.executable, '-m', 'pymap', '--host', '127.0.0.1',
                        '--port', str(port), 'dict', '--demo-data']),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, proc)
    yield proc, port
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def test_demo_data_and_clean_exit(
        demo_server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = demo_server
    client = imaplib.IMAP4('127.0.0.1', port, timeout=10)
    client.login('demouser', 'demopass')
    typ, listing = client.list()
    assert typ == 'OK'
    names = {line.rsplit(b' ', 1)[-1] for line in listing
             if isinstance(line, bytes)}
    assert {b'INBOX', b'Sent', b'Trash'} <= names
    typ, counts = client.select('INBOX', readonly=True)
    assert typ == 'OK' and int(counts[0]) >= 6
    typ, data = client.fetch('1:*', '(BODYSTRUCTURE)')
    assert typ == 'OK'
    structures = b' '.join(part if isinstance(part, bytes) else part[0]
                           for part in data)
    assert b'"alternative"' in structures.lower()
    assert b'"rfc822"' in structures.lower()
    client.logout()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0

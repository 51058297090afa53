"""How ``pymap-admin`` finds and reaches the server, end to end: the
default socket in a private ``$TMPDIR`` (modes, stable link, removal on
SIGTERM), ``--no-admin``, and the TCP listener's TLS and bearer token."""

from __future__ import annotations

import os
import socket
import stat
import time
from pathlib import Path

import pytest
import trustme

from . import PymapProcess, free_port, run_admin


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def tmpdir(tmp_path: Path) -> Path:
    """A private ``$TMPDIR`` for server and client."""
    path = tmp_path / 'tmp'
    path.mkdir()
    return path


def test_default_socket_link_and_sigterm(tmp_path: Path,
                                         tmpdir: Path) -> None:
    env = {'TMPDIR': str(tmpdir)}
    directory, link = tmpdir / 'pymap', tmpdir / 'pymap' / 'admin.sock'
    process = PymapProcess(tmp_path / 'pymap.log', env=env)
    try:
        process.wait_ready(link)
        sock = directory / f'admin-{process.proc.pid}.sock'
        assert os.readlink(link) == sock.name
        assert mode(directory) == 0o700
        assert stat.S_ISSOCK(sock.lstat().st_mode) and mode(sock) == 0o600
        result = run_admin('ping', env=env)
        assert result.returncode == 0, result.stderr
        assert 'backend: dict' in result.stdout
    finally:
        assert process.terminate() == 0
    assert not os.path.lexists(link) and not sock.exists()
    assert run_admin('ping', env=env).returncode == 75


def test_no_admin(tmp_path: Path, tmpdir: Path) -> None:
    env = {'TMPDIR': str(tmpdir)}
    process = PymapProcess(tmp_path / 'pymap.log', '--no-admin', env=env)
    try:
        process.wait_ready()
        assert not (tmpdir / 'pymap').exists()
        assert run_admin('ping', env=env).returncode == 75
    finally:
        assert process.terminate() == 0


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f'nothing listens on port {port}')


def test_tcp_listener_needs_tls_and_token(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert('localhost', '127.0.0.1')
    files = {name: tmp_path / name for name in
             ('ca.pem', 'cert.pem', 'key.pem', 'token', 'wrong')}
    ca.cert_pem.write_to_path(str(files['ca.pem']))
    cert.private_key_pem.write_to_path(str(files['key.pem']))
    for blob in cert.cert_chain_pems:
        blob.write_to_path(str(files['cert.pem']), append=True)
    token = 'tOkEn-0123456789abcdef'
    files['token'].write_text(token + '\n')
    files['wrong'].write_text('tOkEn-guessed\n')
    port = free_port()
    process = PymapProcess(
        tmp_path / 'pymap.log', '--admin-socket', str(tmp_path / 'a.sock'),
        '--admin-host', '127.0.0.1', '--admin-port', str(port),
        '--admin-cert', str(files['cert.pem']),
        '--admin-key', str(files['key.pem']),
        '--admin-token-file', str(files['token']))
    try:
        process.wait_ready(tmp_path / 'a.sock')
        wait_for_port(port)
        tcp = ('--host', '127.0.0.1', '--port', str(port))
        trusted = (*tcp, '--cafile', str(files['ca.pem']))
        missing = run_admin(*trusted, 'ping')
        wrong = run_admin(*trusted, '--token-file', str(files['wrong']),
                          'append', 'demouser', stdin=b'Subject: x\n\ny\n')
        for refused in (missing, wrong):
            assert refused.returncode == 77, refused.stderr
            assert 'invalid token' in refused.stderr
        allowed = run_admin(*trusted, '--token-file', str(files['token']),
                            'ping')
        assert allowed.returncode == 0, allowed.stderr
        untrusted = run_admin(*tcp, '--token-file', str(files['token']),
                              'ping')
        assert untrusted.returncode == 75
    finally:
        assert process.terminate() == 0
    outputs = [missing.stderr, wrong.stderr, allowed.stdout,
               untrusted.stderr, process.log.read_text()]
    assert not any(token in output for output in outputs)

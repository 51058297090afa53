"""The server process as an operator runs it: implicit TLS, certificate
reload on SIGHUP, pid file, JSON logs, privilege drop, systemd readiness,
and a clean exit on SIGTERM."""

from __future__ import annotations

import imaplib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import trustme

from pymap import build
from pymap.eventloop import uvloop_installed

from .processes import ending_with_us, free_port, wait_for_port
from .strict import skip_or_fail

Spawn = Callable[..., tuple[subprocess.Popen[bytes], int]]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    procs: list[subprocess.Popen[bytes]] = []

    def start(*options: str, wait_port: int | None = None,
              env: dict[str, str] | None = None
              ) -> tuple[subprocess.Popen[bytes], int]:
        port = free_port()
        log = (tmp_path / f'server{len(procs)}.log').open('wb')
        proc = subprocess.Popen(
            ending_with_us([
                sys.executable, '-m', 'pymap', '--host', '127.0.0.1',
                '--port', str(port), '--no-admin', *options, 'dict']),
            stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})})
        log.close()
        procs.append(proc)
        wait_for_port(wait_port or port, proc)
        return proc, port

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def _log_lines(tmp_path: Path, index: int = 0) -> list[str]:
    return (tmp_path / f'server{index}.log').read_text().splitlines()


@pytest.fixture
def certs(tmp_path: Path) -> Callable[[str], trustme.CA]:
    def issue(name: str) -> trustme.CA:
        ca = trustme.CA()
        cert = ca.issue_cert('127.0.0.1', 'localhost')
        cert.private_key_and_cert_chain_pem.write_to_path(
            str(tmp_path / f'{name}.pem'))
        return ca
    return issue


def _client_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def _spawn_with_starttls(spawn: Spawn, certs: Callable[[str], trustme.CA],
                         tmp_path: Path, loop: str
                         ) -> tuple[int, ssl.SSLContext]:
    """A server on *loop* offering STARTTLS with a certificate named in
    the environment; its port, and a client context that trusts it."""
    if loop == 'uvloop' and not uvloop_installed():
        skip_or_fail('uvloop is not installed (the uvloop extra)')
    ca = certs('env')
    pem = str(tmp_path / 'env.pem')
    _, port = spawn('--event-loop', loop,
                    env={'PYMAP_CERT': pem, 'PYMAP_KEY': pem})
    return port, _client_context(ca)


def test_implicit_tls_and_reload_on_sighup(
        spawn: Spawn, certs: Callable[[str], trustme.CA],
        tmp_path: Path) -> None:
    first_ca = certs('server')
    pem = str(tmp_path / 'server.pem')
    tls_port = free_port()
    proc, _ = spawn('--cert', pem, '--key', pem, '--tls', '--tls-port',
                    str(tls_port), wait_port=tls_port)
    client = imaplib.IMAP4_SSL('127.0.0.1', tls_port,
                               ssl_context=_client_context(first_ca))
    assert 'STARTTLS' not in client.capabilities
    assert client.login('demouser', 'demopass')[0] == 'OK'
    client.logout()

    second_ca = certs('server')
    proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client = imaplib.IMAP4_SSL(
                '127.0.0.1', tls_port, ssl_context=_client_context(second_ca))
            break
        except ssl.SSLError:
            time.sleep(0.05)
    assert client.noop()[0] == 'OK'
    client.logout()
    assert any('certificate reloaded' in line
               for line in _log_lines(tmp_path))


@pytest.mark.parametrize('loop', ['asyncio', 'uvloop'])
def test_certificate_from_environment_and_starttls(
        spawn: Spawn, certs: Callable[[str], trustme.CA],
        tmp_path: Path, loop: str) -> None:
    port, context = _spawn_with_starttls(spawn, certs, tmp_path, loop)
    client = imaplib.IMAP4('127.0.0.1', port)
    assert 'STARTTLS' in client.capabilities
    client.starttls(ssl_context=context)
    assert client.login('demouser', 'demopass')[0] == 'OK'
    client.logout()
    assert f'event loop: {loop}; pymap {build()}' in \
        '\n'.join(_log_lines(tmp_path))


def _delayed_acks() -> int:
    """How many acknowledgements this machine's kernel sent late, when
    its delayed-acknowledgement timer ran out (Linux's TcpExt counters)."""
    lines = Path('/proc/net/netstat').read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        if names.startswith('TcpExt:'):
            return int(dict(zip(names.split(), values.split(),
                                strict=True))['DelayedACKs'])
    raise AssertionError('no TcpExt counters')


@pytest.mark.parametrize('tls', [False, True], ids=['plain', 'starttls'])
@pytest.mark.parametrize('loop', ['asyncio', 'uvloop'])
def test_pieces_of_a_command_acknowledged_at_once(
        spawn: Spawn, certs: Callable[[str], trustme.CA],
        tmp_path: Path, loop: str, tls: bool) -> None:
    """imaplib sends an APPEND's literal, and an AUTHENTICATE response,
    apart from the end of its line, and holds that back until the first
    write is acknowledged. The server acknowledges at once, so neither
    waits for the kernel's delayed acknowledgement (40 ms or more)."""
    if not Path('/proc/net/netstat').exists():
        skip_or_fail('the kernel counters are Linux\'s (/proc/net/netstat)')
    port, context = _spawn_with_starttls(spawn, certs, tmp_path, loop)

    def connect() -> imaplib.IMAP4:
        client = imaplib.IMAP4('127.0.0.1', port)
        if tls:
            client.starttls(ssl_context=context)
        return client

    logins = appends = 10
    # Without the prompt acknowledgement each of them adds one; other
    # connections on the machine may add a few.
    before = _delayed_acks()
    for _ in range(logins):
        client = connect()
        assert client.authenticate(
            'PLAIN', lambda _: b'\0demouser\0demopass')[0] == 'OK'
        client.logout()
    assert _delayed_acks() - before < logins // 2
    client = connect()
    client.login('demouser', 'demopass')
    client.create('Acked')
    before = _delayed_acks()
    for number in range(appends):
        message = b'Subject: %d\r\n\r\nbody\r\n' % number
        assert client.append('Acked', None, None, message)[0] == 'OK'
    assert _delayed_acks() - before < appends // 2
    assert client.select('Acked') == ('OK', [str(appends).encode()])
    client.logout()


def test_pid_file_json_logs_and_clean_exit(spawn: Spawn,
                                           tmp_path: Path) -> None:
    pid_file = tmp_path / 'pymap.pid'
    proc, port = spawn('--pid-file', str(pid_file), '--log-format', 'json')
    assert pid_file.read_text().strip() == str(proc.pid)
    client = imaplib.IMAP4('127.0.0.1', port)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    with pytest.raises(imaplib.IMAP4.abort, match='shutting down'):
        client.noop()
    client.shutdown()
    assert not pid_file.exists()
    entries = [json.loads(line) for line in _log_lines(tmp_path)]
    assert any(entry['message'].startswith('connection opened from')
               for entry in entries)
    assert all({'time', 'level', 'logger', 'message'} <= set(entry)
               for entry in entries)


def test_failed_start_leaves_the_pid_file_alone(tmp_path: Path) -> None:
    """A second server started by mistake on a port in use exits without
    touching the pid file of the one that runs."""
    pid_file = tmp_path / 'pymap.pid'
    pid_file.write_text('12345\n')
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            ending_with_us([
                sys.executable, '-m', 'pymap', '--host', '127.0.0.1',
                '--port', str(port), '--no-admin', '--pid-file',
                str(pid_file), 'dict']),
            capture_output=True, timeout=60)
    assert result.returncode == 1
    assert b'pymap: ' in result.stderr
    assert pid_file.read_text() == '12345\n'


@pytest.mark.skipif(os.geteuid() != 0, reason='privilege drop needs root')
def test_privileges_dropped_after_binding(spawn: Spawn) -> None:
    proc, port = spawn('--user', 'nobody', '--group', 'nogroup')
    # The port listens a moment before the drop; a greeting comes only
    # from the event loop, which starts after it.
    client = imaplib.IMAP4('127.0.0.1', port)
    assert client.login('demouser', 'demopass')[0] == 'OK'
    status = Path(f'/proc/{proc.pid}/status').read_text()
    uid_line = next(line for line in status.splitlines()
                    if line.startswith('Uid:'))
    nobody = int(subprocess.check_output(['id', '-u', 'nobody']))
    assert uid_line.split()[1:] == [str(nobody)] * 4
    client.logout()


def test_systemd_readiness(spawn: Spawn, tmp_path: Path) -> None:
    path = str(tmp_path / 'notify.sock')
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(path)
        notify.settimeout(20)
        spawn(env={'NOTIFY_SOCKET': path})
        assert notify.recv(1024) == b'READY=1'


def test_workers_refused_for_dict() -> None:
    result = subprocess.run(
        [sys.executable, '-m', 'pymap', '--workers', '2', 'dict'],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert 'keeps its mail in one process' in result.stderr


def test_tls_needs_certificate() -> None:
    result = subprocess.run(
        [sys.executable, '-m', 'pymap', '--tls', 'dict'],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert '--tls needs --cert and --key' in result.stderr

"""Starts the servers the benchmark compares, each on a free loopback
port with a ``bench``/``benchpass`` account: pymap on each backend, the
peers when installed (Dovecot, and the original pymap in its own venv),
and the null server (``null_server.py``), the yardstick client's own
ceiling."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import null_server

__all__ = ['BENCH_PASSWORD', 'BENCH_USER', 'NULL_SERVER', 'ROOT', 'YARDSTICK',
           'Server', 'available_servers', 'free_port', 'present_cpu',
           'serves', 'start_server', 'stop', 'wait_for_port']

#: The project's root, and the yardstick that lies beside it.
ROOT = Path(__file__).resolve().parent.parent
YARDSTICK = ROOT.parent / 'shared' / 'bench' / 'imapbench.py'
BENCH_USER = 'bench'
BENCH_PASSWORD = 'benchpass'
DOVECOT_IMAP = '/usr/sbin/dovecot'
DOVECOT_USER = 'pymaptest'
#: The stand-in server that answers at once (``null_server.py``).
NULL_SERVER = 'null-server'
#: The servers that keep their mail in files under their work directory.
ON_DISK = frozenset({'pymap-maildir', 'dovecot'})


@dataclass
class Server:
    """A running server under test."""

    label: str
    port: int
    pid: int


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    """Returns once something accepts connections on *port*."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return
        time.sleep(0.1)
    raise TimeoutError(f'nothing listens on port {port}')


def present_cpu(cpu: int | None) -> int | None:
    """*cpu* when this machine has it, else ``None`` (no pinning)."""
    if cpu is None or cpu not in os.sched_getaffinity(0):
        return None
    return cpu


def _pinned(cpu: int | None, argv: list[str]) -> list[str]:
    if cpu is None or not shutil.which('taskset'):
        return argv
    return ['taskset', '-c', str(cpu), *argv]


def _pymap_argv(command: list[str], port: int, backend: str,
                work: Path, redis_url: str | None) -> list[str]:
    base = [*command, '--host', '127.0.0.1', '--port', str(port)]
    if backend == 'dict':
        return [*base, 'dict', '--demo-user', BENCH_USER,
                '--demo-password', BENCH_PASSWORD]
    if backend == 'maildir':
        users = work / 'users.txt'
        users.write_text(f'{BENCH_USER}::{BENCH_PASSWORD}\n')
        return [*base, 'maildir', str(users)]
    if backend == 'redis':
        assert redis_url is not None
        _redis_cli(redis_url, 'FLUSHDB')
        _redis_cli(redis_url, 'SET', BENCH_USER, BENCH_PASSWORD)
        return [*base, 'redis', redis_url]
    raise ValueError(backend)


def _old_pymap_argv(command: list[str], port: int, backend: str,
                    work: Path, redis_url: str | None) -> list[str]:
    """pymap 0.36.7 names its redis option ``--address`` and keeps each
    user as a JSON document under ``/users/NAME``."""
    if backend != 'redis':
        return _pymap_argv(command, port, backend, work, redis_url)
    assert redis_url is not None
    _redis_cli(redis_url, 'FLUSHDB')
    _redis_cli(redis_url, 'SET', f'/users/{BENCH_USER}',
               json.dumps({'password': _old_pymap_hash(BENCH_PASSWORD)}))
    return [*command, '--host', '127.0.0.1', '--port', str(port),
            'redis', '--address', redis_url]


def _old_pymap_hash(password: str) -> str:
    """A PBKDF2 hash in the form pymap 0.36.7 verifies (it refuses clear
    text). 1,000 rounds rather than its default 500,000, so that logging
    in does not dominate the concurrent scenario; our redis backend is
    measured with a clear-text password."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 1000)
    encoded = [base64.b64encode(value).decode() for value in (salt, digest)]
    return '$pbkdf2-sha256$1000$' + '$'.join(encoded)


def _redis_cli(redis_url: str, *command: str) -> None:
    subprocess.run(['redis-cli', '-u', redis_url, *command], check=True,
                   capture_output=True)


def _dovecot_user() -> pwd.struct_passwd:
    """The unprivileged user Dovecot's mail processes run as, created as a
    system user on the first run (Dovecot refuses to touch mail as
    root)."""
    try:
        return pwd.getpwnam(DOVECOT_USER)
    except KeyError:
        subprocess.run(['useradd', '--system', '--no-create-home',
                        DOVECOT_USER], check=True)
    return pwd.getpwnam(DOVECOT_USER)


def _dovecot_config(work: Path, port: int) -> Path:
    mail = work / 'mail'
    mail.mkdir()
    (work / 'passwd').write_text(f'{BENCH_USER}:{{PLAIN}}{BENCH_PASSWORD}\n')
    entry = _dovecot_user()
    shutil.chown(mail, entry.pw_uid, entry.pw_gid)
    config = work / 'dovecot.conf'
    config.write_text(f'''\
protocols = imap
listen = 127.0.0.1
base_dir = {work}/run
state_dir = {work}/state
log_path = {work}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{mail}/%u
mail_uid = {entry.pw_uid}
mail_gid = {entry.pw_gid}
protocol imap {{
  mail_max_userip_connections = 10000
}}
passdb {{
  driver = passwd-file
  args = {work}/passwd
}}
userdb {{
  driver = static
  args = uid={entry.pw_uid} gid={entry.pw_gid} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
''')
    return config


@contextlib.contextmanager
def _process(argv: list[str], log: Path,
             env: dict[str, str] | None = None
             ) -> Iterator[subprocess.Popen[bytes]]:
    # In the log's directory, not the caller's: ``python -m`` puts the
    # working directory first on the module path, so a checkout's own
    # ``pymap`` would shadow the build that PYTHONPATH names.
    with log.open('wb') as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                env=env, cwd=log.parent)
    try:
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Ends a process with SIGTERM, or SIGKILL if it lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@contextlib.contextmanager
def start_server(kind: str, work: Path, cpu: int | None,
                 redis_url: str | None = None,
                 old_pymap: str | None = None,
                 options: Sequence[str] = ()) -> Iterator[Server]:
    """Runs one server: ``pymap-<backend>``, ``dovecot``,
    ``pymap-0.36.7-<backend>`` (*old_pymap* is that version's ``pymap``
    script, installed in a venv of its own), or :data:`NULL_SERVER`.
    *options* are extra ``pymap`` arguments for the current pymap."""
    port = free_port()
    work = work.absolute()  # the server runs in it (see _process)
    work.mkdir(parents=True, exist_ok=True)
    env = None
    if kind == NULL_SERVER:
        argv = _pinned(cpu, [sys.executable,
                             str(ROOT / 'bench' / 'null_server.py'),
                             '--port', str(port)])
    elif kind == 'dovecot':
        config = _dovecot_config(work, port)
        argv = _pinned(cpu, [DOVECOT_IMAP, '-F', '-c', str(config)])
    elif kind.startswith('pymap-0.36.7-'):
        assert old_pymap is not None
        argv = _pinned(cpu, _old_pymap_argv(
            [old_pymap, '--no-service', 'admin'], port,
            kind.rsplit('-', 1)[1], work, redis_url))
        # A PYTHONPATH that points at a build of this pymap (a compiled
        # copy, say) is not for the original's venv.
        env = {name: value for name, value in os.environ.items()
               if name != 'PYTHONPATH'}
    else:
        argv = _pinned(cpu, _pymap_argv(
            [sys.executable, '-m', 'pymap', '--no-admin', *options], port,
            kind.removeprefix('pymap-'), work, redis_url))
    with _process(argv, work / 'server.log', env) as proc:
        wait_for_port(port)
        yield Server(kind, port, proc.pid)


def available_servers(redis_url: str | None,
                      old_pymap: str | None) -> list[str]:
    """The servers :func:`start_server` can run here: pymap on each
    backend (redis with a Redis at *redis_url*), Dovecot when installed,
    and the original pymap when *old_pymap* is given."""
    servers = [f'pymap-{backend}' for backend in ('dict', 'maildir')]
    if redis_url:
        servers.append('pymap-redis')
    if dovecot_available():
        servers.append('dovecot')
    if old_pymap:
        # Its maildir backend keeps users in passwd/shadow files of its own
        # making; the dict backend is the comparable one to start.
        servers.append('pymap-0.36.7-dict')
        if redis_url:
            servers.append('pymap-0.36.7-redis')
    return servers


def serves(kind: str, scenario: str) -> bool:
    """Whether the server *kind* answers the yardstick's *scenario*: every
    server does but the null server, which serves only those that need no
    real work (``null_server.py``)."""
    return kind != NULL_SERVER or scenario in null_server.SCENARIOS


def dovecot_available() -> bool:
    """Whether Dovecot is here, and the bench runs as root (to run its mail
    processes as an unprivileged user)."""
    return os.path.exists(DOVECOT_IMAP) and os.geteuid() == 0

"""``pymap maildir users.txt`` as a real process."""

from __future__ import annotations

import imaplib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ...processes import ending_with_us

#: ``doveadm pw -s SHA512-CRYPT -p sallypass``.
SALLY_HASH = ('{SHA512-CRYPT}$6$oM/pLTOAI.kV2QHr$L0L7MBROqhzKMzugjnntSWCHV'
              'l4IFg7eTg4d6vSR2bHET2cg/z3beHWHrsgbKTClVPw9bSs0h2wkJBQze7IZ'
              'I0')
USERS = f"""\
# the examples of the issue, sally's password hashed
john::s3cretp4ssword
sally:mail/data:{SALLY_HASH}
susan:{{root}}/var/mail/susan:!@#$%^:*
"""
MESSAGE = b'Subject: cli\r\n\r\nbody\r\n'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f'server exited: {process.returncode}')
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError('server did not start')


@contextmanager
def pymap_maildir(users: Path, *options: str
                  ) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Runs ``pymap --port P maildir USERS [options]``."""
    port = free_port()
    process = subprocess.Popen(
        ending_with_us([sys.executable, '-m', 'pymap', '--host', '127.0.0.1',
                        '--port', str(port), 'maildir', str(users),
                        *options]),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(process, port)
        yield process, port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


def _login(port: int, user: str, password: str) -> imaplib.IMAP4:
    client = imaplib.IMAP4('127.0.0.1', port, timeout=10)
    client.login(user, password)
    return client


@pytest.fixture
def users(tmp_path: Path) -> Path:
    path = tmp_path / 'etc' / 'users.txt'
    path.parent.mkdir()
    path.write_text(USERS.replace('{root}', str(tmp_path)))
    return path


def test_users_of_the_issue(users: Path, tmp_path: Path) -> None:
    with pymap_maildir(users) as (_, port):
        for user, password in (('john', 's3cretp4ssword'),
                               ('sally', 'sallypass'),
                               ('susan', '!@#$%^:*')):
            client = _login(port, user, password)
            typ, data = client.append('INBOX', '(\\Seen)', None, MESSAGE)
            assert typ == 'OK', data
            client.logout()
        client = imaplib.IMAP4('127.0.0.1', port, timeout=10)
        with pytest.raises(imaplib.IMAP4.error,
                           match='AUTHENTICATIONFAILED'):
            client.login('susan', '!@#$%^')
        client.logout()
    for maildir in (tmp_path / 'etc' / 'john',
                    tmp_path / 'etc' / 'mail' / 'data',
                    tmp_path / 'var' / 'mail' / 'susan'):
        (name,) = os.listdir(maildir / 'cur')
        assert name.endswith(',S=22,W=22:2,S')
        assert (maildir / 'dovecot-uidlist').read_text().count('\n') == 2


def test_base_dir_and_fs_layout(users: Path, tmp_path: Path) -> None:
    base = tmp_path / 'base'
    with pymap_maildir(users, '--base-dir', str(base),
                       '--layout', 'fs') as (_, port):
        client = _login(port, 'john', 's3cretp4ssword')
        assert client.create('a.b/c')[0] == 'OK'
        client.logout()
    assert (base / 'john' / 'a.b' / 'c' / 'cur').is_dir()


def test_users_file_is_reread(users: Path) -> None:
    with pymap_maildir(users) as (_, port):
        client = imaplib.IMAP4('127.0.0.1', port, timeout=10)
        with pytest.raises(imaplib.IMAP4.error):
            client.login('newbie', 'fresh')
        client.logout()
        with open(users, 'a') as file:
            file.write('newbie::fresh\n')
        _login(port, 'newbie', 'fresh').logout()


@pytest.mark.parametrize(('content', 'message'), [
    ('ok::pw\n\nbroken\n', 'users.txt:3: expected user:mailbox_path:'
                           'password'),
    ('x::{NOPE}y\n', 'users.txt:1: unsupported password scheme {NOPE}'),
    ('a:../..:pw\n', "users.txt:1: '..' in a relative mailbox path"),
])
def test_malformed_users_file_stops_start_up(tmp_path: Path, content: str,
                                             message: str) -> None:
    users = tmp_path / 'users.txt'
    users.write_text(content)
    finished = subprocess.run(
        [sys.executable, '-m', 'pymap', '--port', str(free_port()),
         'maildir', str(users)], capture_output=True, text=True,
        timeout=30, check=False)
    assert finished.returncode == 1
    assert message in finished.stderr
    assert 'Traceback' not in finished.stderr


def test_missing_users_file_starts_with_no_users(tmp_path: Path) -> None:
    """A fresh install (e.g. an empty Docker volume) starts, so that
    ``pymap-admin user set`` can create the first account."""
    proc = subprocess.Popen(
        ending_with_us([sys.executable, '-m', 'pymap', '--port', '0',
                        '--no-admin', 'maildir', str(tmp_path / 'nope.txt')]),
        stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    try:
        lines = iter(proc.stderr.readline, '')
        assert any('does not exist yet' in line for line in lines)
    finally:
        proc.terminate()
        proc.wait(30)
        proc.stderr.close()
    assert not (tmp_path / 'nope.txt').exists()


def test_help_lists_options() -> None:
    finished = subprocess.run(
        [sys.executable, '-m', 'pymap', 'maildir', '--help'],
        capture_output=True, text=True, timeout=30, check=False)
    assert finished.returncode == 0
    for option in ('USERS_FILE', '--base-dir', '--layout', '--no-fsync'):
        assert option in finished.stdout

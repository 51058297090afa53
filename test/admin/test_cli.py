"""``pymap-admin`` end to end: a ``pymap`` process with ``--admin-socket``,
driven by the command as a subprocess, checked over IMAP."""

from __future__ import annotations

import imaplib
import json
import re
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from imapclient import IMAPClient

from pymap import __version__

from . import PymapProcess, run_admin

USER, PASSWORD = 'demouser', 'demopass'
MESSAGE = b'From: a@example.com\nSubject: Round trip\n\nHello, admin.\n'


@dataclass
class Running:
    """A running server and its admin socket."""

    process: PymapProcess
    socket: Path

    def admin(self, *args: str, stdin: bytes = b''
              ) -> subprocess.CompletedProcess[str]:
        return run_admin('--socket', str(self.socket), *args, stdin=stdin)

    def imap(self, user: str = USER,
             password: str = PASSWORD) -> imaplib.IMAP4:
        client = imaplib.IMAP4('127.0.0.1', self.process.port, timeout=10)
        client.login(user, password)
        return client


def _start(directory: Path) -> Running:
    sock = directory / 'admin.sock'
    process = PymapProcess(directory / 'pymap.log', '--admin-socket',
                           str(sock))
    process.wait_ready(sock)
    return Running(process, sock)


@pytest.fixture
def pymap(tmp_path: Path) -> Iterator[Running]:
    running = _start(tmp_path)
    yield running
    assert running.process.terminate() == 0


@pytest.fixture(scope='module')
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One server for the refusals, which store nothing."""
    running = _start(tmp_path_factory.mktemp('shared'))
    yield running
    assert running.process.terminate() == 0


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stdout == ''
    assert result.stderr.startswith('pymap-admin: ')
    assert result.stderr.count('\n') == 1 and 'Traceback' not in \
        result.stderr
    return result.stderr


def inbox_count(running: Running) -> int:
    client = running.imap()
    typ, data = client.status('INBOX', '(MESSAGES)')
    client.logout()
    match = re.search(rb'MESSAGES (\d+)', data[0] or b'')
    assert typ == 'OK' and match
    return int(match[1])


# -- append -------------------------------------------------------------------

def test_append_then_imap_fetch(pymap: Running) -> None:
    result = pymap.admin('append', USER, '--flag', '\\Flagged', '--flag',
                         '$Label', '--date', '2024-03-01T10:20:30+02:00',
                         stdin=MESSAGE)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r'validity: (\d+)\nuid: (\d+)\n', result.stdout)
    assert match, result.stdout
    client = pymap.imap()
    client.select('INBOX')
    assert client.response('UIDVALIDITY')[1] == [match[1].encode()]
    typ, data = client.uid('FETCH', match[2],
                           '(FLAGS INTERNALDATE BODY.PEEK[])')
    client.logout()
    assert typ == 'OK' and isinstance(data[0], tuple)
    head, body = data[0]
    assert body == MESSAGE.replace(b'\n', b'\r\n')
    assert b'\\Flagged' in head and b'$Label' in head
    assert b'\\Seen' not in head
    when = imaplib.Internaldate2tuple(head)
    assert when is not None
    assert datetime(*when[:6]).astimezone().timestamp() == \
        datetime.fromisoformat('2024-03-01T10:20:30+02:00').timestamp()


def test_append_from_file_into_mailbox(pymap: Running,
                                       tmp_path: Path) -> None:
    assert pymap.admin('mailbox', 'create', USER, 'Lists/pymap') \
        .returncode == 0
    path = tmp_path / 'message.eml'
    path.write_bytes(MESSAGE)
    for uid in (1, 2):
        result = pymap.admin('append', USER, '--mailbox', 'Lists/pymap',
                             '--file', str(path))
        assert result.returncode == 0, result.stderr
        assert result.stdout.endswith(f'\nuid: {uid}\n')
    result = pymap.admin('--json', 'append', USER, '--file', str(path))
    assert json.loads(result.stdout)['mailbox'] == 'INBOX'
    assert json.loads(result.stdout)['uid'] == 1


def test_several_megabytes(pymap: Running, tmp_path: Path) -> None:
    body = b''.join(b'%08d: some text to make it large\n' % number
                    for number in range(200_000))
    path = tmp_path / 'large.eml'
    path.write_bytes(b'Subject: large\n\n' + body)
    result = pymap.admin('append', USER, '--file', str(path))
    assert result.returncode == 0, result.stderr
    client = pymap.imap()
    client.select('INBOX', readonly=True)
    typ, data = client.uid('FETCH', '1', '(RFC822.SIZE)')
    client.logout()
    size = path.stat().st_size + path.read_bytes().count(b'\n')
    assert typ == 'OK' and f'RFC822.SIZE {size}'.encode() in data[0]


def test_idle_client_sees_exists(pymap: Running) -> None:
    client = IMAPClient('127.0.0.1', pymap.process.port, ssl=False,
                        timeout=10)
    client.login(USER, PASSWORD)
    client.select_folder('INBOX')
    client.idle()
    assert pymap.admin('append', USER, stdin=MESSAGE).returncode == 0
    responses = client.idle_check(timeout=5)
    client.idle_done()
    client.logout()
    assert (1, b'EXISTS') in responses


# -- exit statuses (sysexits) -------------------------------------------------

@pytest.mark.parametrize(('args', 'stdin', 'status', 'text'), [
    (('append', 'nobody'), MESSAGE, 67, 'User does not exist'),
    (('append', USER), b'', 65, 'empty'),
    (('append', USER), b'no header block at all\n', 65, 'no header block'),
    (('append', USER, '--mailbox', 'Nope'), MESSAGE, 73, 'does not exist'),
    (('append', USER, '--flag', '\\Recent'), MESSAGE, 65, 'Invalid flag'),
    (('mailbox', 'delete', USER, 'INBOX'), b'', 77, 'INBOX'),
    (('user', 'get', 'nobody'), b'', 67, 'User does not exist'),
])
def test_refusals(shared: Running, args: tuple[str, ...], stdin: bytes,
                  status: int, text: str) -> None:
    result = shared.admin(*args, stdin=stdin)
    assert result.returncode == status
    assert text in one_line_error(result)
    assert inbox_count(shared) == 0


@pytest.mark.parametrize(('kind', 'text'), [
    ('missing', 'cannot reach the pymap server'),
    ('stale', 'cannot reach the pymap server'),
    ('silent', 'no answer from the pymap server'),
])
def test_server_not_running(tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / 'gone.sock'
    with socket.socket(socket.AF_UNIX) as sock:
        if kind != 'missing':
            sock.bind(str(path))
        if kind == 'silent':
            sock.listen()
        result = run_admin('--socket', str(path), '--timeout', '1',
                           'append', USER, stdin=MESSAGE)
    assert result.returncode == 75
    assert text in one_line_error(result)


def test_usage_error() -> None:
    result = run_admin('append')
    assert result.returncode == 64
    assert 'Traceback' not in result.stderr


# -- users and mailboxes ------------------------------------------------------

def test_user_commands(pymap: Running, tmp_path: Path) -> None:
    secrets = ['first-Secret-1', 'second-Secret-2', 'third-Secret-3']
    created = pymap.admin('user', 'set', 'alice', stdin=b'%s\n' %
                          secrets[0].encode())
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith('name: alice\netag: ')
    pymap.imap('alice', secrets[0]).logout()
    record = json.loads(pymap.admin('--json', 'user', 'get', 'alice').stdout)
    assert record['name'] == 'alice' and record['etag']
    password_file = tmp_path / 'password'
    password_file.write_text(secrets[1] + '\n')
    stale = pymap.admin('user', 'set', 'alice', '--password-file',
                        str(password_file), '--etag', 'not-the-etag')
    assert stale.returncode == 73
    one_line_error(stale)
    replaced = pymap.admin('user', 'set', 'alice', '--password-file',
                           str(password_file), '--etag', record['etag'])
    assert replaced.returncode == 0, replaced.stderr
    pymap.imap('alice', secrets[1]).logout()
    changed = pymap.admin('user', 'passwd', 'alice', '--password',
                          secrets[2])
    assert changed.returncode == 0, changed.stderr
    pymap.imap('alice', secrets[2]).logout()
    names = json.loads(pymap.admin('--json', 'user', 'list').stdout)
    assert names == ['alice', USER]
    assert pymap.admin('user', 'list').stdout == f'alice\n{USER}\n'
    deleted = pymap.admin('user', 'delete', 'alice')
    assert deleted.returncode == 0 and 'mail' in deleted.stdout
    assert pymap.admin('user', 'get', 'alice').returncode == 67
    outputs = created.stdout + replaced.stdout + changed.stdout + \
        pymap.process.log.read_text()
    assert not any(secret in outputs for secret in secrets)


def test_empty_password_is_refused(pymap: Running) -> None:
    result = pymap.admin('user', 'set', 'alice', stdin=b'\n')
    assert result.returncode == 65
    assert 'no password' in one_line_error(result)


def test_mailbox_commands(pymap: Running) -> None:
    assert pymap.admin('mailbox', 'create', USER, 'Work/Projects') \
        .returncode == 0
    pymap.admin('append', USER, '--mailbox', 'Work/Projects', '--flag',
                '\\Seen', stdin=MESSAGE)
    pymap.admin('append', USER, stdin=MESSAGE)
    listed = pymap.admin('mailbox', 'list', USER).stdout.splitlines()
    assert listed == [
        'INBOX\tmessages 1, unseen 1, recent 1',
        'Work\tmessages 0, unseen 0, recent 0',
        'Work/Projects\tmessages 1, unseen 0, recent 1']
    data = json.loads(pymap.admin('--json', 'mailbox', 'list', USER).stdout)
    assert [(entry['name'], entry['messages']) for entry in data] == [
        ('INBOX', 1), ('Work', 0), ('Work/Projects', 1)]
    assert pymap.admin('mailbox', 'delete', USER, 'Work/Projects') \
        .returncode == 0
    again = pymap.admin('mailbox', 'delete', USER, 'Work/Projects')
    assert again.returncode == 73
    one_line_error(again)


def test_ping_and_health(pymap: Running) -> None:
    ping = pymap.admin('ping')
    assert ping.returncode == 0
    assert ping.stdout.startswith(f'version: {__version__}\nbackend: dict\n')
    assert json.loads(pymap.admin('--json', 'ping').stdout)['backend'] == \
        'dict'
    health = pymap.admin('health')
    assert (health.returncode, health.stdout) == (0, 'SERVING\n')
    assert json.loads(pymap.admin('--json', 'health').stdout) == {
        'status': 'SERVING'}


def test_console_script(pymap: Running) -> None:
    script = Path(sysconfig.get_path('scripts')) / 'pymap-admin'
    assert script.exists()
    result = subprocess.run([str(script), '--socket', str(pymap.socket),
                             'ping'], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    helped = subprocess.run([sys.executable, '-m', 'pymap.admin.cli',
                             '--help'], capture_output=True, text=True,
                            timeout=60, check=False)
    for command in ('append', 'ping', 'health', 'user', 'mailbox'):
        assert command in helped.stdout


def test_client_imports_none_of_the_service() -> None:
    """An MTA may start ``pymap-admin append`` for every message: it loads
    the gRPC client and the messages, not the server side (the service,
    its handlers, the backends' interfaces)."""
    probe = ('import sys, pymap.admin.cli; '
             'print(sorted(name for name in sys.modules if name in {'
             '"pymap.admin.service", "pymap.admin.handlers", '
             '"grpclib.server", "pymap.interfaces.backend"}))')
    result = subprocess.run([sys.executable, '-c', probe],
                            capture_output=True, text=True, check=True)
    assert result.stdout == '[]\n'

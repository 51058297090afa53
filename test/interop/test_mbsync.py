"""Two-way synchronization with mbsync (isync), a widely used IMAP client
that pipelines commands, uses UIDPLUS and checks UIDVALIDITY."""

from __future__ import annotations

import imaplib
import subprocess
from pathlib import Path

from pymap.testing import ServerThread

from ..conftest import PASSWORD, USER, require_tool

_CONFIG = '''\
IMAPAccount pymap
Host {host}
Port {port}
User {user}
Pass {password}
SSLType None
AuthMechs PLAIN

IMAPStore remote
Account pymap

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel everything
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
'''


def _sync(mbsync: str, config: Path) -> None:
    result = subprocess.run([mbsync, '-c', str(config), '-a'],
                            capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr


def _message(subject: str) -> bytes:
    return (f'From: a@example.com\r\nTo: b@example.com\r\n'
            f'Subject: {subject}\r\nMessage-ID: <{subject}@example.com>'
            f'\r\n\r\nBody of {subject}.\r\n').encode()


def _files(folder: Path) -> list[Path]:
    return sorted((folder / 'cur').iterdir()) + \
        sorted((folder / 'new').iterdir())


def _setup(server: ServerThread, tmp_path: Path) -> Path:
    config = tmp_path / 'mbsyncrc'
    config.write_text(_CONFIG.format(host=server.host, port=server.port,
                                     user=USER, password=PASSWORD,
                                     local=tmp_path / 'mail'))
    (tmp_path / 'mail').mkdir()
    return config


def test_two_way_sync(server: ServerThread, imap: imaplib.IMAP4,
                      tmp_path: Path) -> None:
    mbsync = require_tool('mbsync', 'apt-get install isync')
    for subject in ('one', 'two', 'three'):
        imap.append('INBOX', '(\\Seen)' if subject == 'one' else None,
                    None, _message(subject))
    imap.create('Archive')
    imap.append('Archive', '(\\Flagged)', None, _message('old'))
    config = _setup(server, tmp_path)

    _sync(mbsync, config)
    inbox = tmp_path / 'mail' / 'INBOX'
    archive = tmp_path / 'mail' / 'Archive'
    assert len(_files(inbox)) == 3
    assert [path.name.endswith(',F') for path in _files(archive)] == [True]
    assert sum(path.name.endswith(',S') for path in _files(inbox)) == 1

    unseen = next(path for path in _files(inbox)
                  if not path.name.endswith(',S'))
    unseen.rename(inbox / 'cur' / (unseen.name.split(':')[0] + ':2,FS'))
    (archive / 'new' / 'local.1.host').write_bytes(_message('local'))
    _sync(mbsync, config)

    imap.select('INBOX')
    typ, data = imap.search(None, 'FLAGGED SEEN')
    assert typ == 'OK' and len(data[0].split()) == 1
    imap.select('Archive')
    typ, data = imap.search(None, 'SUBJECT', 'local')
    assert typ == 'OK' and len(data[0].split()) == 1

    imap.store('1', '+FLAGS', '\\Deleted')
    imap.expunge()
    _sync(mbsync, config)
    assert len(_files(archive)) == 1

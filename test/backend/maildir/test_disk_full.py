"""A full disk or an exceeded quota while the maildir backend stores
messages answers the command with ``NO [OVERQUOTA]`` (RFC 5530 §3; Dovecot
answers ``ENOSPC`` and ``EDQUOT`` alike), any other write error with
``NO [UNAVAILABLE]``. Nothing of the failed command stays behind: no file
in ``tmp/``, no message of a MULTIAPPEND (RFC 3502: all or none),
no part of a uidlist record; and the session goes on.

The disk fills up under :mod:`pymap.backend.maildir.atomic`, which writes
the message files and the uidlist, while a real IMAP session runs."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from pymap.backend.maildir import atomic
from pymap.backend.maildir import folder as folder_module
from pymap.backend.maildir.mailbox import LOCKED_WRITE_MAX
from pymap.testing.rawclient import RawClient

from .faults import FillingDisk, fill_disk, no_link
from .leftovers import left_in_tmp
from .server import login, maildir_server

OVERQUOTA = b'NO [OVERQUOTA] Not enough disk space.\r\n'
UNAVAILABLE = b'NO [UNAVAILABLE] Temporary failure, try again later.\r\n'


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> FillingDisk:
    return fill_disk(monkeypatch, atomic)


def _message(subject: bytes, size: int = 0) -> bytes:
    header = b'Subject: %s\r\n\r\n' % subject
    return header + b'x' * max(0, size - len(header) - 2) + b'\r\n'


def _append(client: RawClient, tag: bytes, messages: list[bytes],
            mailbox: bytes = b'INBOX') -> list[bytes]:
    """APPEND, or MULTIAPPEND with several *messages* (RFC 3502)."""
    literals = b''.join(b' () {%d+}\r\n%s' % (len(message), message)
                        for message in messages)
    client.send(b'%s APPEND %s%s\r\n' % (tag, mailbox, literals))
    return client.until_tagged(tag)


def _state(maildir: Path) -> tuple[bytes, list[str]]:
    """The uidlist and the message files of *maildir*."""
    return ((maildir / 'dovecot-uidlist').read_bytes(),
            sorted(os.listdir(maildir / 'cur')))


def _assert_usable(client: RawClient, subjects: list[bytes]) -> None:
    """The session goes on, and INBOX holds the messages of *subjects*."""
    assert client.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']
    lines = client.command(b's SELECT INBOX')
    assert b'* %d EXISTS\r\n' % len(subjects) in lines, lines
    assert lines[-1].startswith(b's OK'), lines
    lines = client.command(
        b'f FETCH 1:* BODY.PEEK[HEADER.FIELDS (SUBJECT)]')
    assert lines[-1].startswith(b'f OK'), lines
    found = [line for line in lines if line.startswith(b'Subject: ')]
    assert found == [b'Subject: %s\r\n' % subject for subject in subjects]


@contextmanager
def _one_stored(tmp_path: Path) -> Iterator[tuple[RawClient, Path]]:
    """A session whose INBOX holds the message ``one``, and its
    maildir."""
    with maildir_server(tmp_path) as server:
        client = login(server)
        assert _append(client, b'a1', [_message(b'one')]
                       )[-1].startswith(b'a1 OK')
        yield client, tmp_path / 'testuser'
        client.close()


def _append_fails(client: RawClient, maildir: Path, messages: list[bytes],
                  disk: FillingDisk, room: int, error: int = errno.ENOSPC,
                  answer: bytes = OVERQUOTA) -> None:
    """An APPEND of *messages* with *room* octets left on the disk
    answers *answer* and leaves the maildir as it was; then the session
    goes on, and the disk is freed."""
    before = _state(maildir)
    disk.fill(room, error)
    assert _append(client, b'a2', messages) == [b'a2 ' + answer]
    assert left_in_tmp(maildir) == []
    assert _state(maildir) == before
    _assert_usable(client, [b'one'])
    disk.free()


@pytest.mark.parametrize('error', [errno.ENOSPC, errno.EDQUOT],
                         ids=['ENOSPC', 'EDQUOT'])
@pytest.mark.parametrize('size', [100, LOCKED_WRITE_MAX + 1],
                         ids=['written under the lock', 'written early'])
def test_append_on_a_full_disk(tmp_path: Path, disk: FillingDisk,
                               error: int, size: int) -> None:
    message = _message(b'two', size)
    with _one_stored(tmp_path) as (client, maildir):
        _append_fails(client, maildir, [message], disk, size // 2, error)
        assert _append(client, b'a3', [message]
                       )[-1].startswith(b'a3 OK [APPENDUID ')
        _assert_usable(client, [b'one', b'two'])


def test_a_multiappend_failing_on_its_second_message_stores_none(
        tmp_path: Path, disk: FillingDisk) -> None:
    messages = [_message(b'two'), _message(b'three')]
    with _one_stored(tmp_path) as (client, maildir):
        _append_fails(client, maildir, messages, disk, len(messages[0]) + 5)
        lines = _append(client, b'a3', messages)
        assert lines[-1].startswith(b'a3 OK [APPENDUID '), lines
        assert b' 2:3] ' in lines[-1], lines
        _assert_usable(client, [b'one', b'two', b'three'])


@pytest.mark.parametrize('room', [0, 3], ids=['nothing', 'part'])
def test_a_full_disk_at_the_uidlist_leaves_it_as_it_was(
        tmp_path: Path, disk: FillingDisk, room: int) -> None:
    """The message files are written; the uidlist records of their UIDs
    are not, or only in part (cut off again)."""
    messages = [_message(b'two'), _message(b'three')]
    with _one_stored(tmp_path) as (client, maildir):
        _append_fails(client, maildir, messages, disk,
                      sum(len(message) for message in messages) + room)
        assert _append(client, b'a3', messages)[-1].startswith(b'a3 OK')
        _assert_usable(client, [b'one', b'two', b'three'])


def test_other_write_errors_answer_unavailable(
        tmp_path: Path, disk: FillingDisk) -> None:
    with _one_stored(tmp_path) as (client, maildir):
        _append_fails(client, maildir, [_message(b'two')], disk, 5,
                      errno.EIO, UNAVAILABLE)


def _copy_fails(client: RawClient, command: bytes, maildir: Path) -> None:
    """*command* of INBOX's two messages to ``Dest`` answers
    ``OVERQUOTA`` and changes neither mailbox; then the session goes
    on."""
    source, target = maildir, maildir / '.Dest'
    before = _state(source), _state(target)
    assert client.command(b'c %s 1:2 Dest' % command) == \
        [b'c ' + OVERQUOTA]
    assert left_in_tmp(source) == left_in_tmp(target) == []
    assert (_state(source), _state(target)) == before
    _assert_usable(client, [b'one', b'two'])


def _with_two_messages(client: RawClient) -> None:
    assert client.command(b'c CREATE Dest')[-1].startswith(b'c OK')
    assert _append(client, b'a', [_message(b'one'), _message(b'two')]
                   )[-1].startswith(b'a OK')
    assert client.command(b's SELECT INBOX')[-1].startswith(b's OK')


@pytest.mark.parametrize('command', [b'COPY', b'MOVE'])
def test_copy_on_a_full_disk(tmp_path: Path, disk: FillingDisk,
                             command: bytes) -> None:
    """The files are linked, the target's uidlist cannot grow."""
    with maildir_server(tmp_path) as server:
        client = login(server)
        _with_two_messages(client)
        disk.fill()
        _copy_fails(client, command, tmp_path / 'testuser')
        disk.free()
        lines = client.command(b'c %s 1:2 Dest' % command)
        assert lines[-1].startswith(b'c OK'), lines
        assert len(os.listdir(tmp_path / 'testuser' / '.Dest' / 'cur')) == 2
        client.close()


def test_a_copy_cut_short_is_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without hard links, the files are copied: the first whole, the
    second only in part before the disk is full."""
    copied: list[object] = []

    def copy2(source: str, target: Path) -> None:
        if copied:
            target.write_bytes(Path(source).read_bytes()[:5])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        copied.append(shutil.copy2(source, target))

    # Space enough, but no hard links.
    monkeypatch.setattr(fill_disk(monkeypatch, folder_module), 'link',
                        no_link)
    monkeypatch.setattr(folder_module, 'shutil',
                        SimpleNamespace(copy2=copy2))
    with maildir_server(tmp_path) as server:
        client = login(server)
        _with_two_messages(client)
        _copy_fails(client, b'COPY', tmp_path / 'testuser')
        assert len(copied) == 1
        client.close()

"""Mailbox names on disk, end to end: dots, slashes, non-ASCII in
modified UTF-7, RENAME of INBOX, DELETE with children, CREATE of an
existing name, and names that would leave the user's directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pymap.testing.rawclient import RawClient

from .server import login, maildir_server

MESSAGE = b'Subject: hi\r\n\r\nbody\r\n'


@pytest.fixture
def client(tmp_path: Path) -> Iterator[RawClient]:
    with maildir_server(tmp_path) as server:
        client = login(server)
        yield client
        client.close()


def _ok(client: RawClient, line: bytes) -> list[bytes]:
    lines = client.command(line)
    assert lines[-1].split(b' ')[1] == b'OK', lines
    return lines


def _no(client: RawClient, line: bytes) -> bytes:
    last = client.command(line)[-1]
    assert last.split(b' ')[1] == b'NO', last
    assert client.command(b'n NOOP')[-1] == b'n OK NOOP completed.\r\n'
    return last


def _append(client: RawClient, mailbox: bytes, flags: bytes = b'') -> None:
    _ok(client, b'a APPEND %s (%s) {%d+}\r\n%s'
        % (mailbox, flags, len(MESSAGE), MESSAGE))


def _folders(root: Path) -> list[str]:
    return sorted(name for name in os.listdir(root)
                  if name.startswith('.'))


def test_names_are_stored_as_dovecot_does(client: RawClient,
                                          tmp_path: Path) -> None:
    for name in (b'"a.b"', b'"a.b/c.d"', b'Entw&APw-rfe/x', b'"~tilde"',
                 b'"back\\\\slash"', b'"a&-b"', b'cur', b'tmp'):
        _ok(client, b'c CREATE ' + name)
    assert _folders(tmp_path / 'testuser') == [
        '.Entw&APw-rfe', '.Entw&APw-rfe.x', '.\\7etilde', '.a&-b',
        '.a\\2eb', '.a\\2eb.c\\2ed', '.back\\5cslash', '.cur', '.tmp']
    listed = {line.rstrip(b'\r\n').split(b' "/" ')[1].strip(b'"')
              for line in client.command(b'l LIST "" *')[:-1]}
    assert listed == {b'INBOX', b'a.b', b'a.b/c.d', b'Entw&APw-rfe',
                      b'Entw&APw-rfe/x', b'~tilde', b'back\\\\slash',
                      b'a&-b', b'cur', b'tmp'}


def test_names_for_maildir_subdirectories_stay_apart(
        client: RawClient, tmp_path: Path) -> None:
    _ok(client, b'c CREATE cur')
    _append(client, b'cur')
    _append(client, b'INBOX')
    assert client.command(b's STATUS INBOX (MESSAGES)')[0] == \
        b'* STATUS INBOX (MESSAGES 1)\r\n'
    assert client.command(b's STATUS cur (MESSAGES)')[0] == \
        b'* STATUS cur (MESSAGES 1)\r\n'
    assert len(os.listdir(tmp_path / 'testuser' / 'cur')) == 1
    assert len(os.listdir(tmp_path / 'testuser' / '.cur' / 'cur')) == 1


@pytest.mark.parametrize('command', [
    b'c CREATE ".."', b'c CREATE "../escape"', b'c CREATE "a/../../b"',
    b'c CREATE "a/./b"', b'c CREATE "/abs"', b's SELECT "../testuser"',
    b's SELECT ".."', b's STATUS "../x" (MESSAGES)',
    b'c CREATE "%s"' % (b'x' * 400),
    b'r RENAME INBOX "../stolen"', b'd DELETE "../testuser"',
    b'a APPEND "../x" {1+}\r\nx', b'u SUBSCRIBE "a/../b"'])
def test_names_outside_the_user_directory_are_refused(
        client: RawClient, tmp_path: Path, command: bytes) -> None:
    before = sorted(os.listdir(tmp_path))
    _no(client, command)
    assert sorted(os.listdir(tmp_path)) == before
    # The core creates the superior "a" before the backend sees "a/..".
    assert _folders(tmp_path / 'testuser') in ([], ['.a'])


def test_create_existing_name(client: RawClient) -> None:
    _ok(client, b'c CREATE Drafts')
    assert b'[ALREADYEXISTS]' in _no(client, b'c CREATE Drafts')
    assert b'[ALREADYEXISTS]' in _no(client, b'c CREATE INBOX')


def test_rename_inbox_moves_messages(client: RawClient,
                                    tmp_path: Path) -> None:
    _append(client, b'INBOX', b'\\Seen kw')
    _append(client, b'INBOX')
    _ok(client, b'r RENAME INBOX "Old/2024"')
    assert client.command(b's STATUS INBOX (MESSAGES UIDNEXT)')[0] == \
        b'* STATUS INBOX (MESSAGES 0 UIDNEXT 3)\r\n'
    _ok(client, b's SELECT "Old/2024"')
    fetch = client.command(b'f FETCH 1:* (FLAGS)')
    assert fetch[0] == b'* 1 FETCH (FLAGS (\\Seen kw \\Recent))\r\n'
    assert fetch[1] == b'* 2 FETCH (FLAGS (\\Recent))\r\n'
    root = tmp_path / 'testuser'
    assert os.listdir(root / 'cur') == []
    assert len(os.listdir(root / '.Old.2024' / 'cur')) == 2


def test_rename_with_children_and_dots(client: RawClient,
                                       tmp_path: Path) -> None:
    _ok(client, b'c CREATE "a.b/c"')
    _append(client, b'"a.b/c"')
    _ok(client, b'r RENAME "a.b" "x.y"')
    assert _folders(tmp_path / 'testuser') == ['.x\\2ey', '.x\\2ey.c']
    assert client.command(b's STATUS "x.y/c" (MESSAGES)')[0] == \
        b'* STATUS x.y/c (MESSAGES 1)\r\n'


def test_delete_with_children(client: RawClient, tmp_path: Path) -> None:
    _ok(client, b'c CREATE parent/child')
    _append(client, b'parent')
    _append(client, b'parent/child')
    _ok(client, b'd DELETE parent')
    root = tmp_path / 'testuser'
    assert os.listdir(root / '.parent') == []
    assert client.command(b's STATUS parent/child (MESSAGES)')[0] == \
        b'* STATUS parent/child (MESSAGES 1)\r\n'
    assert b'[NONEXISTENT]' in _no(client, b's SELECT parent')
    _ok(client, b'd DELETE parent/child')
    _ok(client, b'd DELETE parent')
    assert _folders(root) == []
    assert os.listdir(root / 'tmp') == []


def test_selected_mailbox_deleted_by_another_session(
        client: RawClient, tmp_path: Path) -> None:
    _ok(client, b'c CREATE Doomed')
    _append(client, b'Doomed')
    _ok(client, b's SELECT Doomed')
    (tmp_path / 'testuser' / '.Doomed' / 'cur').rename(
        tmp_path / 'testuser' / 'gone')
    assert client.command(b'n NOOP') == [
        b'* BYE Selected mailbox was deleted.\r\n', b'']


def test_unselect_of_a_vanished_mailbox_is_ok(
        client: RawClient, tmp_path: Path) -> None:
    _ok(client, b'c CREATE Doomed')
    _ok(client, b's SELECT Doomed')
    (tmp_path / 'testuser' / '.Doomed' / 'cur').rename(
        tmp_path / 'testuser' / 'gone')
    _ok(client, b'u UNSELECT')
    assert client.command(b'n NOOP')[-1] == b'n OK NOOP completed.\r\n'

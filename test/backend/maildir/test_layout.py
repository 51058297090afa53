"""Mailbox names ↔ maildir directories, in both layouts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pymap.backend.maildir.dirs import make_maildir
from pymap.backend.maildir.layout import (
    FsLayout,
    Layout,
    MaildirPlusPlus,
    decode_level,
    encode_level,
)
from pymap.exceptions import MailboxConflict, MailboxNotFound, NotAllowed
from pymap.interfaces.storage import MailboxEntry


@pytest.fixture(params=[MaildirPlusPlus, FsLayout])
def layout(request: pytest.FixtureRequest, tmp_path: Path) -> Layout:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    cls: type[Layout] = request.param
    return cls(tmp_path)


@pytest.mark.parametrize(('level', 'dotted', 'plain'), [
    ('Sent', 'Sent', 'Sent'),
    ('a.b', 'a\\2eb', 'a.b'),
    ('back\\slash', 'back\\5cslash', 'back\\5cslash'),
    ('~home', '\\7ehome', '\\7ehome'),
    ('Entwürfe', 'Entw&APw-rfe', 'Entw&APw-rfe'),
    ('a&b', 'a&-b', 'a&-b'),
    ('日本語', '&ZeVnLIqe-', '&ZeVnLIqe-'),
    ('.hidden', '\\2ehidden', '.hidden'),
])
def test_level_codec(level: str, dotted: str, plain: str) -> None:
    assert encode_level(level, escape_dot=True) == dotted
    assert encode_level(level, escape_dot=False) == plain
    assert decode_level(dotted) == level
    assert decode_level(plain) == level


@pytest.mark.parametrize('level', ['', '.', '..', 'a\x00b', 'tab\there',
                                   'del\x7f'])
def test_invalid_levels(level: str) -> None:
    with pytest.raises(NotAllowed):
        encode_level(level, escape_dot=True)


@pytest.mark.parametrize('stored', ['\\2e', '\\2e\\2e', '&A-', 'a\\00b'])
def test_undecodable_levels(stored: str) -> None:
    with pytest.raises(ValueError):
        decode_level(stored)


def test_maildirplusplus_paths(tmp_path: Path) -> None:
    layout = MaildirPlusPlus(tmp_path)
    assert layout.path_of('INBOX') == tmp_path
    assert layout.path_of('Sent') == tmp_path / '.Sent'
    assert layout.path_of('a.b/c') == tmp_path / '.a\\2eb.c'
    assert layout.path_of('INBOX/sub') == tmp_path / '.INBOX.sub'
    assert layout.path_of('cur') == tmp_path / '.cur'


def test_fs_paths(tmp_path: Path) -> None:
    layout = FsLayout(tmp_path)
    assert layout.path_of('INBOX') == tmp_path
    assert layout.path_of('a.b/c') == tmp_path / 'a.b' / 'c'


@pytest.mark.parametrize('name', [
    '..', '../x', 'a/../b', 'a/./b', '/abs', 'a//b', 'a/', 'nul\x00',
    'x' * 300])
def test_names_outside_the_root_are_refused(layout: Layout,
                                            name: str) -> None:
    with pytest.raises(NotAllowed):
        layout.path_of(name)


@pytest.mark.parametrize('name', [
    'cur', 'new', 'tmp', 'a/cur', 'maildirfolder', 'dovecot-uidlist',
    'subscriptions', 'x/dovecot.index'])
def test_fs_names_clashing_with_maildir_entries(tmp_path: Path,
                                                name: str) -> None:
    with pytest.raises(NotAllowed):
        FsLayout(tmp_path).path_of(name)
    assert MaildirPlusPlus(tmp_path).path_of(name).parent == tmp_path


def test_create_scan_and_conflict(layout: Layout) -> None:
    layout.create('Sent', fsync=True)
    layout.create('a.b', fsync=False)
    layout.create('a.b/c', fsync=False)
    layout.create('x/y', fsync=False)
    with pytest.raises(MailboxConflict):
        layout.create('Sent', fsync=False)
    assert layout.scan() == [
        MailboxEntry('INBOX'), MailboxEntry('Sent'), MailboxEntry('a.b'),
        MailboxEntry('a.b/c'), MailboxEntry('x', False),
        MailboxEntry('x/y')]
    path = layout.path_of('Sent')
    assert sorted(os.listdir(path)) == [
        'cur', 'dovecot-uidlist', 'maildirfolder', 'new', 'tmp']


def test_create_completes_a_half_created_mailbox(layout: Layout) -> None:
    path = layout.path_of('Half')
    path.mkdir()
    (path / 'tmp').mkdir()
    assert MailboxEntry('Half', False) in layout.scan()
    layout.create('Half', fsync=False)
    assert MailboxEntry('Half') in layout.scan()


def test_delete_leaf_and_parent_with_children(layout: Layout) -> None:
    layout.create('p', fsync=False)
    layout.create('p/c', fsync=False)
    (layout.path_of('p') / 'cur' / 'msg:2,').write_bytes(b'x')
    layout.delete('p')
    assert layout.scan() == [MailboxEntry('INBOX'), MailboxEntry('p', False),
                             MailboxEntry('p/c')]
    layout.delete('p/c')
    assert layout.scan() == [MailboxEntry('INBOX'), MailboxEntry('p', False)]
    layout.delete('p')
    assert layout.scan() == [MailboxEntry('INBOX')]
    assert os.listdir(layout.root / 'tmp') == []
    with pytest.raises(MailboxNotFound):
        layout.delete('p')
    with pytest.raises(MailboxNotFound):
        layout.delete('INBOX')


def test_rename_with_children(layout: Layout) -> None:
    layout.create('a', fsync=False)
    layout.create('a/b', fsync=False)
    layout.create('ab', fsync=False)
    layout.create('z', fsync=False)
    layout.rename('a', 'z/n')
    assert layout.scan() == [
        MailboxEntry('INBOX'), MailboxEntry('ab'), MailboxEntry('z'),
        MailboxEntry('z/n'), MailboxEntry('z/n/b')]
    with pytest.raises(MailboxConflict):
        layout.rename('ab', 'z')
    with pytest.raises(MailboxNotFound):
        layout.rename('nothing', 'else')


def test_scan_skips_foreign_entries(tmp_path: Path) -> None:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    (tmp_path / '.bad&A-').mkdir()
    (tmp_path / '.file').write_text('not a folder')
    (tmp_path / '.INBOX').mkdir()
    assert MaildirPlusPlus(tmp_path).scan() == [MailboxEntry('INBOX')]

"""The blocking maildir index and folder: sync with the disk and own
changes."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pymap.backend.maildir import folder as folder_module
from pymap.backend.maildir import index as index_module
from pymap.backend.maildir.dirs import make_maildir
from pymap.backend.maildir.folder import MaildirFolder
from pymap.backend.maildir.keywords import KeywordLimit, add_keywords
from pymap.exceptions import MailboxNotFound

from .leftovers import left_in_tmp

DATE = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path) -> MaildirFolder:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    folder = MaildirFolder(tmp_path, tmp_path, fsync=True)
    folder.refresh()
    return folder


def _append(folder: MaildirFolder, data: bytes,
            flags: frozenset[bytes] = frozenset()) -> int:
    (uid,) = folder.commit([folder.write_temp(data, flags, DATE)])
    return uid


def _deliver(folder: MaildirFolder, name: str, data: bytes) -> None:
    (folder.tmp / name).write_bytes(data)
    os.rename(folder.tmp / name, folder.path / 'new' / name)


def _uidlist(folder: MaildirFolder) -> list[str]:
    return (folder.path / 'dovecot-uidlist').read_text().splitlines()


def test_append_writes_file_uidlist_and_date(folder: MaildirFolder) -> None:
    uid = _append(folder, b'Subject: x\n\nbody\n',
                  frozenset({b'\\Seen', b'$Label1'}))
    assert uid == 1
    (name,) = os.listdir(folder.path / 'cur')
    assert name.endswith(',S=17,W=20:2,Sa')
    path = folder.path / 'cur' / name
    assert path.read_bytes() == b'Subject: x\n\nbody\n'
    assert path.stat().st_mtime == DATE.timestamp()
    assert _uidlist(folder)[1] == f'1 :{name.partition(":")[0]}'
    assert (folder.path / 'dovecot-keywords').read_bytes() == b'0 $Label1\n'
    assert left_in_tmp(folder.path) == []
    snapshot = folder.snapshot()
    assert snapshot.uids == [1]
    assert snapshot.flags == {1: {b'\\Seen', b'$Label1'}}
    assert snapshot.next_uid == 2
    (meta,) = folder.metas([1]) or []
    assert (meta.uid, meta.size, meta.internal_date) == (1, 20, DATE)


def test_commit_all_or_none(folder: MaildirFolder) -> None:
    _append(folder, b'a', frozenset(b'k%d' % i for i in range(20)))
    items = [folder.write_temp(b'b', frozenset({b'x%d' % i}), DATE)
             for i in range(8)]
    with pytest.raises(KeywordLimit):
        folder.commit(items)
    assert len(os.listdir(folder.path / 'cur')) == 1
    assert folder.snapshot().uids == [1]


def test_flags_rename_files(folder: MaildirFolder) -> None:
    uid = _append(folder, b'x')
    assert folder.update_flags([uid, 99], frozenset({b'\\Flagged', b'kw'}),
                               'add') == {uid: {b'\\Flagged', b'kw'}}
    (name,) = os.listdir(folder.path / 'cur')
    assert name.endswith(':2,Fa')
    assert folder.update_flags([uid], frozenset({b'\\Flagged'}),
                               'remove') == {uid: {b'kw'}}
    assert folder.update_flags([uid], frozenset({b'\\Draft'}),
                               'replace') == {uid: {b'\\Draft'}}
    (name,) = os.listdir(folder.path / 'cur')
    assert name.endswith(':2,D')


def test_unknown_letters_survive_flag_changes(folder: MaildirFolder) -> None:
    uid = _append(folder, b'x')
    (name,) = os.listdir(folder.path / 'cur')
    os.rename(folder.path / 'cur' / name,
              folder.path / 'cur' / (name + 'Pz'))
    folder.refresh()
    folder.update_flags([uid], frozenset({b'\\Seen'}), 'add')
    (name,) = os.listdir(folder.path / 'cur')
    assert name.endswith(':2,PSz')
    assert folder.snapshot().flags[uid] == {b'\\Seen'}


def test_flag_change_behind_the_index_is_retried(
        folder: MaildirFolder) -> None:
    uid = _append(folder, b'x')
    (name,) = os.listdir(folder.path / 'cur')
    os.rename(folder.path / 'cur' / name,
              folder.path / 'cur' / (name + 'T'))
    assert folder.update_flags([uid], frozenset({b'\\Seen'}), 'add') == {
        uid: {b'\\Seen', b'\\Deleted'}}


def test_expunge(folder: MaildirFolder) -> None:
    uids = [_append(folder, b'%d' % i) for i in range(3)]
    assert folder.expunge([uids[0], uids[2], 42]) == [uids[0], uids[2]]
    assert folder.snapshot().uids == [uids[1]]
    assert len(os.listdir(folder.path / 'cur')) == 1
    assert _append(folder, b'new') == 4


def test_uidlist_is_compacted(folder: MaildirFolder,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folder_module, 'COMPACT_MIN', 2)
    uids = [_append(folder, b'%d' % i) for i in range(5)]
    folder.expunge(uids[:2])
    assert len(_uidlist(folder)) == 6
    folder.expunge(uids[2:4])
    assert [line.split()[0] for line in _uidlist(folder)[1:]] == ['5']
    assert _uidlist(folder)[0].split()[2] == 'N6'


def test_external_delivery_gets_uid_and_moves_to_cur(
        folder: MaildirFolder) -> None:
    _append(folder, b'mine')
    modseq = folder.modseq
    _deliver(folder, '1700000000.M1P1.mta', b'Subject: hi\n\nyo\n')
    folder.refresh()
    assert folder.modseq > modseq
    assert folder.snapshot().uids == [1, 2]
    assert os.listdir(folder.path / 'new') == []
    assert '1700000000.M1P1.mta:2,' in os.listdir(folder.path / 'cur')
    assert _uidlist(folder)[-1] == '2 :1700000000.M1P1.mta'
    result = folder.read(2)
    assert result is not None
    meta, data = result
    assert data == b'Subject: hi\n\nyo\n'
    assert meta.size == 19


def test_first_sync_marks_delivered_mail_recent(tmp_path: Path) -> None:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    (tmp_path / 'cur' / 'old:2,S').write_bytes(b'old')
    (tmp_path / 'new' / 'fresh').write_bytes(b'new')
    folder = MaildirFolder(tmp_path, tmp_path, fsync=False)
    folder.refresh()
    snapshot = folder.snapshot()
    assert snapshot.uids == [1, 2]
    assert snapshot.recent_uid == 1


def test_no_listing_without_changes(folder: MaildirFolder,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _append(folder, b'x')
    calls = []
    listing = index_module.list_files

    def counting(path: Path, subdirs: tuple[str, ...] = ('cur', 'new'),
                 known: index_module.Listing | None = None
                 ) -> index_module.Listing:
        calls.append(subdirs)
        return listing(path, subdirs, known)

    monkeypatch.setattr(index_module, 'list_files', counting)
    monkeypatch.setattr(index_module, 'VERIFY_AFTER', 3600.0)
    for _ in range(10):
        folder.refresh()
    _append(folder, b'y')
    folder.update_flags([1], frozenset({b'\\Seen'}), 'add')
    folder.expunge([2])
    folder.refresh()
    assert calls == []
    _deliver(folder, 'dropped', b'z')
    folder.refresh()
    assert calls and ('cur', 'new') not in calls
    assert folder.snapshot().uids == [1, 3]


def test_own_change_is_verified_once_quiet(
        folder: MaildirFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, 'VERIFY_AFTER', 0.0)
    _append(folder, b'x')
    # A change by another process in the same instant as our own.
    (name,) = os.listdir(folder.path / 'cur')
    os.rename(folder.path / 'cur' / name, folder.path / 'cur' / (name + 'S'))
    probe = index_module.take_probe(folder.maildir)
    monkeypatch.setattr(folder, '_probe', probe)
    folder.refresh()
    assert folder.snapshot().flags[1] == {b'\\Seen'}


def test_keywords_changed_during_own_change_are_seen(
        folder: MaildirFolder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, 'VERIFY_AFTER', 3600.0)
    uid = _append(folder, b'x')
    other = _append(folder, b'y')
    (name,) = [name for name in os.listdir(folder.path / 'cur')
               if folder.records[uid].base in name]
    os.rename(folder.path / 'cur' / name,
              folder.path / 'cur' / (name + 'a'))  # a keyword not yet named
    folder.refresh()
    refresh = folder.refresh

    def then_another_process_names_it() -> None:
        refresh()
        add_keywords(folder.path, [b'$Label'], fsync=False)

    # Another process names the keyword between this process's probe and
    # its flag change: the probe after the change must not hide that.
    monkeypatch.setattr(folder, 'refresh', then_another_process_names_it)
    folder.update_flags([other], frozenset({b'\\Seen'}), 'add')
    monkeypatch.delattr(folder, 'refresh')
    folder.refresh()
    assert folder.snapshot().flags[uid] == {b'$Label'}


def test_duplicate_base_names_get_new_ones(tmp_path: Path) -> None:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    (tmp_path / 'cur' / 'same,S=1:2,S').write_bytes(b'a')
    (tmp_path / 'new' / 'same,S=1').write_bytes(b'b')
    folder = MaildirFolder(tmp_path, tmp_path, fsync=False)
    folder.refresh()
    assert folder.snapshot().uids == [1, 2]
    contents = sorted((folder.read(uid) or (None, b''))[1]
                      for uid in (1, 2))
    assert contents == [b'a', b'b']


def test_missing_and_corrupt_uidlist_get_new_uidvalidity(
        folder: MaildirFolder) -> None:
    _append(folder, b'x')
    validity = folder.uid_validity
    (folder.path / 'dovecot-uidlist').write_bytes(b'garbage')
    # The UIDs the index knew are no more: it is bound to the old ones.
    with pytest.raises(MailboxNotFound):
        folder.refresh()
    assert folder.gone
    with pytest.raises(MailboxNotFound):
        folder.refresh()
    fresh = MaildirFolder(folder.path, folder.root, fsync=False)
    fresh.refresh()
    assert fresh.uid_validity > validity
    assert fresh.snapshot().uids == [1]
    (folder.path / 'dovecot-uidlist').unlink()
    with pytest.raises(MailboxNotFound):
        fresh.refresh()
    again = MaildirFolder(folder.path, folder.root, fsync=False)
    again.refresh()
    assert again.uid_validity > fresh.uid_validity
    assert again.snapshot().uids == [1]


def test_partial_uidlist_line_is_repaired(folder: MaildirFolder) -> None:
    _append(folder, b'x')
    with open(folder.path / 'dovecot-uidlist', 'ab') as uidlist:
        uidlist.write(b'7 :half-writ')
    fresh = MaildirFolder(folder.path, folder.root, fsync=False)
    fresh.refresh()
    assert fresh.snapshot().uids == [1]
    assert _uidlist(fresh)[-1].startswith('1 :')
    _append(fresh, b'y')
    assert fresh.snapshot().uids == [1, 2]


def test_temp_files_are_never_messages(folder: MaildirFolder) -> None:
    (folder.tmp / 'half-written').write_bytes(b'Subj')
    folder.refresh()
    assert folder.snapshot().uids == []


def test_old_temp_files_are_cleaned_at_first_sync(tmp_path: Path) -> None:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    (tmp_path / 'tmp' / 'fresh').write_bytes(b'x')
    (tmp_path / 'tmp' / 'x.pymap-deleted').mkdir()
    MaildirFolder(tmp_path, tmp_path, fsync=False).refresh()
    assert os.listdir(tmp_path / 'tmp') == ['fresh']


def test_export_links_with_flags_and_date(tmp_path: Path) -> None:
    folders = []
    for name in ('a', 'b'):
        make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
        path = tmp_path / name
        path.mkdir()
        make_maildir(path, tmp_path, fsync=False, folder=True)
        folders.append(MaildirFolder(path, tmp_path, fsync=False))
    source, target = folders
    _append(target, b'other', frozenset({b'zz'}))
    uid = _append(source, b'msg\n', frozenset({b'kw', b'\\Seen'}))
    ((old, item),) = source.export([uid, 77], target)
    assert old == uid
    (new,) = target.commit([item])
    assert target.snapshot().flags[new] == {b'kw', b'\\Seen'}
    (name,) = [name for name in os.listdir(target.path / 'cur')
               if name.endswith('Sb')]
    assert os.stat(target.path / 'cur' / name).st_nlink == 2
    meta = (target.metas([new]) or [])[0]
    assert (meta.internal_date, meta.size) == (DATE, 5)


def test_vanished_maildir(folder: MaildirFolder) -> None:
    os.rename(folder.path / 'cur', folder.path / 'gone')
    with pytest.raises(MailboxNotFound):
        folder.refresh()

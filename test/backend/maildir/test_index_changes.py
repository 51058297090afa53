"""The maildir index logs changes found on disk as well as its own, so
sessions compare only the messages touched (FolderIndex._install)."""

from __future__ import annotations

import os
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pymap.backend.maildir import index as index_module
from pymap.backend.maildir.dirs import make_maildir
from pymap.backend.maildir.folder import MaildirFolder
from pymap.exceptions import MailboxNotFound

DATE = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> MaildirFolder:
    """A folder with three messages that lists the disk on every
    refresh."""
    monkeypatch.setattr(index_module, 'VERIFY_AFTER', 0.0)
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    folder = MaildirFolder(tmp_path, tmp_path, fsync=False)
    folder.refresh()
    for number in range(3):
        folder.commit([folder.write_temp(b'%d' % number, frozenset(),
                                         DATE)])
    return folder


def file_of(folder: MaildirFolder, uid: int) -> Path:
    return folder.path / 'cur' / folder.records[uid].file


def touched_since(folder: MaildirFolder,
                  modseq: int) -> AbstractSet[int] | None:
    changes = folder.snapshot().changes
    assert changes is not None
    return changes.since(modseq)


def test_own_changes_are_logged(folder: MaildirFolder) -> None:
    before = folder.snapshot()
    folder.update_flags([1], frozenset([b'\\Seen']), 'add')
    folder.expunge([3])
    assert touched_since(folder, before.modseq) == {1, 3}


def test_changes_found_on_disk_are_logged(folder: MaildirFolder) -> None:
    before = folder.snapshot()
    flagged = file_of(folder, 1)
    os.rename(flagged, flagged.with_name(flagged.name + 'S'))
    file_of(folder, 2).unlink()
    folder.refresh()
    after = folder.snapshot()
    assert after.modseq > before.modseq
    assert after.flags[1] == {b'\\Seen'} and 2 not in after.flags
    touched = touched_since(folder, before.modseq)
    assert touched is not None and {1, 2} <= touched


def test_a_delivery_keeps_the_log(folder: MaildirFolder) -> None:
    before = folder.snapshot()
    (folder.tmp / 'mta.1').write_bytes(b'Subject: hi\n\nyo\n')
    os.rename(folder.tmp / 'mta.1', folder.path / 'new' / 'mta.1')
    folder.refresh()
    after = folder.snapshot()
    assert after.uids == [1, 2, 3, 4]
    touched = touched_since(folder, before.modseq)
    assert touched is not None and touched <= {4}


def test_a_new_uidvalidity_ends_the_index(folder: MaildirFolder) -> None:
    """The UIDs of a new UIDVALIDITY name other messages: the index,
    bound to the old one, logs nothing more and refuses to go on."""
    before = folder.snapshot()
    (folder.path / 'dovecot-uidlist').write_bytes(b'garbage')
    with pytest.raises(MailboxNotFound):
        folder.refresh()
    assert folder.gone and folder.modseq == before.modseq
    fresh = MaildirFolder(folder.path, folder.root, fsync=False)
    fresh.refresh()
    assert fresh.snapshot().uid_validity != before.uid_validity

"""What the kernel reports of changes to a maildir
(pymap/backend/maildir/changefeed.py): entries of ``cur/`` and ``new/``
and the uidlist and keywords files count, other files of the folder do
not; a deleted folder is no longer vouched for."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.changefeed import AVAILABLE, ChangeFeed, FolderFeed
from pymap.backend.maildir.folder import MaildirFolder
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.exceptions import TemporaryFailure

pytestmark = pytest.mark.skipif(not AVAILABLE, reason='needs inotify')


def maildir(path: Path) -> str:
    for subdir in ('cur', 'new', 'tmp'):
        (path / subdir).mkdir(parents=True)
    return str(path)


def watched(feed: ChangeFeed, path: str) -> FolderFeed:
    folder = feed.folder(path)
    assert folder is not None
    return folder


def moved(feed: ChangeFeed, folder: FolderFeed) -> bool:
    before = folder.count
    feed.drain()
    return folder.count != before


def test_deliveries_flag_changes_and_expunges_count(tmp_path: Path) -> None:
    feed = ChangeFeed()
    path = maildir(tmp_path / 'box')
    folder = watched(feed, path)
    assert not moved(feed, folder)
    (tmp_path / 'box' / 'tmp' / 'm1').write_bytes(b'x')
    assert not moved(feed, folder)  # tmp/ is nobody's business
    os.rename(f'{path}/tmp/m1', f'{path}/new/m1')
    assert moved(feed, folder)
    os.rename(f'{path}/new/m1', f'{path}/cur/m1:2,S')
    assert moved(feed, folder)
    os.unlink(f'{path}/cur/m1:2,S')
    assert moved(feed, folder)


def test_only_the_index_files_of_the_folder_count(tmp_path: Path) -> None:
    feed = ChangeFeed()
    path = maildir(tmp_path / 'box')
    folder = watched(feed, path)
    for other in ('dovecot.index.log', 'pymap.cache',
                  'dovecot-uidlist.lock'):
        (tmp_path / 'box' / other).write_bytes(b'x')
    assert not moved(feed, folder)
    (tmp_path / 'box' / 'dovecot-uidlist').write_bytes(b'3 V1 N1\n')
    assert moved(feed, folder)
    with open(f'{path}/dovecot-uidlist', 'ab') as uidlist:
        uidlist.write(b'1 :a\n')
    assert moved(feed, folder)
    (tmp_path / 'box' / 'new.tmp').write_bytes(b'0 a\n')
    os.rename(f'{path}/new.tmp', f'{path}/dovecot-keywords')
    assert moved(feed, folder)


def test_a_deleted_folder_is_lost_and_watched_anew(tmp_path: Path) -> None:
    feed = ChangeFeed()
    path = maildir(tmp_path / 'box')
    folder = watched(feed, path)
    shutil.rmtree(path)
    feed.drain()
    assert folder.lost
    maildir(tmp_path / 'box')
    again = watched(feed, path)
    assert again is not folder and not again.lost
    (tmp_path / 'box' / 'new' / 'm1').write_bytes(b'x')
    assert moved(feed, again)


def test_the_least_recently_used_folder_gives_up_its_watches(
        tmp_path: Path) -> None:
    feed = ChangeFeed(max_folders=2)
    paths = [maildir(tmp_path / name) for name in ('a', 'b', 'c')]
    first, second = watched(feed, paths[0]), watched(feed, paths[1])
    assert watched(feed, paths[0]) is first
    third = watched(feed, paths[2])
    assert second.lost and not first.lost and not third.lost
    (tmp_path / 'b' / 'new' / 'm1').write_bytes(b'x')
    (tmp_path / 'c' / 'new' / 'm1').write_bytes(b'x')
    feed.drain()
    assert (second.count, third.count) == (0, 1)


def test_a_missing_folder_is_not_watched(tmp_path: Path) -> None:
    feed = ChangeFeed()
    assert feed.folder(str(tmp_path / 'nowhere')) is None
    (tmp_path / 'half').mkdir()
    (tmp_path / 'half' / 'cur').mkdir()
    assert feed.folder(str(tmp_path / 'half')) is None


def test_one_folder_by_two_paths_has_one_feed(tmp_path: Path) -> None:
    feed = ChangeFeed()
    path = maildir(tmp_path / 'box')
    (tmp_path / 'link').symlink_to(tmp_path / 'box')
    folder = watched(feed, path)
    assert watched(feed, str(tmp_path / 'link')) is folder
    (tmp_path / 'box' / 'new' / 'm1').write_bytes(b'x')
    assert moved(feed, folder)


async def test_only_a_completed_probe_vouches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path / 'mail'), ContentCache(), fsync=False)
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.snapshot()
    folder = inbox._folder
    assert folder.feed is not None and folder.probed_at == folder.feed.count
    (tmp_path / 'mail' / 'new' / 'm1').write_bytes(b'Subject: a\n\n')
    failing = TemporaryFailure('disk trouble')

    def fail(*_: object, **__: object) -> None:
        raise failing
    monkeypatch.setattr(MaildirFolder, '_sync', fail)
    with pytest.raises(TemporaryFailure):
        await inbox.snapshot()
    assert folder.probed_at is None
    monkeypatch.undo()
    assert (await inbox.snapshot()).uids == [1]
    assert folder.probed_at == folder.feed.count

"""What the kernel reports of changes to a maildir
(pymap/backend/maildir/changefeed.py): entries of ``cur/`` and ``new/``
and the uidlist and keywords files count, other files of the folder do
not; a deleted folder is no longer vouched for; the process's own flag
changes and expunges, counted as they are made, leave the index vouched
for, and anything else beside them does not."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pymap.backend.maildir import index
from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.changefeed import (
    _IN_Q_OVERFLOW,
    AVAILABLE,
    ChangeFeed,
    FolderFeed,
)
from pymap.backend.maildir.folder import MaildirFolder
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.mailbox import MaildirMailbox
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.exceptions import TemporaryFailure
from pymap.interfaces.storage import NewMessage

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


@pytest.mark.parametrize('moving', ['', 'cur'])
def test_a_moved_folder_is_lost_and_no_longer_watched(
        tmp_path: Path, moving: str) -> None:
    feed = ChangeFeed()
    path = maildir(tmp_path / 'box')
    folder = watched(feed, path)
    (tmp_path / 'box' / moving).rename(tmp_path / 'away')
    feed.drain()
    assert folder.lost
    count = folder.count
    for subdir in ('cur', 'new'):
        (tmp_path / 'away' / subdir).mkdir(exist_ok=True)
        (tmp_path / 'away' / subdir / 'm1').write_bytes(b'x')
    feed.drain()
    assert folder.count == count  # its watches were removed


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
    assert folder.probed_at is not None


async def _inbox_with(tmp_path: Path, count: int) -> MaildirMailbox:
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path / 'mail'), ContentCache(), fsync=False)
    inbox = await mailboxes.get_mailbox('INBOX')
    assert isinstance(inbox, MaildirMailbox)
    await inbox.append([NewMessage(b'Subject: m\r\n\r\nbody\r\n', frozenset(),
                                   datetime(2024, 1, 1, tzinfo=UTC))
                        for _ in range(count)])
    await inbox.snapshot()
    return inbox


def _vouched(inbox: MaildirMailbox) -> bool:
    folder = inbox._folder
    assert folder.feed is not None
    inbox._changes.drain()
    return folder.probed_at == folder.feed.count


async def test_own_flag_changes_and_expunges_keep_the_index_vouched_for(
        tmp_path: Path) -> None:
    inbox = await _inbox_with(tmp_path, 3)
    await inbox.update_flags([1, 2], frozenset({b'\\Seen'}), 'add')
    assert _vouched(inbox)
    await inbox.update_flags([1], frozenset({b'\\Flagged'}), 'replace')
    assert _vouched(inbox)
    assert await inbox.expunge([2, 3]) == [2, 3]
    assert _vouched(inbox)
    snapshot = await inbox.snapshot()
    assert snapshot.uids == [1]
    assert snapshot.flags[1] == frozenset({b'\\Flagged'})


async def test_another_change_beside_own_ones_is_not_absorbed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = await _inbox_with(tmp_path, 2)
    own_change = MaildirFolder._own_change

    def with_a_delivery(self: MaildirFolder, *args: Any,
                        **kwargs: Any) -> None:
        (self.path / 'new' / 'delivered').write_bytes(b'Subject: b\n\nb\n')
        own_change(self, *args, **kwargs)
    monkeypatch.setattr(MaildirFolder, '_own_change', with_a_delivery)
    await inbox.update_flags([1], frozenset({b'\\Seen'}), 'add')
    assert inbox._folder.own_events is None  # not tried again
    assert not _vouched(inbox)


async def test_a_new_keyword_is_not_counted_as_known_events(
        tmp_path: Path) -> None:
    inbox = await _inbox_with(tmp_path, 1)
    await inbox.update_flags([1], frozenset({b'$Label1'}), 'add')
    assert inbox._folder.own_events is None
    assert not _vouched(inbox)
    assert (await inbox.snapshot()).flags[1] == frozenset({b'$Label1'})


async def test_an_overflow_spoils_what_own_changes_expect(
        tmp_path: Path) -> None:
    inbox = await _inbox_with(tmp_path, 1)
    folder = inbox._folder
    assert folder.feed is not None and folder.probed_at is not None
    folder.own_events = 1
    inbox._changes._count(-1, _IN_Q_OVERFLOW, b'')  # as the kernel says
    folder.absorb_own_events()
    assert folder.probed_at != folder.feed.count


async def test_a_delivery_just_before_a_flag_change_is_seen(
        tmp_path: Path) -> None:
    inbox = await _inbox_with(tmp_path, 2)
    folder = inbox._folder
    (tmp_path / 'mail' / 'new' / 'delivered').write_bytes(b'Subject: b\n\n')
    await inbox.update_flags([1], frozenset({b'\\Seen'}), 'add')
    assert folder.own_events is None
    assert not _vouched(inbox)
    assert (await inbox.snapshot()).uids == [1, 2, 3]
    assert _vouched(inbox)


async def test_a_flag_change_on_a_quiet_folder_skips_the_probe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = await _inbox_with(tmp_path, 2)
    probes: list[str] = []
    take_probe = index.take_probe

    def counted(maildir: str, *args: Any) -> Any:
        probes.append(maildir)
        return take_probe(maildir, *args)
    monkeypatch.setattr(index, 'take_probe', counted)
    await inbox.update_flags([1], frozenset({b'\\Seen'}), 'add')
    await inbox.update_flags([2], frozenset({b'\\Seen'}), 'add')
    assert len(probes) == 2  # each change's own, none before it
    assert _vouched(inbox)


async def test_another_change_while_a_probe_is_skipped_is_seen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = await _inbox_with(tmp_path, 2)
    set_flags = MaildirFolder._set_flags

    def after_another(self: MaildirFolder, *args: Any) -> Any:
        record = self.records[2]
        os.rename(self.file_of(record),
                  f'{self.maildir}/cur/{record.base}:2,S')
        return set_flags(self, *args)
    monkeypatch.setattr(MaildirFolder, '_set_flags', after_another)
    await inbox.update_flags([1], frozenset({b'\\Flagged'}), 'add')
    monkeypatch.undo()
    assert (await inbox.snapshot()).flags == {
        1: frozenset({b'\\Flagged'}), 2: frozenset({b'\\Seen'})}

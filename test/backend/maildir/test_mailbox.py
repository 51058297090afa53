"""The async mailbox and mailbox set: atomicity, copies, change
notification, loading."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pymap.backend.command_end import command_end
from pymap.backend.maildir import mailbox as mailbox_module
from pymap.backend.maildir import nowait
from pymap.backend.maildir import store as store_module
from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.changefeed import AVAILABLE, ChangeFeed
from pymap.backend.maildir.keywords import KeywordLimit
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.backend.maildir.uidlist import read_uidlist
from pymap.exceptions import MailboxNotFound, NotAllowed, NotSupported
from pymap.interfaces.storage import (
    Mailbox,
    MailboxSnapshot,
    MessageMeta,
    NewMessage,
    StoredMessage,
)
from pymap.mime import MessageContent

from .leftovers import left_in_tmp
from .test_nowait import needs_nowait

DATE = datetime(2022, 2, 2, 2, 2, 2, tzinfo=UTC)

needs_inotify = pytest.mark.skipif(not AVAILABLE, reason='needs inotify')

_T = TypeVar('_T')


def _message(data: bytes, *flags: bytes) -> NewMessage:
    return NewMessage(data, frozenset(flags), DATE)


@pytest.fixture
async def mailboxes(tmp_path: Path) -> MaildirMailboxSet:
    return await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path / 'mail'), ContentCache(), fsync=False)


async def test_root_and_inbox_are_created(tmp_path: Path,
                                          mailboxes: MaildirMailboxSet
                                          ) -> None:
    root = tmp_path / 'mail'
    assert {'cur', 'new', 'tmp', 'dovecot-uidlist'} <= set(os.listdir(root))
    inbox = await mailboxes.get_mailbox('INBOX')
    assert inbox is await mailboxes.get_mailbox('INBOX')
    snapshot = await inbox.snapshot()
    assert (snapshot.uids, snapshot.next_uid) == ([], 1)


async def test_unknown_and_invalid_names(mailboxes: MaildirMailboxSet
                                         ) -> None:
    with pytest.raises(MailboxNotFound):
        await mailboxes.get_mailbox('Nope')
    with pytest.raises(NotAllowed):
        await mailboxes.get_mailbox('../escape')


async def test_append_is_all_or_nothing(mailboxes: MaildirMailboxSet
                                        ) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    assert await inbox.append([_message(b'a'), _message(b'b', b'k')]) \
        == [1, 2]
    many = [_message(b'x', b'kw%d' % i) for i in range(30)]
    with pytest.raises(KeywordLimit):
        await inbox.append(many)
    snapshot = await inbox.snapshot()
    assert snapshot.uids == [1, 2]
    assert left_in_tmp(inbox.path) == []


async def test_snapshot_is_cached_until_a_change(
        mailboxes: MaildirMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    first = await inbox.snapshot()
    assert await inbox.snapshot() is first
    await inbox.claim_recent(5)
    second = await inbox.snapshot()
    assert second.recent_uid == 5 and second.uids == first.uids
    await inbox.append([_message(b'a')])
    assert (await inbox.snapshot()).modseq > second.modseq


@pytest.fixture
def disk_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions the mailboxes run in the executor."""
    calls: list[str] = []
    on_disk = mailbox_module.on_disk

    async def counting(fn: Callable[..., _T], *args: Any,
                       **kwargs: Any) -> _T:
        calls.append(getattr(fn, '__name__', ''))
        return await on_disk(fn, *args, **kwargs)

    monkeypatch.setattr(mailbox_module, 'on_disk', counting)
    monkeypatch.setattr(store_module, 'on_disk', counting)
    return calls


async def test_an_append_is_one_executor_call(
        mailboxes: MaildirMailboxSet, disk_calls: list[str]) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([_message(b'Subject: a\n\nbody\n')])
    disk_calls.clear()
    uids = await inbox.append([_message(b'Subject: b\n\nbody\n'),
                               _message(b'Subject: c\n\nbody\n')])
    with command_end():
        snapshot = await inbox.snapshot()
    assert uids == snapshot.uids[1:] == [2, 3]
    assert uids.uid_validity == snapshot.uid_validity
    assert disk_calls == ['_deliver']


async def test_a_large_append_writes_before_it_locks(
        mailboxes: MaildirMailboxSet, disk_calls: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailbox_module, 'LOCKED_WRITE_MAX', 10)
    inbox = await mailboxes.get_mailbox('INBOX')
    disk_calls.clear()
    assert await inbox.append([_message(b'Subject: big\n\nbody\n')]) == [1]
    assert disk_calls == ['_write_all', '_deliver']
    (loaded,) = [item async for item in inbox.load([1], True)]
    assert isinstance(loaded, StoredMessage)
    assert loaded.content.raw == b'Subject: big\n\nbody\n'


@needs_inotify
async def test_a_watched_mailbox_is_found_without_the_disk(
        mailboxes: MaildirMailboxSet, disk_calls: list[str]) -> None:
    await mailboxes.create_mailbox('Box')
    box = await mailboxes.get_mailbox('Box')
    await box.snapshot()
    disk_calls.clear()
    assert await mailboxes.get_mailbox('Box') is box
    assert disk_calls == []
    os.rename(box.path, box.path.with_name('.Elsewhere'))
    with pytest.raises(MailboxNotFound):
        await mailboxes.get_mailbox('Box')
    # One probe, which would also find the folder replaced by another.
    assert disk_calls == ['refresh']


async def test_one_executor_call_per_step_and_none_to_end_a_command(
        mailboxes: MaildirMailboxSet, disk_calls: list[str]) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([_message(b'Subject: a\n\nbody\n')])
    await inbox.snapshot()
    disk_calls.clear()
    seen = frozenset({b'\\Seen'})
    assert await inbox.update_flags([1], seen, 'add') == {1: seen}
    with command_end():
        assert (await inbox.snapshot()).flags == {1: seen}
    assert disk_calls == ['update_flags']


@pytest.mark.parametrize('inline_size, calls', [
    pytest.param(None, [], marks=needs_nowait, id='held-by-the-kernel'),
    pytest.param(10, ['_read'], id='too-large-for-the-loop')])
async def test_message_files_are_read_on_the_loop_when_they_can_be(
        mailboxes: MaildirMailboxSet, disk_calls: list[str],
        monkeypatch: pytest.MonkeyPatch, inline_size: int | None,
        calls: list[str]) -> None:
    if inline_size is not None:
        monkeypatch.setattr(nowait, 'MAX_SIZE', inline_size)
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([_message(b'Subject: a\r\n\r\nbody\r\n')])
    await inbox.snapshot()
    disk_calls.clear()
    (loaded,) = [item async for item in inbox.load([1], True)]
    assert isinstance(loaded, StoredMessage)
    assert loaded.content.data == b'Subject: a\r\n\r\nbody\r\n'
    assert disk_calls == calls


async def test_other_snapshots_look_at_the_disk_unless_the_kernel_vouches(
        tmp_path: Path, disk_calls: list[str]) -> None:
    unwatched = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path / 'mail'),
        ContentCache(changes=ChangeFeed(max_folders=0)), fsync=False)
    inbox = await unwatched.get_mailbox('INBOX')
    await inbox.append([_message(b'a')])
    await inbox.snapshot()
    with command_end():
        await inbox.snapshot()
    assert disk_calls[-2:] == ['refresh', 'refresh']
    await inbox.update_flags([1], frozenset({b'\\Seen'}), 'add')
    await asyncio.create_task(inbox.update_flags([1], frozenset(), 'add'))
    with command_end():
        await inbox.snapshot()
    assert disk_calls[-1] == 'refresh'
    await inbox.update_flags([1], frozenset({b'\\Flagged'}), 'add')
    (inbox.path / 'new' / 'delivered').write_bytes(b'Subject: hi\n\n')
    assert (await inbox.snapshot()).uids == [1, 2]


async def _snapshot_of(mailbox: Mailbox) -> MailboxSnapshot:
    return await mailbox.snapshot()


@needs_inotify
async def test_a_quiet_folder_is_not_probed(
        mailboxes: MaildirMailboxSet, disk_calls: list[str]) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([_message(b'a')])
    await inbox.snapshot()
    disk_calls.clear()
    await inbox.snapshot()
    await asyncio.create_task(_snapshot_of(inbox))  # in a task of its own
    assert disk_calls == []
    (inbox.path / 'new' / 'delivered').write_bytes(b'Subject: hi\n\n')
    with command_end():
        assert (await inbox.snapshot()).uids == [1, 2]
    assert disk_calls == ['refresh']


async def test_copy_and_move_keep_flags_and_remap_keywords(
        mailboxes: MaildirMailboxSet) -> None:
    await mailboxes.create_mailbox('Other')
    inbox = await mailboxes.get_mailbox('INBOX')
    other = await mailboxes.get_mailbox('Other')
    await other.append([_message(b'o', b'first')])
    await inbox.append([_message(b'one', b'\\Seen', b'kw'),
                        _message(b'two', b'\\Flagged')])
    assert await inbox.copy_to([1, 9], other, move=False) == [(1, 2)]
    assert await inbox.copy_to([2], other, move=True) == [(2, 3)]
    assert (await inbox.snapshot()).uids == [1]
    snapshot = await other.snapshot()
    assert snapshot.flags == {1: {b'first'}, 2: {b'\\Seen', b'kw'},
                              3: {b'\\Flagged'}}
    uidlist = read_uidlist(other.path)
    assert uidlist is not None
    info_by_uid = {uidlist.records[name.partition(':')[0]][0]:
                   name.rpartition(',')[2]
                   for name in os.listdir(other.path / 'cur')}
    assert info_by_uid == {1: 'a', 2: 'Sb', 3: 'F'}
    assert await inbox.copy_to([1], inbox, move=False) == [(1, 3)]


async def test_copy_to_another_backend_is_refused(
        mailboxes: MaildirMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    with pytest.raises(NotSupported):
        await inbox.copy_to([1], object(), move=False)  # type: ignore


async def test_load_in_order_with_and_without_content(
        mailboxes: MaildirMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    data = [b'Subject: %d\n\nbody\n' % i for i in range(3)]
    await inbox.append([_message(item) for item in data])
    metas = [item async for item in inbox.load([3, 7, 1], False)]
    assert [item.uid for item in metas if isinstance(item, MessageMeta)] \
        == [3, 1]
    stored = [item async for item in inbox.load([2, 3], True)]
    assert all(isinstance(item, StoredMessage) for item in stored)
    messages = [item for item in stored if isinstance(item, StoredMessage)]
    assert [item.content.raw for item in messages] == data[1:]
    assert messages[0].meta.size == MessageContent.parse(data[1]).size
    again = [item async for item in inbox.load([2], True)]
    assert isinstance(again[0], StoredMessage)
    assert again[0].content is messages[0].content


async def test_load_follows_a_rename_behind_the_index(
        mailboxes: MaildirMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([_message(b'Subject: x\n\ny\n')])
    (name,) = os.listdir(inbox.path / 'cur')
    os.rename(inbox.path / 'cur' / name, inbox.path / 'cur' / (name + 'S'))
    loaded = [item async for item in inbox.load([1], True)]
    assert len(loaded) == 1
    os.unlink(inbox.path / 'cur' / (name + 'S'))
    assert (await inbox.snapshot()).uids == []
    assert [item async for item in inbox.load([1], True)] == []


async def test_wait_for_change_wakes_on_own_change(
        mailboxes: MaildirMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    snapshot = await inbox.snapshot()
    waiter = asyncio.ensure_future(inbox.wait_for_change(snapshot.modseq,
                                                       30.0))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await inbox.append([_message(b'a')])
    await asyncio.wait_for(waiter, 5)
    assert time.monotonic() - started < 0.4


async def test_wait_for_change_sees_external_delivery(
        mailboxes: MaildirMailboxSet,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailbox_module, 'POLL_INTERVAL', 0.05)
    inbox = await mailboxes.get_mailbox('INBOX')
    snapshot = await inbox.snapshot()
    waiter = asyncio.ensure_future(inbox.wait_for_change(snapshot.modseq,
                                                       30.0))
    await asyncio.sleep(0.1)
    assert not waiter.done()
    (inbox.path / 'new' / 'delivered').write_bytes(b'Subject: hi\n\n')
    await asyncio.wait_for(waiter, 5)
    assert (await inbox.snapshot()).uids == [1]


async def test_wait_for_change_times_out(mailboxes: MaildirMailboxSet
                                         ) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    snapshot = await inbox.snapshot()
    started = time.monotonic()
    await inbox.wait_for_change(snapshot.modseq, 0.2)
    assert 0.15 < time.monotonic() - started < 2


async def test_deleted_mailbox(mailboxes: MaildirMailboxSet) -> None:
    await mailboxes.create_mailbox('Gone')
    gone = await mailboxes.get_mailbox('Gone')
    snapshot = await gone.snapshot()
    await mailboxes.delete_mailbox('Gone')
    with pytest.raises(MailboxNotFound):
        await gone.snapshot()
    await gone.wait_for_change(snapshot.modseq, 5)
    with pytest.raises(MailboxNotFound):
        await mailboxes.get_mailbox('Gone')


async def test_rename_moves_open_mailboxes(mailboxes: MaildirMailboxSet
                                           ) -> None:
    await mailboxes.create_mailbox('a')
    await mailboxes.create_mailbox('a/b')
    child = await mailboxes.get_mailbox('a/b')
    await child.append([_message(b'x')])
    await mailboxes.rename_mailbox('a', 'z')
    assert child.name == 'z/b'
    assert child is await mailboxes.get_mailbox('z/b')
    assert (await child.snapshot()).uids == [1]
    await child.append([_message(b'y')])
    assert [entry.name for entry in await mailboxes.list_mailboxes()] == [
        'INBOX', 'z', 'z/b']


async def test_subscriptions(mailboxes: MaildirMailboxSet) -> None:
    await mailboxes.set_subscribed('a.b/c', True)
    await mailboxes.set_subscribed('Sent', True)
    await mailboxes.set_subscribed('Sent', False)
    assert await mailboxes.get_subscriptions() == {'a.b/c'}


async def test_two_sets_on_one_root_share_the_disk(tmp_path: Path) -> None:
    sets = [await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path), ContentCache(), fsync=False)
        for _ in range(2)]
    inboxes = [await mailboxes.get_mailbox('INBOX') for mailboxes in sets]
    results = await asyncio.gather(*(
        inboxes[i % 2].append([_message(b'%d' % i)]) for i in range(20)))
    assert sorted(uid for (uid,) in results) == list(range(1, 21))
    for inbox in inboxes:
        assert (await inbox.snapshot()).uids == list(range(1, 21))


async def test_event_loop_stays_responsive_during_big_append(
        tmp_path: Path) -> None:
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path), ContentCache(), fsync=True)
    inbox = await mailboxes.get_mailbox('INBOX')
    big = b'Subject: big\n\n' + (b'x' * 76 + b'\n') * 500_000
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    await inbox.append([_message(big)])
    (loaded,) = [item async for item in inbox.load([1], True)]
    await asyncio.sleep(0.02)
    task.cancel()
    assert isinstance(loaded, StoredMessage)
    assert loaded.content.size == len(big) + 500_002
    assert max(gaps) < 0.25, max(gaps)

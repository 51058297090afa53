"""One mailbox: messages, flags, recent mark and change notification."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pymap.exceptions import MailboxNotFound
from pymap.interfaces.storage import MessageMeta, NewMessage, StoredMessage

from pymap_sqlite import SqliteBackend
from pymap_sqlite.mailbox import SqliteMailbox
from pymap_sqlite.mailboxes import SqliteMailboxSet

_WHEN = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))


def _message(subject: str, *flags: bytes) -> NewMessage:
    data = f'Subject: {subject}\n\nHello.\n'.encode()
    return NewMessage(data, frozenset(flags), _WHEN)


async def _inbox(mailboxes: SqliteMailboxSet) -> SqliteMailbox:
    return await mailboxes.get_mailbox('INBOX')


async def test_append_and_snapshot(mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    empty = await inbox.snapshot()
    assert (empty.uids, empty.next_uid, empty.recent_uid) == ([], 1, 0)
    uids = await inbox.append([_message('one', b'\\Seen'), _message('two')])
    assert uids == [1, 2]
    snapshot = await inbox.snapshot()
    assert snapshot.uids == [1, 2]
    assert snapshot.next_uid == 3
    assert snapshot.modseq > empty.modseq
    assert snapshot.uid_validity == empty.uid_validity
    assert snapshot.flags == {1: {b'\\Seen'}, 2: frozenset()}
    assert await inbox.append([]) == []


async def test_load(mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    await inbox.append([_message('one'), _message('two')])
    metas = [item async for item in inbox.load([2, 9, 1], content=False)]
    # RFC822.SIZE counts the message with CRLF line endings.
    assert metas == [MessageMeta(2, _WHEN, 24), MessageMeta(1, _WHEN, 24)]
    loaded = [item async for item in inbox.load([1], content=True)]
    assert isinstance(loaded[0], StoredMessage)
    assert loaded[0].content.header_values('Subject') == ['one']
    assert loaded[0].meta.internal_date.utcoffset() == timedelta(hours=2)


async def test_update_flags(mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    await inbox.append([_message('one', b'\\Seen'), _message('two')])
    before = (await inbox.snapshot()).modseq
    assert await inbox.update_flags([1, 2, 7], frozenset({b'$Work'}),
                                    'add') == {
        1: {b'\\Seen', b'$Work'}, 2: {b'$Work'}}
    assert await inbox.update_flags([1], frozenset({b'\\Seen'}),
                                    'remove') == {1: {b'$Work'}}
    assert await inbox.update_flags([2], frozenset({b'\\Flagged'}),
                                    'replace') == {2: {b'\\Flagged'}}
    after = await inbox.snapshot()
    assert after.modseq > before
    assert after.flags == {1: {b'$Work'}, 2: {b'\\Flagged'}}


async def test_unchanged_flags_keep_modseq(
        mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    await inbox.append([_message('one', b'\\Seen')])
    before = (await inbox.snapshot()).modseq
    await inbox.update_flags([1], frozenset({b'\\Seen'}), 'add')
    assert (await inbox.snapshot()).modseq == before


async def test_expunge(mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    await inbox.append([_message('one'), _message('two')])
    assert await inbox.expunge([1, 5]) == [1]
    assert await inbox.expunge([1]) == []
    snapshot = await inbox.snapshot()
    assert (snapshot.uids, snapshot.next_uid) == ([2], 3)


@pytest.mark.parametrize('move', [False, True])
async def test_copy_and_move(mailboxes: SqliteMailboxSet,
                             move: bool) -> None:
    await mailboxes.create_mailbox('Archive')
    inbox = await _inbox(mailboxes)
    archive = await mailboxes.get_mailbox('Archive')
    await archive.append([_message('old')])
    await inbox.append([_message('one', b'\\Seen'), _message('two')])
    assert await inbox.copy_to([2, 1, 3], archive, move) == [(2, 2), (1, 3)]
    copied = await archive.snapshot()
    assert copied.flags == {1: frozenset(), 2: frozenset(),
                            3: {b'\\Seen'}}
    assert (await inbox.snapshot()).uids == ([] if move else [1, 2])
    loaded = [item async for item in archive.load([3], content=True)]
    assert isinstance(loaded[0], StoredMessage)
    assert loaded[0].content.header_values('Subject') == ['one']


async def test_claim_recent(mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    await inbox.append([_message('one'), _message('two')])
    assert await inbox.claim_recent(2) == 0
    assert await inbox.claim_recent(2) == 2
    assert await inbox.claim_recent(1) == 2
    assert (await inbox.snapshot()).recent_uid == 2


async def test_wait_for_change_is_pushed(
        mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    modseq = (await inbox.snapshot()).modseq
    waiter = asyncio.create_task(inbox.wait_for_change(modseq, 30.0))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    other_session = await _inbox(mailboxes)
    await other_session.append([_message('new')])
    await asyncio.wait_for(waiter, 5.0)


async def test_wait_for_change_times_out(
        mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    modseq = (await inbox.snapshot()).modseq
    await asyncio.wait_for(inbox.wait_for_change(modseq, 0.05), 5.0)
    await asyncio.wait_for(inbox.wait_for_change(modseq - 1, 30.0), 5.0)


async def test_deleted_mailbox_is_gone(mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('Box')
    box = await mailboxes.get_mailbox('Box')
    modseq = (await box.snapshot()).modseq
    waiter = asyncio.create_task(box.wait_for_change(modseq, 30.0))
    await asyncio.sleep(0.05)
    await mailboxes.delete_mailbox('Box')
    await asyncio.wait_for(waiter, 5.0)
    await mailboxes.create_mailbox('Box')
    with pytest.raises(MailboxNotFound):
        await box.snapshot()
    with pytest.raises(MailboxNotFound):
        await box.append([_message('lost')])


async def test_renamed_mailbox_keeps_working(
        mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('Box')
    box = await mailboxes.get_mailbox('Box')
    await mailboxes.rename_mailbox('Box', 'Renamed')
    assert await box.append([_message('kept')]) == [1]
    renamed = await mailboxes.get_mailbox('Renamed')
    assert (await renamed.snapshot()).uids == [1]


async def test_mail_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / 'mail.sqlite3'
    backend = await SqliteBackend.open(path)
    await backend.users.set_user('alice', 'secret')
    inbox = await (await backend.users.mailboxes('alice')).get_mailbox(
        'INBOX')
    await inbox.append([_message('persistent', b'\\Flagged')])
    before = await inbox.snapshot()
    await backend.close()

    backend = await SqliteBackend.open(path)
    inbox = await (await backend.users.mailboxes('alice')).get_mailbox(
        'INBOX')
    after = await inbox.snapshot()
    assert (after.uid_validity, after.next_uid, after.flags) \
        == (before.uid_validity, before.next_uid, before.flags)
    loaded = [item async for item in inbox.load([1], content=True)]
    assert isinstance(loaded[0], StoredMessage)
    assert loaded[0].meta.internal_date == _WHEN
    assert loaded[0].content.header_values('Subject') == ['persistent']
    await backend.close()


async def test_internal_date_in_utc(mailboxes: SqliteMailboxSet) -> None:
    inbox = await _inbox(mailboxes)
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    await inbox.append([NewMessage(b'x: y\r\n\r\n', frozenset(), when)])
    meta, = [item async for item in inbox.load([1], content=False)]
    assert isinstance(meta, MessageMeta)
    assert meta.internal_date == when

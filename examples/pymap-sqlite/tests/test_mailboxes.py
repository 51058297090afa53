"""The mailbox set: names, hierarchy and subscriptions."""

from __future__ import annotations

import pytest
from pymap.exceptions import MailboxConflict, MailboxNotFound
from pymap.interfaces.storage import MailboxEntry

from pymap_sqlite.mailboxes import SqliteMailboxSet


async def test_create_and_list(mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('Work')
    await mailboxes.create_mailbox('Work/Reports')
    assert await mailboxes.list_mailboxes() == [
        MailboxEntry('INBOX'), MailboxEntry('Work'),
        MailboxEntry('Work/Reports')]
    with pytest.raises(MailboxConflict):
        await mailboxes.create_mailbox('Work')


async def test_get_mailbox(mailboxes: SqliteMailboxSet) -> None:
    assert (await mailboxes.get_mailbox('INBOX')).name == 'INBOX'
    with pytest.raises(MailboxNotFound):
        await mailboxes.get_mailbox('Missing')


async def test_delete(mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('Old')
    await mailboxes.delete_mailbox('Old')
    assert await mailboxes.list_mailboxes() == [MailboxEntry('INBOX')]
    with pytest.raises(MailboxNotFound):
        await mailboxes.delete_mailbox('Old')


async def test_delete_with_children_keeps_noselect(
        mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('A')
    await mailboxes.create_mailbox('A/B')
    await mailboxes.delete_mailbox('A')
    assert MailboxEntry('A', selectable=False) \
        in await mailboxes.list_mailboxes()
    with pytest.raises(MailboxNotFound):
        await mailboxes.get_mailbox('A')
    await mailboxes.create_mailbox('A')
    assert (await (await mailboxes.get_mailbox('A')).snapshot()).uids == []


async def test_recreated_mailbox_gets_new_uid_validity(
        mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('Box')
    old = await (await mailboxes.get_mailbox('Box')).snapshot()
    await mailboxes.delete_mailbox('Box')
    await mailboxes.create_mailbox('Box')
    new = await (await mailboxes.get_mailbox('Box')).snapshot()
    assert new.uid_validity > old.uid_validity


async def test_rename_moves_children(mailboxes: SqliteMailboxSet) -> None:
    for name in ('A', 'A/B', 'AB'):
        await mailboxes.create_mailbox(name)
    before = await (await mailboxes.get_mailbox('A/B')).snapshot()
    await mailboxes.rename_mailbox('A', 'C')
    assert [entry.name for entry in await mailboxes.list_mailboxes()] \
        == ['AB', 'C', 'C/B', 'INBOX']
    after = await (await mailboxes.get_mailbox('C/B')).snapshot()
    assert after.uid_validity == before.uid_validity


async def test_rename_errors(mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('A')
    with pytest.raises(MailboxNotFound):
        await mailboxes.rename_mailbox('Missing', 'B')
    with pytest.raises(MailboxConflict):
        await mailboxes.rename_mailbox('A', 'INBOX')


async def test_names_with_like_wildcards(
        mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.create_mailbox('a_b')
    await mailboxes.create_mailbox('a_b/c')
    await mailboxes.create_mailbox('axb')
    await mailboxes.rename_mailbox('a_b', 'z')
    assert [entry.name for entry in await mailboxes.list_mailboxes()] \
        == ['INBOX', 'axb', 'z', 'z/c']


async def test_subscriptions(mailboxes: SqliteMailboxSet) -> None:
    await mailboxes.set_subscribed('INBOX', True)
    await mailboxes.set_subscribed('Gone', True)
    await mailboxes.set_subscribed('INBOX', True)
    assert await mailboxes.get_subscriptions() == {'INBOX', 'Gone'}
    await mailboxes.set_subscribed('Gone', False)
    assert await mailboxes.get_subscriptions() == {'INBOX'}

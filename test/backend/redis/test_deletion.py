"""Deleting a mailbox or a user removes its keys (purge.py, delete.lua,
drop_user.lua, purge.lua), in bounded steps, and a purge interrupted by a
crash is finished by the next process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pymap.backend.redis import RedisBackend
from pymap.backend.redis.scripts import Script
from pymap.exceptions import MailboxNotFound, UserNotFound
from pymap.interfaces.storage import NewMessage

from ...redis_server import RedisServer
from . import open_backend


def message(number: int) -> NewMessage:
    return NewMessage(b'Subject: %d\r\n\r\nbody\r\n' % number,
                      frozenset([b'\\Seen']), datetime.now(UTC))


@pytest.fixture
async def backend(redis_server: RedisServer) -> AsyncIterator[RedisBackend]:
    backend = await open_backend(redis_server.url)
    for name in ('john', 'sally'):
        await backend.users.set_user(name, 'secret')
    yield backend
    await backend.close()


async def keys_of(backend: RedisBackend, user: str) -> list[bytes]:
    pattern = backend.keys.user(user).base + '*'
    return sorted([key async for key in backend.client.scan_iter(
        match=pattern.replace('{', '\\{').replace('}', '\\}'))])


async def test_delete_mailbox_removes_its_keys(
        backend: RedisBackend) -> None:
    mailboxes = await backend.users.mailboxes('john')
    before = await keys_of(backend, 'john')
    await mailboxes.create_mailbox('Work')
    work = await mailboxes.get_mailbox('Work')
    await work.append([message(n) for n in range(1200)])
    await work.update_flags([1, 2], frozenset([b'$x']), 'add')
    await mailboxes.delete_mailbox('Work')
    assert await keys_of(backend, 'john') == before
    with pytest.raises(MailboxNotFound):
        await mailboxes.get_mailbox('Work')


async def test_shared_content_survives_deletion_of_one_copy(
        backend: RedisBackend) -> None:
    mailboxes = await backend.users.mailboxes('john')
    await mailboxes.create_mailbox('Work')
    inbox = await mailboxes.get_mailbox('INBOX')
    work = await mailboxes.get_mailbox('Work')
    await inbox.append([message(1)])
    await inbox.copy_to([1], work, move=False)
    await mailboxes.delete_mailbox('Work')
    loaded = [m async for m in inbox.load([1], True)]
    assert len(loaded) == 1


async def test_delete_with_children_keeps_a_noselect_name(
        backend: RedisBackend) -> None:
    mailboxes = await backend.users.mailboxes('john')
    for name in ('A', 'A/B'):
        await mailboxes.create_mailbox(name)
    await mailboxes.delete_mailbox('A')
    entries = {entry.name: entry.selectable
               for entry in await mailboxes.list_mailboxes()}
    assert entries == {'INBOX': True, 'A': False, 'A/B': True}
    await mailboxes.create_mailbox('A')
    assert (await mailboxes.get_mailbox('A')).name == 'A'


async def test_delete_user_removes_every_key(backend: RedisBackend) -> None:
    for name in ('john', 'sally'):
        mailboxes = await backend.users.mailboxes(name)
        await mailboxes.create_mailbox('Sent')
        await mailboxes.set_subscribed('Sent', True)
        inbox = await mailboxes.get_mailbox('INBOX')
        await inbox.append([message(n) for n in range(30)])
    sally = await keys_of(backend, 'sally')
    await backend.users.delete_user('john')
    assert await keys_of(backend, 'john') == []
    assert await keys_of(backend, 'sally') == sally
    assert await backend.users.list_users() == ['sally']
    assert await backend.client.exists(backend.keys.purge) == 0
    with pytest.raises(UserNotFound):
        await backend.users.mailboxes('john')


async def test_interrupted_purge_is_finished_at_start_up(
        redis_server: RedisServer, backend: RedisBackend) -> None:
    mailboxes = await backend.users.mailboxes('john')
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([message(n) for n in range(10)])
    user = backend.keys.user('john')
    # What delete_user does up to a crash before purging:
    await backend.client.sadd(backend.keys.purge, user.base)
    await backend.client.delete(backend.keys.prefix + 'john')
    await Script('drop_user')(
        backend.client, [user.mailboxes, user.subscriptions, user.trash],
        [user.base, backend.keys.channel])
    assert await keys_of(backend, 'john') != []
    restarted = await open_backend(redis_server.url, backend.keys.prefix)
    try:
        for _ in range(100):
            if not await keys_of(backend, 'john'):
                break
            await asyncio.sleep(0.02)
        assert await keys_of(backend, 'john') == []
    finally:
        await restarted.close()


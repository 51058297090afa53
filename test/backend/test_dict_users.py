"""The dict backend's user store (for the admin service)."""

from __future__ import annotations

import pytest
from pysasl.creds.plain import PlainCredentials

from pymap.backend.dict import DictUsers
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    UserNotFound,
)


async def test_set_get_list_delete() -> None:
    users = DictUsers()
    created = await users.set_user('bob', 'one', etag='')
    assert (await users.get_user('bob')) == created
    assert await users.list_users() == ['bob']
    await users.delete_user('bob')
    assert await users.list_users() == []
    with pytest.raises(UserNotFound):
        await users.get_user('bob')


async def test_etag_guards_concurrent_changes() -> None:
    users = DictUsers()
    first = await users.set_user('bob', 'one')
    with pytest.raises(EntityConflict):
        await users.set_user('bob', 'two', etag='')
    second = await users.set_user('bob', 'two', etag=first.etag)
    assert second.etag != first.etag
    with pytest.raises(EntityConflict):
        await users.set_user('bob', 'three', etag=first.etag)


async def test_change_password_affects_login_and_keeps_mail() -> None:
    users = DictUsers()
    await users.set_user('bob', 'old')
    mailboxes = await users.mailboxes('bob')
    await mailboxes.create_mailbox('Kept')
    await users.change_password('bob', 'new')
    with pytest.raises(AuthenticationFailed):
        await users.authenticate(PlainCredentials('bob', 'old'))
    identity = await users.authenticate(PlainCredentials('bob', 'new'))
    names = [entry.name for entry in
             await (await identity.mailbox_set()).list_mailboxes()]
    assert 'Kept' in names
    with pytest.raises(UserNotFound):
        await users.change_password('nobody', 'x')


async def test_deleting_a_user_deletes_the_mail() -> None:
    users = DictUsers()
    await users.set_user('bob', 'pw')
    await (await users.mailboxes('bob')).create_mailbox('Old')
    await users.delete_user('bob')
    await users.set_user('bob', 'pw')
    names = [entry.name for entry in
             await (await users.mailboxes('bob')).list_mailboxes()]
    assert names == ['INBOX']


async def test_dict_backend_is_always_healthy() -> None:
    from pymap.backend.dict import DictBackend
    assert (await DictBackend(DictUsers()).health()).ok

"""User management through the users file (admin service contract)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pysasl.creds.plain import PlainCredentials

from pymap.backend.maildir import MaildirBackend
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    NotAllowed,
    UserNotFound,
)
from pymap.interfaces.storage import NewMessage

from .test_mailbox import DATE

USERS = '# accounts\njohn::pw\nsally:mail/data:{PLAIN}sallypass\n'


@pytest.fixture
async def backend(tmp_path: Path) -> MaildirBackend:
    path = tmp_path / 'users.txt'
    path.write_text(USERS)
    return await MaildirBackend.open(path)


async def _login(backend: MaildirBackend, name: str, password: str) -> None:
    await backend.login.authenticate(PlainCredentials(name, password))


async def test_list_and_get(backend: MaildirBackend, tmp_path: Path) -> None:
    users = backend.users
    assert await users.list_users() == ['john', 'sally']
    record = await users.get_user('sally')
    assert record.mailbox_path == str(tmp_path / 'mail' / 'data')
    assert 'sallypass' not in repr(record)
    with pytest.raises(UserNotFound):
        await users.get_user('nobody')


async def test_set_user_hashes_and_keeps_other_lines(
        backend: MaildirBackend, tmp_path: Path) -> None:
    users = backend.users
    record = await users.set_user('newbie', 'n3w', etag='')
    text = (tmp_path / 'users.txt').read_text()
    assert text.startswith(USERS)
    assert text.endswith(':{SHA512-CRYPT}$6$' + text.split('$6$')[1])
    assert 'n3w' not in text
    await _login(backend, 'newbie', 'n3w')
    with pytest.raises(EntityConflict):
        await users.set_user('newbie', 'other', etag='')
    changed = await users.set_user('newbie', 'other', etag=record.etag)
    assert changed.etag != record.etag
    await _login(backend, 'newbie', 'other')
    with pytest.raises(AuthenticationFailed):
        await _login(backend, 'newbie', 'n3w')


async def test_change_password_keeps_the_mailbox_path(
        backend: MaildirBackend, tmp_path: Path) -> None:
    users = backend.users
    before = await users.get_user('sally')
    after = await users.change_password('sally', 'fresh')
    assert after.mailbox_path == before.mailbox_path
    assert after.etag != before.etag
    assert 'sally:mail/data:{SHA512-CRYPT}' in \
        (tmp_path / 'users.txt').read_text()
    await _login(backend, 'sally', 'fresh')
    with pytest.raises(UserNotFound):
        await users.change_password('nobody', 'x')


@pytest.mark.parametrize('name', ['', ' lead', 'co:lon', 'new\nline'])
async def test_invalid_names(backend: MaildirBackend, name: str) -> None:
    with pytest.raises(NotAllowed):
        await backend.users.set_user(name, 'pw')


async def test_delete_user_removes_mail(backend: MaildirBackend,
                                        tmp_path: Path) -> None:
    users = backend.users
    mailboxes = await users.mailboxes('john')
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([NewMessage(b'x', frozenset(), DATE)])
    assert (tmp_path / 'john' / 'cur').is_dir()
    await users.delete_user('john')
    assert not (tmp_path / 'john').exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        'users.txt']
    assert await users.list_users() == ['sally']
    with pytest.raises(UserNotFound):
        await users.delete_user('john')
    with pytest.raises(AuthenticationFailed):
        await _login(backend, 'john', 'pw')


async def test_delete_leaves_a_root_that_is_no_maildir(
        tmp_path: Path) -> None:
    path = tmp_path / 'users.txt'
    path.write_text(f'odd:{tmp_path}:pw\n')
    (tmp_path / 'precious').write_text('keep')
    backend = await MaildirBackend.open(path)
    await backend.users.delete_user('odd')
    assert (tmp_path / 'precious').read_text() == 'keep'


async def test_unknown_user_and_wrong_authzid(
        backend: MaildirBackend) -> None:
    with pytest.raises(AuthenticationFailed):
        await _login(backend, 'nobody', 'pw')
    with pytest.raises(AuthenticationFailed):
        await backend.login.authenticate(
            PlainCredentials('john', 'pw', 'sally'))
    identity = await backend.login.authenticate(
        PlainCredentials('john', 'pw', 'john'))
    assert identity.name == 'john'
    assert await identity.mailbox_set() is await identity.mailbox_set()


async def test_health_follows_the_users_file(tmp_path: Path) -> None:
    from pymap.backend.maildir import MaildirBackend
    users_file = tmp_path / 'users.txt'
    users_file.write_text('john::secret\n')
    backend = await MaildirBackend.open(users_file)
    assert (await backend.health()).ok
    users_file.unlink()
    status = await backend.health()
    assert not status.ok and 'users file' in status.detail


async def test_missing_users_file_means_no_users_until_one_is_added(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from pysasl.creds.plain import PlainCredentials

    from pymap.backend.maildir import MaildirBackend
    users_file = tmp_path / 'users.txt'
    backend = await MaildirBackend.open(users_file)
    assert 'does not exist yet' in caplog.text
    assert await backend.users.list_users() == []
    await backend.users.set_user('first', 'secret')
    assert users_file.exists()
    identity = await backend.login.authenticate(
        PlainCredentials('first', 'secret'))
    assert identity.name == 'first'

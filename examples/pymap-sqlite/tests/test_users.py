"""Login and the user store."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    UserNotFound,
)
from pysasl.creds.plain import PlainCredentials
from pysasl.mechanism.crammd5 import CramMD5Result

from pymap_sqlite import SqliteBackend
from pymap_sqlite.passwords import hash_password, verify_password


def test_hash_round_trip() -> None:
    stored = hash_password('secret')
    assert stored.startswith('scrypt$16384$8$1$')
    assert 'secret' not in stored
    assert verify_password(stored, 'secret')
    assert not verify_password(stored, 'Secret')


def test_hashes_are_salted() -> None:
    assert hash_password('secret') != hash_password('secret')


@pytest.mark.parametrize('stored', ['', 'plain', 'md5$1$1$1$00$00',
                                    'scrypt$x$8$1$00$00',
                                    'scrypt$16384$8$1$zz$00'])
def test_malformed_hash_matches_nothing(stored: str) -> None:
    assert not verify_password(stored, 'secret')


def test_equivalent_unicode_spellings_match() -> None:
    stored = hash_password('I\u00ADX')  # soft hyphen is mapped to nothing
    assert verify_password(stored, 'IX')


async def test_login(backend: SqliteBackend) -> None:
    identity = await backend.login.authenticate(
        PlainCredentials('alice', 'secret'))
    assert identity.name == 'alice'
    names = [entry.name for entry in
             await (await identity.mailbox_set()).list_mailboxes()]
    assert names == ['INBOX']


@pytest.mark.parametrize('credentials', [
    PlainCredentials('alice', 'wrong'),
    PlainCredentials('nobody', 'secret'),
    PlainCredentials('alice', 'secret', 'bob'),
])
async def test_login_refused(backend: SqliteBackend,
                             credentials: PlainCredentials) -> None:
    with pytest.raises(AuthenticationFailed):
        await backend.login.authenticate(credentials)


async def test_cram_md5_fails_cleanly(backend: SqliteBackend) -> None:
    challenge = b'<1.2@example>'
    digest = hmac.new(b'secret', challenge, hashlib.md5).hexdigest()
    with pytest.raises(AuthenticationFailed):
        await backend.login.authenticate(
            CramMD5Result('alice', challenge, digest.encode('ascii')))


async def test_user_store(backend: SqliteBackend) -> None:
    users = backend.users
    created = await users.set_user('bob', 'pw', etag='')
    assert await users.get_user('bob') == created
    assert await users.list_users() == ['alice', 'bob']
    with pytest.raises(EntityConflict):
        await users.set_user('bob', 'pw2', etag='')
    changed = await users.set_user('bob', 'pw2', etag=created.etag)
    assert changed.etag != created.etag
    with pytest.raises(EntityConflict):
        await users.set_user('bob', 'pw3', etag=created.etag)


async def test_change_password_keeps_mail(backend: SqliteBackend) -> None:
    await (await backend.users.mailboxes('alice')).create_mailbox('Kept')
    await backend.users.change_password('alice', 'new')
    with pytest.raises(AuthenticationFailed):
        await backend.login.authenticate(PlainCredentials('alice', 'secret'))
    identity = await backend.login.authenticate(
        PlainCredentials('alice', 'new'))
    names = [entry.name for entry in
             await (await identity.mailbox_set()).list_mailboxes()]
    assert names == ['INBOX', 'Kept']
    with pytest.raises(UserNotFound):
        await backend.users.change_password('nobody', 'x')


async def test_delete_user_deletes_mail(backend: SqliteBackend) -> None:
    await (await backend.users.mailboxes('alice')).create_mailbox('Old')
    await backend.users.delete_user('alice')
    for call in (backend.users.get_user, backend.users.mailboxes,
                 backend.users.delete_user):
        with pytest.raises(UserNotFound):
            await call('alice')
    await backend.users.set_user('alice', 'secret')
    names = [entry.name for entry in await (
        await backend.users.mailboxes('alice')).list_mailboxes()]
    assert names == ['INBOX']

"""Login records (records.py, users.py): a key per user, a hash field, a
templated key, each optionally JSON with a "password" field; plain or
``{SCHEME}``-hashed passwords; and the admin service's user store with
etags."""

from __future__ import annotations

import hashlib
import json
from base64 import b64encode
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from pysasl.creds.plain import PlainCredentials

from pymap.backend.redis import RedisBackend
from pymap.backend.redis.records import LoginSettings
from pymap.backend.redis.users import hash_password
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    UserNotFound,
)

from ...redis_server import RedisServer
from . import open_backend

Opener = Callable[[LoginSettings], Awaitable[RedisBackend]]

LAYOUTS = {
    'key': LoginSettings(),
    'hash': LoginSettings(users_hash='logins'),
    'template': LoginSettings(users_key='users:{name}:login'),
    'json-key': LoginSettings(users_json=True),
    'json-hash': LoginSettings(users_hash='logins', users_json=True),
}


@pytest.fixture
async def opener(redis_server: RedisServer) -> AsyncIterator[Opener]:
    opened: list[RedisBackend] = []

    async def open_(login: LoginSettings) -> RedisBackend:
        backend = await open_backend(redis_server.url, login=login)
        opened.append(backend)
        return backend
    yield open_
    for backend in opened:
        await backend.close()


async def store_record(backend: RedisBackend, login: LoginSettings,
                       name: str, password: str) -> None:
    """Writes a record the way an operator would with redis-cli."""
    value = json.dumps({'password': password, 'quota': 5}) \
        if login.users_json else password
    prefix = backend.keys.prefix
    if login.users_hash:
        await backend.client.hset(prefix + login.users_hash, name, value)
    elif login.users_key:
        await backend.client.set(
            prefix + login.users_key.replace('{name}', name), value)
    else:
        await backend.client.set(prefix + name, value)


async def login_ok(backend: RedisBackend, name: str, password: str,
                   authzid: str = '') -> bool:
    try:
        identity = await backend.login.authenticate(
            PlainCredentials(name, password, authzid))
    except AuthenticationFailed:
        return False
    assert identity.name == name
    return True


@pytest.mark.parametrize('layout', LAYOUTS)
async def test_login_layouts(opener: Opener, layout: str) -> None:
    login = LAYOUTS[layout]
    backend = await opener(login)
    await store_record(backend, login, 'john', 's3cretp4ssword')
    assert await login_ok(backend, 'john', 's3cretp4ssword')
    assert await login_ok(backend, 'john', 's3cretp4ssword', 'john')
    assert not await login_ok(backend, 'john', 's3cretp4ssword', 'sally')
    assert not await login_ok(backend, 'john', 'wrong')
    assert not await login_ok(backend, 'nobody', 's3cretp4ssword')
    assert await backend.users.list_users() == ['john']


def _ssha256(password: str, salt: bytes) -> str:
    digest = hashlib.sha256(password.encode() + salt).digest()
    return '{SSHA256}' + b64encode(digest + salt).decode()


@pytest.mark.parametrize('stored', [
    'plainpass', '{PLAIN}plainpass', _ssha256('plainpass', b'salt1234'),
    hash_password('plainpass')])
async def test_password_schemes(opener: Opener, stored: str) -> None:
    backend = await opener(LoginSettings())
    await store_record(backend, LoginSettings(), 'john', stored)
    assert await login_ok(backend, 'john', 'plainpass')
    assert not await login_ok(backend, 'john', 'Plainpass')


@pytest.mark.parametrize('record', ['{"pass": "x"}', '[1]', 'not json',
                                    '{"password": 5}'])
async def test_malformed_json_record_fails_login(opener: Opener,
                                                 record: str) -> None:
    backend = await opener(LoginSettings(users_json=True))
    await backend.client.set(backend.keys.prefix + 'john', record)
    assert not await login_ok(backend, 'john', 'x')


async def test_unknown_scheme_fails_login(opener: Opener) -> None:
    backend = await opener(LoginSettings())
    await store_record(backend, LoginSettings(), 'john', '{NOPE}abc')
    assert not await login_ok(backend, 'john', 'abc')


@pytest.mark.parametrize('layout', LAYOUTS)
async def test_user_store(opener: Opener, layout: str) -> None:
    login = LAYOUTS[layout]
    backend = await opener(login)
    users = backend.users
    with pytest.raises(UserNotFound):
        await users.get_user('john')
    with pytest.raises(EntityConflict):
        await users.set_user('john', 'first', etag='bogus')
    record = await users.set_user('john', 'first', etag='')
    assert record == await users.get_user('john')
    assert await login_ok(backend, 'john', 'first')
    with pytest.raises(EntityConflict):
        await users.set_user('john', 'again', etag='')
    changed = await users.change_password('john', 'second')
    assert changed.etag != record.etag
    assert not await login_ok(backend, 'john', 'first')
    assert await login_ok(backend, 'john', 'second')
    with pytest.raises(EntityConflict):
        await users.set_user('john', 'third', etag=record.etag)
    await users.set_user('sally', 'pw')
    assert await users.list_users() == ['john', 'sally']
    await users.delete_user('john')
    assert await users.list_users() == ['sally']
    with pytest.raises(UserNotFound):
        await users.change_password('john', 'x')
    with pytest.raises(UserNotFound):
        await users.delete_user('john')


async def test_admin_writes_keep_other_json_fields(opener: Opener) -> None:
    login = LoginSettings(users_json=True)
    backend = await opener(login)
    await store_record(backend, login, 'john', 'old')
    await backend.users.change_password('john', 'new')
    stored = json.loads(await backend.client.get(
        backend.keys.prefix + 'john'))
    assert stored['quota'] == 5
    assert stored['password'].startswith('{SHA512-CRYPT}$6$')
    assert await login_ok(backend, 'john', 'new')


async def test_plain_key_listing_skips_mail_keys(opener: Opener) -> None:
    backend = await opener(LoginSettings())
    await backend.users.set_user('john', 'pw')
    inbox = await (await backend.users.mailboxes('john')).get_mailbox(
        'INBOX')
    assert inbox.name == 'INBOX'
    await backend.client.hset(backend.keys.prefix + 'a-hash', 'f', 'v')
    assert await backend.users.list_users() == ['john']

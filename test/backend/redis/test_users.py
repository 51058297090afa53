"""Login records (records.py, users.py): a key per user, a hash field, a
templated key, each optionally JSON with a "password" field; plain or
``{SCHEME}``-hashed passwords; the admin service's user store with
etags; and login names that would address the backend's own keys, or
records of the wrong Redis type, failing like unknown users."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from base64 import b64encode
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.testing import ChannelFor
from pysasl.creds.plain import PlainCredentials

from pymap.admin.admin_grpc import AdminStub
from pymap.admin.admin_pb2 import SetUserRequest
from pymap.admin.metadata import ERROR_KEY
from pymap.admin.service import services
from pymap.backend.redis import RedisBackend
from pymap.backend.redis.records import LoginSettings
from pymap.backend.redis.users import hash_password
from pymap.config import IMAPConfig
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    NotAllowed,
    UserNotFound,
)
from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

from ...backends import redis_backend_factory
from ...conftest import PASSWORD, USER
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


async def all_keys(backend: RedisBackend) -> set[bytes]:
    return set(await backend.client.keys(backend.keys.prefix + '*'))


@pytest.mark.parametrize('layout', LAYOUTS)
async def test_internal_keys_are_no_logins(opener: Opener,
                                           layout: str) -> None:
    """A name with braces is never a user, whatever its record says: not
    the backend's own string keys (their values as passwords), not a
    record stored by hand."""
    login = LAYOUTS[layout]
    backend = await opener(login)
    await backend.users.set_user('john', 'pw')
    await (await backend.users.mailboxes('john')).create_mailbox('Sent')
    john = backend.keys.user('john')
    uidvalidity = await backend.client.get(john.uidvalidity)
    assert uidvalidity is not None
    await backend.client.set(john.content('ab' * 32), 'message')
    await store_record(backend, login, '{x}', 'pw')
    before = await all_keys(backend)
    base = john.base.removeprefix(backend.keys.prefix)
    assert not await login_ok(backend, base + 'uidvalidity',
                              uidvalidity.decode())
    assert not await login_ok(backend, base + 'content:' + 'ab' * 32,
                              'message')
    assert not await login_ok(backend, '{x}', 'pw')
    with pytest.raises(UserNotFound):
        await backend.users.get_user('{x}')
    with pytest.raises(UserNotFound):
        await backend.users.change_password('{x}', 'pw2')
    with pytest.raises(UserNotFound):
        await backend.users.delete_user(base + 'uidvalidity')
    with pytest.raises(NotAllowed, match='may not contain'):
        await backend.users.set_user(base + 'uidvalidity', 'pw')
    with pytest.raises(NotAllowed, match='may not contain'):
        await backend.users.set_user('{x}', 'pw')
    assert await all_keys(backend) == before
    assert await backend.users.list_users() == ['john']


@pytest.mark.parametrize('login', [
    LoginSettings(), LoginSettings(users_json=True),
    LoginSettings(users_key='users:{name}:login')])
async def test_record_of_wrong_type_fails_login(
        opener: Opener, login: LoginSettings,
        caplog: pytest.LogCaptureFixture) -> None:
    backend = await opener(login)
    key, _ = backend.login._records.locate('john')
    await backend.client.hset(key, 'password', 's3cret')
    with caplog.at_level(logging.WARNING):
        assert not await login_ok(backend, 'john', 's3cret')
    warnings = [record for record in caplog.records
                if record.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert 'unusable login record' in warnings[0].getMessage()
    assert 's3cret' not in caplog.text
    with pytest.raises(UserNotFound):
        await backend.users.get_user('john')
    with pytest.raises(UserNotFound):
        await backend.users.change_password('john', 'pw')
    with pytest.raises(NotAllowed):
        await backend.users.set_user('john', 'pw')
    assert await backend.client.type(key) == b'hash'


async def test_users_hash_of_wrong_type_fails_login(opener: Opener) -> None:
    backend = await opener(LoginSettings(users_hash='logins'))
    await backend.client.set(backend.keys.prefix + 'logins', 'x')
    assert not await login_ok(backend, 'john', 'x')


@pytest.mark.parametrize('kwargs', [
    {'users_hash': '{john}:mailboxes'}, {'users_hash': 'a}b'},
    {'users_key': '{john}:{name}'}, {'users_key': 'users:{name}}'}])
def test_braces_in_hash_or_template_refused(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError, match='may not contain'):
        LoginSettings(**kwargs)  # type: ignore[arg-type]


async def test_admin_service_refuses_brace_names(
        redis_server: RedisServer) -> None:
    backend = await open_backend(redis_server.url)
    try:
        handlers = services(backend, IMAPConfig(), 'redis')
        async with ChannelFor(handlers) as channel:
            method = AdminStub(channel).SetUser
            async with method.open() as stream:
                await stream.send_message(SetUserRequest(
                    name='{john}:uidvalidity', password='pw'), end=True)
                with pytest.raises(GRPCError) as info:
                    await stream.recv_message()
                trailers = stream.trailing_metadata
        assert info.value.status == Status.PERMISSION_DENIED
        assert 'may not contain' in str(info.value.message)
        assert trailers is not None and trailers[ERROR_KEY] == 'REFUSED'
        assert await all_keys(backend) == set()
    finally:
        await backend.close()


@pytest.fixture
def imap(redis_server: RedisServer) -> Iterator[ServerThread]:
    config = IMAPConfig(login_failure_delay=0.0)
    with ServerThread(redis_backend_factory(redis_server.url),
                      config) as thread:
        yield thread


def server_keys(server: ServerThread) -> set[bytes]:
    backend = server.backend
    assert isinstance(backend, RedisBackend)
    keys = server.call(all_keys(backend))
    assert isinstance(keys, set)
    return keys


def test_imap_login_as_internal_key_fails(
        imap: ServerThread, caplog: pytest.LogCaptureFixture) -> None:
    """The reported cases over the wire: a string key and its value as
    password, a hash key (WRONGTYPE before the fix), by LOGIN and by
    AUTHENTICATE PLAIN: each a plain AUTHENTICATIONFAILED, the
    connection usable afterwards, nothing stored, no error logged."""
    owner = RawClient(imap.host, imap.port)
    client = RawClient(imap.host, imap.port)
    with contextlib.closing(owner), contextlib.closing(client):
        check_internal_key_logins(imap, owner, client, caplog)


def check_internal_key_logins(imap: ServerThread, owner: RawClient,
                              client: RawClient,
                              caplog: pytest.LogCaptureFixture) -> None:
    backend = imap.backend
    assert isinstance(backend, RedisBackend)
    assert owner.command(f'l LOGIN {USER} {PASSWORD}'.encode())[-1] \
        .startswith(b'l OK')
    assert owner.command(b'c CREATE Sent')[-1].startswith(b'c OK')
    user = backend.keys.user(USER)
    uidvalidity = imap.call(backend.client.get(user.uidvalidity))
    assert isinstance(uidvalidity, bytes)
    base = user.base.removeprefix(backend.keys.prefix).encode()
    before = server_keys(imap)
    with caplog.at_level(logging.WARNING):
        for line in [b'a LOGIN "' + base + b'uidvalidity" ' + uidvalidity,
                     b'a LOGIN "' + base + b'mailboxes" x',
                     b'a LOGIN "' + base + b'subscriptions" x',
                     b'a AUTHENTICATE PLAIN ' + b64encode(
                         b'\0' + base + b'mailboxes\0x')]:
            assert client.command(line)[-1] \
                .startswith(b'a NO [AUTHENTICATIONFAILED]'), line
            assert client.command(b'n NOOP')[-1].startswith(b'n OK')
    assert server_keys(imap) == before
    assert not [record for record in caplog.records
                if record.levelno >= logging.ERROR]
    assert not [record for record in caplog.records
                if 'unusable' in record.getMessage()]
    assert client.command(f'l LOGIN {USER} {PASSWORD}'.encode())[-1] \
        .startswith(b'l OK')

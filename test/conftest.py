"""Fixtures shared by the whole suite: the ``backend`` fixture that every
behaviour test runs against, a server in a background thread, and clients."""

from __future__ import annotations

import contextlib
import imaplib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pymap.backend.dict import DictBackend, DictUsers
from pymap.backend.maildir import MaildirBackend
from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend
from pymap.testing import BackendFactory, ServerThread

from .rawclient import RawClient
from .redis_server import RedisServer

USER = 'testuser'
PASSWORD = 'testpass'
OTHER_USER = 'otheruser'


def require_tool(path: str, reason: str) -> str:
    """Skips the test when *path* (a program) is missing, or fails it when
    ``PYMAP_TEST_STRICT=1`` asks that nothing be skipped."""
    found = shutil.which(path) or (path if os.path.exists(path) else None)
    if found:
        return found
    message = f'{path} not installed: {reason}'
    if os.environ.get('PYMAP_TEST_STRICT') == '1':
        pytest.fail(message)
    pytest.skip(message)


async def _dict_backend() -> Backend:
    users = DictUsers()
    users.add_user(USER, PASSWORD)
    users.add_user(OTHER_USER, PASSWORD)
    return DictBackend(users)


def maildir_backend_factory(directory: Path) -> BackendFactory:
    """A factory for a maildir backend in *directory* (which must be
    fresh), with the same users as the dict backend."""
    users = directory / 'users.txt'
    users.write_text(f'{USER}::{PASSWORD}\n{OTHER_USER}::{PASSWORD}\n')

    async def factory() -> Backend:
        return await MaildirBackend.open(users)
    return factory


def redis_backend_factory(url: str, cluster: bool = False
                          ) -> BackendFactory:
    """A factory for a redis backend on *url* with the same users as the
    dict backend, under a fresh key prefix on every call so that tests
    never see each other's data."""
    async def factory() -> Backend:
        from pymap.backend.redis import RedisBackend, RedisSettings
        from pymap.backend.redis.connection import ConnectionSettings
        prefix = f'test-{uuid.uuid4().hex}/'
        backend = await RedisBackend.open(RedisSettings(
            ConnectionSettings.from_url(url, cluster), prefix))
        for user in (USER, OTHER_USER):
            await backend.client.set(prefix + user, PASSWORD)
        return backend
    return factory


@pytest.fixture(scope='session')
def redis_server(tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[RedisServer]:
    """One ``redis-server`` for the whole session, on a free port."""
    binary = require_tool('redis-server', 'the redis backend tests need a '
                          'real Redis (apt-get install redis-server)')
    with RedisServer(binary, tmp_path_factory.mktemp('redis')) as server:
        yield server


@pytest.fixture(params=['dict', 'maildir', 'redis'])
def backend(request: pytest.FixtureRequest) -> BackendFactory:
    """A factory for a fresh backend with the users ``testuser`` and
    ``otheruser`` (password ``testpass``), each with an empty INBOX."""
    if request.param == 'maildir':
        tmp_path: Path = request.getfixturevalue('tmp_path')
        return maildir_backend_factory(tmp_path)
    if request.param == 'redis':
        server: RedisServer = request.getfixturevalue('redis_server')
        return redis_backend_factory(server.url)
    factories: dict[str, BackendFactory] = {'dict': _dict_backend}
    return factories[request.param]


@pytest.fixture
def config() -> IMAPConfig:
    """Server settings; tests override it for limits."""
    return IMAPConfig()


@pytest.fixture
def server(backend: BackendFactory,
           config: IMAPConfig) -> Iterator[ServerThread]:
    """A running server on a free loopback port."""
    with ServerThread(backend, config) as thread:
        yield thread


@pytest.fixture
def connect(server: ServerThread) -> Iterator[Callable[..., imaplib.IMAP4]]:
    """Opens logged-in ``imaplib`` clients; all are logged out at the
    end."""
    clients: list[imaplib.IMAP4] = []

    def open_client(user: str = USER, login: bool = True) -> imaplib.IMAP4:
        client = imaplib.IMAP4(server.host, server.port, timeout=10)
        clients.append(client)
        if login:
            client.login(user, PASSWORD)
        return client

    yield open_client
    for client in clients:
        with contextlib.suppress(imaplib.IMAP4.abort, OSError):
            client.logout()


@pytest.fixture
def imap(connect: Callable[..., imaplib.IMAP4]) -> imaplib.IMAP4:
    """One logged-in ``imaplib`` client."""
    return connect()


@pytest.fixture
def raw(server: ServerThread) -> Iterator[RawClient]:
    """A raw socket client for exact wire-format checks."""
    client = RawClient(server.host, server.port)
    yield client
    client.close()

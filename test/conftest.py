"""Fixtures shared by the whole suite: the ``backend`` fixture that every
behaviour test runs against, a server in a background thread, and clients."""

from __future__ import annotations

import contextlib
import imaplib
import os
import shutil
from collections.abc import Callable, Iterator

import pytest

from pymap.backend.dict import DictBackend, DictUsers
from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend
from pymap.testing import BackendFactory, ServerThread

from .rawclient import RawClient

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


@pytest.fixture(params=['dict'])
def backend(request: pytest.FixtureRequest) -> BackendFactory:
    """A factory for a fresh backend with the users ``testuser`` and
    ``otheruser`` (password ``testpass``), each with an empty INBOX."""
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

"""A pytest plugin with the fixtures of pymap's conformance suite.

Run every IMAP behaviour test against your own backend::

    python -m pytest -p pymap.testing.plugin \\
        --pymap-backend=mypackage.testing:backend_factory \\
        --pyargs pymap.testing.conformance

``backend_factory`` is called with a fresh empty directory for each test
and returns a :data:`~pymap.testing.BackendFactory`; the backend it builds
must have the users :data:`~pymap.testing.TEST_USER` and
:data:`~pymap.testing.OTHER_USER`, password
:data:`~pymap.testing.TEST_PASSWORD`, each with an empty INBOX.

A backend that keeps only password hashes cannot answer CRAM-MD5, which
needs the clear password; it declares so with ``backend_factory.
clear_passwords = False``, and the suite then checks that CRAM-MD5 is
refused cleanly instead.
"""

from __future__ import annotations

import contextlib
import imaplib
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pymap.config import IMAPConfig

from . import TEST_PASSWORD, TEST_USER, BackendFactory, ServerThread
from .rawclient import RawClient

__all__ = ['backend', 'clear_passwords', 'config', 'connect', 'imap', 'raw',
           'server']

Connect = Callable[..., imaplib.IMAP4]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Adds ``--pymap-backend MODULE:ATTRIBUTE``."""
    parser.addoption(
        '--pymap-backend', metavar='MODULE:ATTRIBUTE',
        help='callable taking a directory and returning a pymap backend '
             'factory, for the conformance suite')


def _load_factory_maker(spec: str) -> Callable[[Path], BackendFactory]:
    module_name, _, attribute = spec.partition(':')
    if not module_name or not attribute:
        raise pytest.UsageError('--pymap-backend takes MODULE:ATTRIBUTE')
    maker: Callable[[Path], BackendFactory] = getattr(
        importlib.import_module(module_name), attribute)
    return maker


@pytest.fixture
def backend(request: pytest.FixtureRequest,
            tmp_path: Path) -> BackendFactory:
    """The backend under test, from ``--pymap-backend``."""
    spec = request.config.getoption('pymap_backend')
    if not spec:
        raise pytest.UsageError(
            'the conformance suite needs --pymap-backend=MODULE:ATTRIBUTE')
    return _load_factory_maker(spec)(tmp_path)


@pytest.fixture
def clear_passwords(request: pytest.FixtureRequest) -> bool:
    """Whether the backend can give CRAM-MD5 the clear password, as the
    ``--pymap-backend`` callable declares (default: it can)."""
    spec = request.config.getoption('pymap_backend')
    if not spec:
        return True
    return bool(getattr(_load_factory_maker(spec), 'clear_passwords', True))


@pytest.fixture
def config() -> IMAPConfig:
    """Server settings; a test module overrides it to test limits."""
    return IMAPConfig()


@pytest.fixture
def server(backend: BackendFactory,
           config: IMAPConfig) -> Iterator[ServerThread]:
    """A running server on a free loopback port."""
    with ServerThread(backend, config) as thread:
        yield thread


@pytest.fixture
def connect(server: ServerThread) -> Iterator[Connect]:
    """Opens ``imaplib`` clients, logged in as ``TEST_USER`` unless told
    otherwise; all are logged out at the end."""
    clients: list[imaplib.IMAP4] = []

    def open_client(user: str = TEST_USER,
                    login: bool = True) -> imaplib.IMAP4:
        client = imaplib.IMAP4(server.host, server.port, timeout=10)
        clients.append(client)
        if login:
            client.login(user, TEST_PASSWORD)
        return client

    yield open_client
    for client in clients:
        with contextlib.suppress(imaplib.IMAP4.abort, OSError):
            client.logout()


@pytest.fixture
def imap(connect: Connect) -> imaplib.IMAP4:
    """One logged-in ``imaplib`` client."""
    return connect()


@pytest.fixture
def raw(server: ServerThread) -> Iterator[RawClient]:
    """A raw socket client (not logged in) for exact wire checks."""
    client = RawClient(server.host, server.port)
    yield client
    client.close()

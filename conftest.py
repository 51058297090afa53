"""Runs the conformance suite (``pymap/testing/conformance``) and the other
tests against every bundled backend: dict, maildir, and redis on a real
``redis-server``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pymap.testing import BackendFactory
from test.backends import (
    dict_backend,
    maildir_backend_factory,
    redis_backend_factory,
    require_tool,
)
from test.redis_server import RedisServer

# pytester: test/test_timeout.py runs a pytest of its own.
pytest_plugins = ['pymap.testing.plugin', 'pytester']


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
    """A fresh backend of each kind, with the users of
    :mod:`pymap.testing`, each with an empty INBOX."""
    if request.param == 'maildir':
        tmp_path: Path = request.getfixturevalue('tmp_path')
        return maildir_backend_factory(tmp_path)
    if request.param == 'redis':
        server: RedisServer = request.getfixturevalue('redis_server')
        return redis_backend_factory(server.url)
    return dict_backend

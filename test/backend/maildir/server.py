"""A pymap server with the maildir backend in a background thread, for
the end-to-end tests of this package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

from ...conftest import PASSWORD, USER, maildir_backend_factory

__all__ = ['login', 'maildir_server']


@contextmanager
def maildir_server(directory: Path) -> Iterator[ServerThread]:
    """Serves the users of the ``backend`` fixture from *directory*; the
    maildir of ``testuser`` is ``directory / 'testuser'``."""
    with ServerThread(maildir_backend_factory(directory)) as server:
        yield server


def login(server: ServerThread) -> RawClient:
    """A raw client logged in as ``testuser``."""
    client = RawClient(server.host, server.port)
    line = b'l LOGIN %s %s' % (USER.encode(), PASSWORD.encode())
    assert client.command(line)[-1].startswith(b'l OK ')
    return client

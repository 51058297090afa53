"""A message delivered through the admin service behaves like one from
IMAP APPEND: IDLE clients are told at once (RFC 2177), exactly one session
gets it as \\Recent (RFC 3501 §2.3.2), and STATUS counts it (§6.3.10).
Runs the admin service in the test server's loop, against every backend."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from grpclib.client import Channel
from grpclib.server import Server
from imapclient import IMAPClient

from pymap.admin.admin_grpc import AdminStub
from pymap.admin.admin_pb2 import AppendRequest
from pymap.admin.service import services
from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

from ..conftest import PASSWORD, USER

MESSAGE = b'Subject: delivered\r\n\r\nfrom outside IMAP\r\n'


async def _serve(server: ServerThread, path: Path) -> Server:
    assert server.backend is not None
    grpc = Server(services(server.backend, server.config, 'test'))
    await grpc.start(path=str(path))
    return grpc


async def _stop(grpc: Server) -> None:
    grpc.close()
    await grpc.wait_closed()


@pytest.fixture
def admin_socket(server: ServerThread, tmp_path: Path) -> Iterator[Path]:
    """The admin service of the test server, on a UNIX socket."""
    path = tmp_path / 'admin.sock'
    grpc = server.call(_serve(server, path))
    assert isinstance(grpc, Server)
    yield path
    server.call(_stop(grpc))


def deliver(path: Path, message: bytes = MESSAGE) -> int:
    """Appends through the admin socket from this thread; the UID."""
    async def append() -> int:
        channel = Channel(path=str(path))
        try:
            response = await AdminStub(channel).Append(
                AppendRequest(user=USER, message=message))
        finally:
            channel.close()
        return int(response.uid)
    return asyncio.run(append())


def login(server: ServerThread) -> RawClient:
    client = RawClient(server.host, server.port)
    assert client.command(b'l LOGIN %s %s' % (
        USER.encode(), PASSWORD.encode()))[-1].startswith(b'l OK')
    return client


def _recent_count(lines: list[bytes]) -> int:
    counts = [int(match[1]) for line in lines
              if (match := re.fullmatch(rb'\* (\d+) RECENT\r\n', line))]
    return counts[-1] if counts else 0


def test_idle_client_sees_exists(server: ServerThread,
                                 admin_socket: Path) -> None:
    client = IMAPClient(server.host, server.port, ssl=False, timeout=10)
    client.login(USER, PASSWORD)
    client.select_folder('INBOX')
    client.idle()
    assert deliver(admin_socket) == 1
    responses = client.idle_check(timeout=5)
    client.idle_done()
    client.logout()
    assert (1, b'EXISTS') in responses


def test_recent_for_exactly_one_session(server: ServerThread,
                                        admin_socket: Path) -> None:
    first, second = login(server), login(server)
    for client in (first, second):
        client.command(b's SELECT INBOX')
    deliver(admin_socket)
    counts, flagged = [], []
    for client in (first, second):
        lines = client.command(b'n NOOP')
        assert b'* 1 EXISTS\r\n' in lines
        counts.append(_recent_count(lines))
        flagged.append(b'\\Recent' in client.command(b'f FETCH 1 (FLAGS)')[0])
    assert sorted(counts) == [0, 1]
    assert sorted(flagged) == [False, True]
    first.close()
    second.close()


def test_status_counts_delivery(server: ServerThread,
                                admin_socket: Path) -> None:
    client = login(server)
    deliver(admin_socket)
    deliver(admin_socket)
    lines = client.command(b's STATUS INBOX (MESSAGES RECENT UNSEEN)')
    assert lines[0] == \
        b'* STATUS INBOX (MESSAGES 2 RECENT 2 UNSEEN 2)\r\n'
    client.close()

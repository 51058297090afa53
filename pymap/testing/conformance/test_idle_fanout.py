"""Many sessions in IDLE on one mailbox (RFC 2177): each hears every
change exactly once and in order, with more of them than the server
sends updates to at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pymap.config import IMAPConfig
from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

from .test_updates import append, login, start_idle, untagged

#: More than one batch of pushed updates (pymap.imap.batch).
SESSIONS = 150


@pytest.fixture
def config() -> IMAPConfig:
    return IMAPConfig(max_connections_per_ip=SESSIONS + 10)


@pytest.fixture
def idlers(server: ServerThread) -> Iterator[list[RawClient]]:
    """Sessions in IDLE with INBOX selected."""
    clients: list[RawClient] = []
    try:
        for _ in range(SESSIONS):
            clients.append(login(RawClient(server.host, server.port)))
            clients[-1].command(b's SELECT INBOX')
            start_idle(clients[-1])
        yield clients
    finally:
        for client in clients:
            client.close()


def next_exists(client: RawClient) -> bytes:
    """The next EXISTS pushed; only RECENT may come before it."""
    while not re.fullmatch(rb'\* \d+ EXISTS\r\n', line := client.readline()):
        assert re.fullmatch(rb'\* \d+ RECENT\r\n', line), line
    return line


def test_every_session_in_idle_hears_each_change_once(
        server: ServerThread, idlers: list[RawClient]) -> None:
    writer = login(RawClient(server.host, server.port))
    try:
        for count in (1, 2):
            append(writer)
            heard = [next_exists(idler) for idler in idlers]
            assert heard == [b'* %d EXISTS\r\n' % count] * SESSIONS
    finally:
        writer.close()
    for idler in idlers:
        idler.send(b'DONE\r\n')
        rest = idler.until_tagged(b'i')
        assert rest[-1] == b'i OK IDLE terminated.\r\n'
        assert untagged(rest, b'EXISTS') == []

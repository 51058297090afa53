"""One command through the whole server side, in process: framing,
parsing, the session on the dict backend, rendering and the write. An
in-memory transport stands in for the socket, so the IMAP layer's own cost
shows without the system calls and the client that the yardstick adds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pymap.backend.dict import DictBackend, DictUsers
from pymap.config import IMAPConfig
from pymap.imap.client import ClientInfo
from pymap.imap.connection import Connection, ServerState
from pymap.imap.limits import LoginThrottle
from pymap.imap.protocol import IMAPProtocol
from pymap.imap.stream import IMAPStream
from pymap.interfaces.storage import Mailbox, NewMessage
from pymap.parsing.framing import CommandFramer

#: A 20 KB message, as the yardstick's median one.
MESSAGE = b'Subject: benchmark\r\n\r\n' + (b'y' * 78 + b'\r\n') * 250
#: Commands per benchmark round.
ROUND = 200
#: Sessions in IDLE that one APPEND wakes in ``test_idle_fanout``.
FANOUT = 1000


class _MemoryTransport(asyncio.Transport):
    """Takes every write at once, as a socket with room to spare."""

    def __init__(self, on_write: Callable[[bytes], None]) -> None:
        super().__init__()
        #: Takes every write (replaceable).
        self.on_write = on_write
        self._closing = False
        self.protocol: asyncio.BaseProtocol | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.on_write(bytes(data))

    def get_write_buffer_size(self) -> int:
        return 0

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return 0, 0

    def set_write_buffer_limits(self, high: int | None = None,
                                low: int | None = None) -> None:
        pass

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        if not self._closing and self.protocol is not None:
            asyncio.get_running_loop().call_soon(
                self.protocol.connection_lost, None)
        self._closing = True


class _Client:
    """Sends one command at a time and waits for its tagged response."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport = _MemoryTransport(self._received)
        self.protocol = IMAPProtocol(
            CommandFramer(IMAPConfig().max_line_length), lambda _: None)
        self.transport.protocol = self.protocol
        self.last = b''
        self._tag = b''
        self._ending = (b'',)
        self._answered: asyncio.Future[None] | None = None
        self._count = 0

    def _received(self, data: bytes) -> None:
        self.last = data
        before = data.rfind(b'\r\n', 0, len(data) - 2)
        last_line = before + 2 if before >= 0 else 0
        if self._answered is not None \
                and data.startswith(self._ending, last_line):
            self._answered.set_result(None)

    async def command(self, line: bytes,
                      continuation: bool = False) -> bytes:
        """Runs a command; the last write of its response, which ends it
        or, with *continuation*, asks for more (as IDLE's does)."""
        self._count += 1
        self._tag = b'c%d' % self._count
        self._ending = (self._tag + b' ', b'+ ') if continuation \
            else (self._tag + b' ',)
        self._answered = self.loop.create_future()
        self.protocol.data_received(self._tag + b' ' + line + b'\r\n')
        await self._answered
        return self.last


@pytest.fixture
def client(loop: asyncio.AbstractEventLoop) -> Iterator[_Client]:
    client = _Client(loop)
    server, _ = loop.run_until_complete(_server())
    task = loop.run_until_complete(_selected(client, server))
    yield client
    task.cancel()
    loop.run_until_complete(asyncio.gather(task, return_exceptions=True))


async def _server() -> tuple[ServerState, Mailbox]:
    """The dict backend with one user, and that user's INBOX holding one
    message."""
    users = DictUsers()
    inbox = await users.add_user('bench', 'benchpass').get_mailbox('INBOX')
    await inbox.append([NewMessage(MESSAGE, frozenset(), datetime.now(UTC))])
    config = IMAPConfig()
    return ServerState(DictBackend(users), config,
                       LoginThrottle(10 * FANOUT, 60)), inbox


async def _selected(client: _Client,
                    server: ServerState) -> asyncio.Task[None]:
    client.protocol.connection_made(client.transport)
    connection = Connection(IMAPStream(client.protocol, server.config),
                            server, ClientInfo('127.0.0.1'))
    task = asyncio.create_task(connection.run())
    await client.command(b'LOGIN bench benchpass')
    await client.command(b'SELECT INBOX')
    return task


def _rounds(client: _Client, line: bytes) -> Callable[[], bytes]:
    async def run() -> bytes:
        for _ in range(ROUND - 1):
            await client.command(line)
        return await client.command(line)
    return lambda: client.loop.run_until_complete(run())


def test_noop(benchmark: BenchmarkFixture, client: _Client) -> None:
    last = benchmark(_rounds(client, b'NOOP'))
    assert last.endswith(b' OK NOOP completed.\r\n')


def test_uid_fetch_body(benchmark: BenchmarkFixture,
                        client: _Client) -> None:
    last = benchmark(_rounds(client, b'UID FETCH 1 (BODY.PEEK[])'))
    assert last.startswith(b'* 1 FETCH (UID 1 BODY[] {%d}\r\n%s)\r\n'
                           % (len(MESSAGE), MESSAGE))


def test_uid_store(benchmark: BenchmarkFixture, client: _Client) -> None:
    last = benchmark(_rounds(client, b'UID STORE 1 FLAGS (\\Seen)'))
    assert last.startswith(b'* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))\r\n')


class _Fanout:
    """:data:`FANOUT` sessions in IDLE on one INBOX (RFC 2177), each
    counting the ``EXISTS`` responses written to it."""

    def __init__(self, loop: asyncio.AbstractEventLoop,
                 inbox: Mailbox) -> None:
        self.loop = loop
        self.inbox = inbox
        self.clients = [_Client(loop) for _ in range(FANOUT)]
        self.woken = 0
        self._all_woken: asyncio.Future[None] | None = None

    async def start(self, server: ServerState) -> list[asyncio.Task[None]]:
        tasks = []
        for client in self.clients:
            tasks.append(await _selected(client, server))
            await client.command(b'IDLE', continuation=True)
            client.transport.on_write = self._written
        return tasks

    def _written(self, data: bytes) -> None:
        if b' EXISTS\r\n' in data:
            self.woken += 1
            if self.woken == FANOUT and self._all_woken is not None:
                self._all_woken.set_result(None)

    def round(self) -> int:
        """Appends a message and waits until every session wrote its
        ``EXISTS``; returns how many did."""
        async def change() -> int:
            self.woken = 0
            self._all_woken = self.loop.create_future()
            await self.inbox.append(
                [NewMessage(MESSAGE, frozenset(), datetime.now(UTC))])
            await self._all_woken
            return self.woken
        return self.loop.run_until_complete(change())


@pytest.fixture
def fanout(loop: asyncio.AbstractEventLoop) -> Iterator[_Fanout]:
    server, inbox = loop.run_until_complete(_server())
    fanout = _Fanout(loop, inbox)
    tasks = loop.run_until_complete(fanout.start(server))
    yield fanout
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


def test_idle_fanout(benchmark: BenchmarkFixture, fanout: _Fanout) -> None:
    """One change pushed to every session in IDLE: the server's side of a
    fan-out, without the sockets' system calls. Divide by :data:`FANOUT`
    for the cost per woken session."""
    assert benchmark(fanout.round) == FANOUT

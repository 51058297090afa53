"""How a connection's responses leave: IDLE pushes go out at once,
whatever the event loop, in batches with those of other sessions, and
before anything written after them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import pytest

from pymap.config import IMAPConfig
from pymap.eventloop import run_forever_on, uvloop_installed
from pymap.imap.batch import UpdateBatch
from pymap.imap.protocol import IMAPProtocol
from pymap.imap.stream import IMAPStream
from pymap.parsing.framing import CommandFramer

from .strict import skip_or_fail

Check = Callable[[IMAPStream, asyncio.StreamReader], Awaitable[None]]


def _run_on(loop: str, check: Check) -> None:
    if loop == 'uvloop' and not uvloop_installed():
        skip_or_fail('uvloop is not installed (the uvloop extra)')
    run: Callable[[Coroutine[Any, Any, None]], None] = run_forever_on(loop)
    run(_on_connection(check))


async def _on_connection(check: Check) -> None:
    async with _connected() as (stream, reader):
        async with asyncio.timeout(10):
            await check(stream, reader)


@contextlib.asynccontextmanager
async def _connected() -> AsyncIterator[tuple[IMAPStream,
                                              asyncio.StreamReader]]:
    """A stream on the server's side of a loopback connection, and the
    reader of its client."""
    loop = asyncio.get_running_loop()
    accepted: asyncio.Future[IMAPProtocol] = loop.create_future()
    server = await loop.create_server(
        lambda: IMAPProtocol(CommandFramer(1000), accepted.set_result),
        '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    reader, client = await asyncio.open_connection('127.0.0.1', port)
    protocol = await accepted
    try:
        yield IMAPStream(protocol, IMAPConfig()), reader
    finally:
        client.close()
        protocol.transport.close()
        server.close()


async def sending_at_once_lifts_buffering_then_restores_it(
        stream: IMAPStream, reader: asyncio.StreamReader) -> None:
    transport = stream.protocol.transport
    default = transport.get_write_buffer_limits()
    assert default[1] > 0
    with stream.sending_at_once():
        assert transport.get_write_buffer_limits() == (0, 0)
        await stream.write(b'* 1 EXISTS\r\n')
        assert await reader.readline() == b'* 1 EXISTS\r\n'
    assert transport.get_write_buffer_limits() == default


async def a_held_push_goes_out_before_what_follows_and_once(
        stream: IMAPStream, reader: asyncio.StreamReader) -> None:
    batch = UpdateBatch()
    with stream.sending_at_once():
        await stream.push(b'* 1 EXISTS\r\n', batch)
        await stream.write(b'i OK IDLE terminated.\r\n')
        await asyncio.sleep(0)  # the batch's turn: nothing left to send
        await asyncio.sleep(0)
        await stream.write(b'n OK NOOP completed.\r\n')
    assert await reader.readline() == b'* 1 EXISTS\r\n'
    assert await reader.readline() == b'i OK IDLE terminated.\r\n'
    assert await reader.readline() == b'n OK NOOP completed.\r\n'


async def a_push_waits_while_the_client_is_behind(
        stream: IMAPStream, reader: asyncio.StreamReader) -> None:
    batch = UpdateBatch()
    large = b'* 1 FETCH (FLAGS ())\r\n' * 400_000  # more than the kernel takes
    with stream.sending_at_once():
        await stream.push(large, batch)
        assert stream.protocol.transport.get_write_buffer_size() > 0
        second = asyncio.create_task(
            stream.push(b'* 2 EXISTS\r\n', batch))
        await asyncio.sleep(0.05)
        assert not second.done()
        assert await reader.readexactly(len(large)) == large
        await second
        assert await reader.readline() == b'* 2 EXISTS\r\n'


async def a_push_held_for_a_closed_connection_is_dropped(
        stream: IMAPStream, reader: asyncio.StreamReader) -> None:
    batch = UpdateBatch()
    await stream.push(b'* 1 EXISTS\r\n', batch)
    stream.protocol.transport.close()
    batch.flush()
    assert await reader.read() == b''


@pytest.mark.parametrize('check', [
    sending_at_once_lifts_buffering_then_restores_it,
    a_held_push_goes_out_before_what_follows_and_once,
    a_push_waits_while_the_client_is_behind,
    a_push_held_for_a_closed_connection_is_dropped,
], ids=lambda check: check.__name__)
@pytest.mark.parametrize('loop', ['asyncio', 'uvloop'])
def test_writes(loop: str, check: Check) -> None:
    _run_on(loop, check)


class _Held:
    def __init__(self, name: str, sent: list[str]) -> None:
        self.name = name
        self.sent = sent

    def send_held(self) -> None:
        self.sent.append(self.name)


async def test_a_batch_goes_out_when_full_the_rest_in_the_next_turn(
        ) -> None:
    sent: list[str] = []
    batch = UpdateBatch(max_held=3)
    for name in 'ab':
        batch.add(_Held(name, sent), 10)
    assert sent == []
    batch.add(_Held('c', sent), 10)
    assert sent == ['a', 'b', 'c']
    batch.add(_Held('d', sent), 10)
    assert sent == ['a', 'b', 'c']
    await asyncio.sleep(0)
    assert sent == ['a', 'b', 'c', 'd']
    await asyncio.sleep(0)
    assert sent == ['a', 'b', 'c', 'd']


async def test_a_batch_of_large_updates_goes_out_early() -> None:
    sent: list[str] = []
    batch = UpdateBatch(max_held=64, max_bytes=100)
    batch.add(_Held('a', sent), 60)
    assert sent == []
    batch.add(_Held('b', sent), 60)
    assert sent == ['a', 'b']

"""The connection's transport events: bytes straight into the framer, and
flow control both ways (pymap.imap.protocol)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from pymap.imap.protocol import PAUSE_AT, IMAPProtocol
from pymap.parsing.framing import CommandFramer, Framed


class _Transport(asyncio.Transport):
    """Records what the protocol asks of it."""

    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__(extra)
        self.reading = True
        self.closing = False

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_closing(self) -> bool:
        return self.closing


def _connected(extra: dict[str, Any] | None = None
               ) -> tuple[IMAPProtocol, _Transport]:
    made: list[IMAPProtocol] = []
    protocol = IMAPProtocol(CommandFramer(1000), made.append)
    transport = _Transport(extra)
    protocol.connection_made(transport)
    assert made == [protocol]
    return protocol, transport


async def test_received_bytes_are_framed_and_wake_the_reader() -> None:
    protocol, _ = _connected()
    waiting = asyncio.create_task(protocol.more())
    await asyncio.sleep(0)
    assert not waiting.done()
    protocol.data_received(b'A1 NOOP\r\n')
    await asyncio.wait_for(waiting, 1)
    event = protocol.framer.next_event()
    assert isinstance(event, Framed) and event.data == b'A1 NOOP'


async def test_reading_pauses_until_the_reader_wants_more() -> None:
    protocol, transport = _connected()
    protocol.data_received(b'x' * (PAUSE_AT - 1))
    assert transport.reading
    protocol.data_received(b'x')
    assert not transport.reading
    waiting = asyncio.create_task(protocol.more())
    await asyncio.sleep(0)
    assert transport.reading
    protocol.data_received(b'x')
    await asyncio.wait_for(waiting, 1)


@pytest.mark.parametrize(('extra', 'keep_open'), [
    (None, True), ({'sslcontext': object()}, False)])
async def test_end_of_input(extra: dict[str, Any] | None,
                            keep_open: bool) -> None:
    protocol, _ = _connected(extra)
    waiting = asyncio.create_task(protocol.more())
    await asyncio.sleep(0)
    assert protocol.eof_received() is keep_open
    await asyncio.wait_for(waiting, 1)
    with pytest.raises(EOFError):
        await protocol.more()


def _fail(protocol: IMAPProtocol) -> None:
    protocol.fail(TimeoutError())


def _lose(protocol: IMAPProtocol) -> None:
    protocol.connection_lost(ConnectionResetError('reset'))


@pytest.mark.parametrize(('end', 'error'), [
    (_fail, TimeoutError), (_lose, ConnectionResetError)])
async def test_failure_ends_reading(end: Callable[[IMAPProtocol], None],
                                    error: type[Exception]) -> None:
    protocol, _ = _connected()
    waiting = asyncio.create_task(protocol.more())
    await asyncio.sleep(0)
    end(protocol)
    with pytest.raises(error):
        await asyncio.wait_for(waiting, 1)
    with pytest.raises(error):
        await protocol.more()


async def test_wait_closed_returns_once_the_connection_is_gone() -> None:
    protocol, _ = _connected()
    closing = asyncio.create_task(protocol.wait_closed())
    await asyncio.sleep(0)
    assert not closing.done()
    protocol.connection_lost(None)
    await asyncio.wait_for(closing, 1)


async def test_drain_waits_while_writing_is_paused() -> None:
    protocol, _ = _connected()
    await asyncio.wait_for(protocol.drain(), 1)
    protocol.pause_writing()
    draining = asyncio.create_task(protocol.drain())
    await asyncio.sleep(0)
    assert not draining.done()
    protocol.resume_writing()
    await asyncio.wait_for(draining, 1)


async def test_drain_fails_once_the_connection_is_gone() -> None:
    protocol, transport = _connected()
    protocol.pause_writing()
    draining = asyncio.create_task(protocol.drain())
    await asyncio.sleep(0)
    transport.closing = True
    protocol.connection_lost(None)
    with pytest.raises(ConnectionResetError):
        await asyncio.wait_for(draining, 1)
    with pytest.raises(ConnectionResetError):
        await protocol.drain()

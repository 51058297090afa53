"""How a connection's responses leave: IDLE pushes at once, whatever the
event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from pymap.config import IMAPConfig
from pymap.eventloop import run_forever_on, uvloop_installed
from pymap.imap.protocol import IMAPProtocol
from pymap.imap.stream import IMAPStream
from pymap.parsing.framing import CommandFramer

from .strict import skip_or_fail


@pytest.mark.parametrize('loop', ['asyncio', 'uvloop'])
def test_sending_at_once_lifts_buffering_then_restores_it(loop: str
                                                          ) -> None:
    if loop == 'uvloop' and not uvloop_installed():
        skip_or_fail('uvloop is not installed (the uvloop extra)')
    run: Callable[[Coroutine[Any, Any, None]], None] = run_forever_on(loop)
    run(_sending_at_once())


async def _sending_at_once() -> None:
    loop = asyncio.get_running_loop()
    accepted: asyncio.Future[IMAPProtocol] = loop.create_future()
    server = await loop.create_server(
        lambda: IMAPProtocol(CommandFramer(1000), accepted.set_result),
        '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    reader, client = await asyncio.open_connection('127.0.0.1', port)
    protocol = await accepted
    try:
        async with asyncio.timeout(10):
            await _check(IMAPStream(protocol, IMAPConfig()), reader)
    finally:
        client.close()
        protocol.transport.close()
        server.close()


async def _check(stream: IMAPStream, reader: asyncio.StreamReader) -> None:
    transport = stream.protocol.transport
    default = transport.get_write_buffer_limits()
    assert default[1] > 0
    with stream.sending_at_once():
        assert transport.get_write_buffer_limits() == (0, 0)
        await stream.write(b'* 1 EXISTS\r\n')
        assert await reader.readline() == b'* 1 EXISTS\r\n'
    assert transport.get_write_buffer_limits() == default

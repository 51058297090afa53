"""The embeddable test servers of :mod:`pymap.testing`."""

from __future__ import annotations

import asyncio

from pymap.backend.dict import DictBackend, DictUsers
from pymap.interfaces.backend import Backend
from pymap.testing import TEST_PASSWORD, TEST_USER, AsyncServer


async def _backend() -> Backend:
    users = DictUsers()
    users.add_user(TEST_USER, TEST_PASSWORD)
    return DictBackend(users)


async def test_async_server_serves_in_the_same_loop() -> None:
    async with AsyncServer(_backend) as server:
        reader, writer = await asyncio.open_connection(server.host,
                                                       server.port)
        assert (await reader.readline()).startswith(b'* OK [CAPABILITY ')
        writer.write(b'a LOGIN %s %s\r\nb SELECT INBOX\r\nc LOGOUT\r\n'
                     % (TEST_USER.encode(), TEST_PASSWORD.encode()))
        lines = []
        while line := await reader.readline():
            lines.append(line)
        writer.close()
        await writer.wait_closed()
    assert any(line.startswith(b'a OK') for line in lines)
    assert b'* 0 EXISTS\r\n' in lines
    assert lines[-1].startswith(b'c OK')


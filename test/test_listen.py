"""Listening sockets bound before the server starts."""

from __future__ import annotations

import asyncio
import socket

import pytest

from pymap.imap.listen import bind_sockets, start_listening


def test_connections_do_not_wait_for_delayed_acks() -> None:
    """Nagle's algorithm is off, so a response written in pieces is not
    held back until the client acknowledges the first piece."""
    async def check() -> int:
        seen: list[int] = []

        async def handle(reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info('socket')
            seen.append(sock.getsockopt(socket.IPPROTO_TCP,
                                        socket.TCP_NODELAY))
            writer.close()

        sockets = bind_sockets('127.0.0.1', 0)
        server = await asyncio.start_server(handle, sock=sockets[0])
        _, writer = await asyncio.open_connection(
            '127.0.0.1', sockets[0].getsockname()[1])
        while not seen:
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        return seen[0]

    assert asyncio.run(check()) != 0


def test_port_zero_gives_every_address_the_same_port() -> None:
    sockets = bind_sockets('localhost', 0)
    try:
        ports = {sock.getsockname()[1] for sock in sockets}
        assert len(ports) == 1 and ports != {0}
    finally:
        for sock in sockets:
            sock.close()


def test_bound_sockets_refuse_connections_until_listening() -> None:
    """The server binds, writes its pid file, then listens: nobody can
    connect before the file is there."""
    sockets = bind_sockets('127.0.0.1', 0, listen=False)
    port = sockets[0].getsockname()[1]
    try:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(('127.0.0.1', port), timeout=5)
        start_listening(sockets)
        socket.create_connection(('127.0.0.1', port), timeout=5).close()
    finally:
        for sock in sockets:
            sock.close()

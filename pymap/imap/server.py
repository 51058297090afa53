"""The listening socket: one :class:`Connection` per client."""

from __future__ import annotations

import asyncio
import logging

from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend

from .connection import Connection
from .stream import IMAPStream

__all__ = ['IMAPServer']

_log = logging.getLogger(__name__)


class IMAPServer:
    """Accepts IMAP connections for a backend."""

    def __init__(self, backend: Backend, config: IMAPConfig) -> None:
        self.backend = backend
        self.config = config
        self._connections: dict[Connection, asyncio.Task[None]] = {}

    async def _handle(self, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info('peername')
        _log.info('connection opened from %s', peer)
        stream = IMAPStream(reader, writer, self.config)
        connection = Connection(stream, self.backend, self.config)
        task = asyncio.current_task()
        if task is not None:
            self._connections[connection] = task
        try:
            await connection.run()
        finally:
            self._connections.pop(connection, None)
            _log.info('connection closed from %s', peer)

    async def start(self, host: str | None, port: int) -> asyncio.Server:
        """Starts listening; the returned server's sockets tell the bound
        address (useful with port 0)."""
        return await asyncio.start_server(self._handle, host, port)

    async def close_connections(self, grace: float = 5.0) -> None:
        """Says ``BYE`` to every open connection and waits up to *grace*
        seconds for them to end."""
        tasks = list(self._connections.values())
        for connection in list(self._connections):
            connection.shutdown()
        if tasks:
            await asyncio.wait(tasks, timeout=grace)

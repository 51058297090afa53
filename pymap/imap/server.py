"""The listening sockets: one :class:`Connection` per client, within the
connection limits, behind an optional PROXY protocol header."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl

from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend
from pymap.parsing.response import Response

from .client import ClientInfo, ProxyHeaderError, identify_client
from .connection import Connection, ServerState
from .limits import ConnectionLimiter, LoginThrottle
from .stream import IMAPStream

__all__ = ['IMAPServer']

_log = logging.getLogger(__name__)


class IMAPServer:
    """Accepts IMAP connections for a backend."""

    def __init__(self, backend: Backend, config: IMAPConfig) -> None:
        self.backend = backend
        self.config = config
        self._state = ServerState(backend, config, LoginThrottle(
            config.max_login_failures, config.login_failure_window))
        self._limiter = ConnectionLimiter(config.max_connections,
                                          config.max_connections_per_ip)
        self._connections: dict[Connection, asyncio.Task[None]] = {}

    async def _handle(self, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        try:
            client = await identify_client(reader, writer, self.config)
        except ProxyHeaderError as exc:
            _log.warning('connection refused from %s: bad PROXY header: %s',
                         writer.get_extra_info('peername'), exc)
            writer.close()
            return
        refusal = self._limiter.acquire(client.address)
        if refusal is not None:
            _log.warning('connection refused from %s: %s', client, refusal)
            writer.write(bytes(Response(b'*', b'BYE', refusal,
                                        b'UNAVAILABLE')))
            writer.close()
            return
        try:
            await self._serve(client, reader, writer)
        finally:
            self._limiter.release(client.address)

    async def _serve(self, client: ClientInfo, reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> None:
        _log.info('connection opened from %s', client)
        stream = IMAPStream(reader, writer, self.config)
        connection = Connection(stream, self._state, client)
        task = asyncio.current_task()
        if task is not None:
            self._connections[connection] = task
        try:
            await connection.run()
        finally:
            self._connections.pop(connection, None)
            _log.info('connection closed from %s', client)

    async def start(self, sockets: list[socket.socket], *,
                    tls: bool = False) -> list[asyncio.Server]:
        """Serves on bound sockets (see
        :func:`~pymap.imap.listen.bind_sockets`); with *tls*, TLS starts
        at connect time (implicit TLS, RFC 8314)."""
        context: ssl.SSLContext | None = None
        if tls:
            context = self.config.ssl_context
            if context is None:
                raise ValueError('Implicit TLS needs a certificate.')
        return [await asyncio.start_server(self._handle, sock=sock,
                                           ssl=context)
                for sock in sockets]

    async def close_connections(self) -> None:
        """Says ``BYE`` to every connection, letting commands in progress
        finish within the configured grace period."""
        tasks = list(self._connections.values())
        for connection in list(self._connections):
            connection.shutdown()
        if tasks:
            await asyncio.wait(tasks, timeout=self.config.shutdown_grace)

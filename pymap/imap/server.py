"""The listening sockets: one :class:`Connection` per client, within the
connection limits, behind an optional PROXY protocol header."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl

from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend
from pymap.parsing.framing import CommandFramer
from pymap.parsing.response import Response

from .client import ClientInfo, ProxyHeaderError, identify_client
from .connection import Connection, ServerState
from .limits import ConnectionLimiter, LoginThrottle
from .protocol import IMAPProtocol
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
        self._connections: set[Connection] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    def _protocol(self) -> IMAPProtocol:
        return IMAPProtocol(CommandFramer(self.config.max_line_length),
                            self._connected)

    def _connected(self, protocol: IMAPProtocol) -> None:
        task = asyncio.get_running_loop().create_task(self._accept(protocol))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, protocol: IMAPProtocol) -> None:
        if self._closing:
            await _refuse(protocol, 'Server shutting down.')
            return
        try:
            client = await identify_client(protocol, self.config)
        except ProxyHeaderError as exc:
            _log.warning('connection refused from %s: bad PROXY header: %s',
                         protocol.transport.get_extra_info('peername'), exc)
            await _refuse(protocol, None)
            return
        refusal = self._limiter.acquire(client.address)
        if refusal is not None:
            _log.warning('connection refused from %s: %s', client, refusal)
            await _refuse(protocol, refusal)
            return
        try:
            await self._serve(client, protocol)
        finally:
            self._limiter.release(client.address)

    async def _serve(self, client: ClientInfo,
                     protocol: IMAPProtocol) -> None:
        _log.info('connection opened from %s', client)
        stream = IMAPStream(protocol, self.config)
        connection = Connection(stream, self._state, client)
        self._connections.add(connection)
        try:
            await connection.run()
        finally:
            self._connections.discard(connection)
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
        loop = asyncio.get_running_loop()
        return [await loop.create_server(self._protocol, sock=sock,
                                         ssl=context)
                for sock in sockets]

    async def close_connections(self) -> None:
        """Says ``BYE`` to every connection, letting commands in progress
        finish within the configured grace period; connections that
        arrive meanwhile are turned away."""
        self._closing = True
        for connection in list(self._connections):
            connection.shutdown()
        if self._tasks:
            await asyncio.wait(set(self._tasks),
                               timeout=self.config.shutdown_grace)


async def _refuse(protocol: IMAPProtocol, reason: str | None) -> None:
    """Closes a connection that will not be served, with a ``BYE`` giving
    the reason when there is one."""
    transport = protocol.transport
    if reason is not None:
        transport.write(bytes(Response(b'*', b'BYE', reason, b'UNAVAILABLE')))
    transport.close()
    await protocol.wait_closed()

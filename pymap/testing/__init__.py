"""Helpers for running a real pymap server inside tests.

:class:`ServerThread` starts a server on a free 127.0.0.1 port in a
background thread with its own event loop, so blocking clients (``imaplib``,
``imapclient``) can talk to it from the test's thread; :class:`AsyncServer`
does the same inside the caller's event loop. pymap's own test suite uses
them, and so can anyone testing an IMAP client.

The conformance suite (:mod:`pymap.testing.conformance`, run with the pytest
plugin :mod:`pymap.testing.plugin`) checks a backend plugin against every
IMAP behaviour; its backends must know the users below.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from types import TracebackType

from pymap.config import IMAPConfig
from pymap.imap.listen import bind_sockets
from pymap.imap.server import IMAPServer
from pymap.interfaces.backend import Backend

__all__ = ['OTHER_USER', 'TEST_PASSWORD', 'TEST_USER', 'AsyncServer',
           'BackendFactory', 'ServerThread']

#: The user the conformance suite logs in as.
TEST_USER = 'testuser'
#: A second user, for tests that need two accounts.
OTHER_USER = 'otheruser'
#: The password of both users.
TEST_PASSWORD = 'testpass'

#: Builds a started backend inside the server's event loop.
BackendFactory = Callable[[], Awaitable[Backend]]


class ServerThread:
    """An IMAP server in a background thread.

    Args:
        factory: Builds the backend (called in the server's loop).
        config: Server settings; defaults to :class:`IMAPConfig`.
        host: Address to bind; loopback by default.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, factory: BackendFactory,
                 config: IMAPConfig | None = None,
                 host: str = '127.0.0.1') -> None:
        self.factory = factory
        self.config = config or IMAPConfig()
        self.host = host
        self.port = 0
        self.backend: Backend | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='pymap-test-server')
        self._started: Future[None] = Future()
        self._stop: asyncio.Event | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        try:
            self.backend = await self.factory()
            server = IMAPServer(self.backend, self.config)
            sockets = bind_sockets(self.host, 0)
            self.port = sockets[0].getsockname()[1]
            listeners = await server.start(sockets)
            self._stop = asyncio.Event()
        except BaseException as exc:
            self._started.set_exception(exc)
            raise
        self._started.set_result(None)
        await self._stop.wait()
        for listener in listeners:
            listener.close()
        await server.close_connections()
        await self.backend.close()

    def start(self, timeout: float = 10.0) -> None:
        """Starts the server; returns once it is listening."""
        self._thread.start()
        self._started.result(timeout)

    def call(self, coro: Awaitable[object], timeout: float = 10.0) -> object:
        """Runs a coroutine in the server's loop (e.g. to seed a backend)
        and returns its result."""
        async def wrapper() -> object:
            return await coro
        future = asyncio.run_coroutine_threadsafe(wrapper(), self._loop)
        return future.result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Closes every connection and stops the server."""
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


class AsyncServer:
    """An IMAP server in the caller's event loop, for asyncio tests::

        async with AsyncServer(factory) as server:
            reader, writer = await asyncio.open_connection(
                server.host, server.port)

    Args:
        factory: Builds the backend.
        config: Server settings; defaults to :class:`IMAPConfig`.
        host: Address to bind; loopback by default.
    """

    def __init__(self, factory: BackendFactory,
                 config: IMAPConfig | None = None,
                 host: str = '127.0.0.1') -> None:
        self.factory = factory
        self.config = config or IMAPConfig()
        self.host = host
        self.port = 0
        self._server: IMAPServer | None = None
        self._listeners: list[asyncio.Server] = []

    async def __aenter__(self) -> AsyncServer:
        backend = await self.factory()
        self._server = IMAPServer(backend, self.config)
        sockets = bind_sockets(self.host, 0)
        self.port = sockets[0].getsockname()[1]
        self._listeners = await self._server.start(sockets)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        for listener in self._listeners:
            listener.close()
        if self._server is not None:
            await self._server.close_connections()
            await self._server.backend.close()

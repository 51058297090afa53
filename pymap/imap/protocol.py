"""The transport events of one IMAP connection.

What the client sends goes straight into the connection's
:class:`~pymap.parsing.framing.CommandFramer`, and the stream that reads
commands waits for more with one future: no :class:`asyncio.StreamReader`
buffer in between, whose bookkeeping and copies cost more than the framing
of a short command. Reading pauses while :data:`PAUSE_AT` bytes wait to be
framed, and writes wait while the transport's buffer is full, as with
asyncio's streams.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

from pymap.parsing.framing import CommandFramer

__all__ = ['PAUSE_AT', 'IMAPProtocol']

#: Reading pauses while this many received bytes wait to be framed.
PAUSE_AT = 128 * 1024


class IMAPProtocol(asyncio.Protocol):
    """Feeds *framer* with the client's bytes; *connected* is called with
    the protocol once its :attr:`transport` is there.

    Attributes:
        framer: Frames the commands of the bytes received.
        transport: The connection (the TLS one once STARTTLS replaced
            it).
    """

    transport: asyncio.Transport
    #: Asked for once per connection: on Python 3.11 each
    #: :func:`asyncio.get_running_loop` makes a system call (``getpid``).
    _loop: asyncio.AbstractEventLoop

    def __init__(self, framer: CommandFramer,
                 connected: Callable[[IMAPProtocol], None]) -> None:
        self.framer = framer
        self._connected = connected
        self._waiter: asyncio.Future[None] | None = None
        self._failure: BaseException | None = None
        self._eof = False
        self._reading_paused = False
        self._writing_paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._closed: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._loop = asyncio.get_running_loop()
        self._closed = self._loop.create_future()
        # A stream transport (uvloop's do not subclass asyncio's).
        self.transport = cast(asyncio.Transport, transport)
        self._connected(self)

    def data_received(self, data: bytes) -> None:
        framer = self.framer
        framer.feed(data)
        if framer.buffered >= PAUSE_AT and not self._reading_paused:
            self._reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        # Keeps the sending side open for the last responses; TLS cannot.
        return self.transport.get_extra_info('sslcontext') is None

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        if exc is not None and self._failure is None:
            self._failure = exc
        self._wake()
        self._release_writers(ConnectionResetError('Connection lost'))
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        self._release_writers(None)

    def _release_writers(self, failure: BaseException | None) -> None:
        """Ends the waits of :meth:`drain`, with *failure* if given."""
        waiters, self._drain_waiters = self._drain_waiters, []
        for waiter in waiters:
            if waiter.done():
                continue
            if failure is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(failure)

    def fail(self, failure: BaseException) -> None:
        """Ends reading: :meth:`more` raises *failure* from now on (the
        read deadline passed)."""
        self._failure = failure
        self._wake()

    async def more(self) -> None:
        """Waits until more bytes went to the framer. Raises the
        connection's failure (see :meth:`fail`), or :exc:`EOFError` once
        the client closed its side."""
        if self._reading_paused:
            self._reading_paused = False
            self.transport.resume_reading()
        self._raise_failure()
        if self._eof:
            raise EOFError('the client closed the connection')
        waiter = self._waiter = self._loop.create_future()
        try:
            await waiter
        finally:
            self._waiter = None
        self._raise_failure()

    def _raise_failure(self) -> None:
        # A method of its own, so that no test narrows the attribute
        # across the await above (test/test_compiled_modules.py).
        if self._failure is not None:
            raise self._failure

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def drain(self) -> None:
        """Waits while the transport's buffer is full; raises
        :exc:`ConnectionResetError` once the connection is gone."""
        if self.transport.is_closing():
            # Lets connection_lost() run first when the transport closes.
            await asyncio.sleep(0)
        if self._closed is None or self._closed.done():
            raise ConnectionResetError('Connection lost')
        if not self._writing_paused:
            return
        waiter = self._loop.create_future()
        self._drain_waiters.append(waiter)
        await waiter

    async def wait_closed(self) -> None:
        """Returns once the connection is gone."""
        if self._closed is not None:
            await asyncio.shield(self._closed)

"""Reads commands and writes responses on one connection, with the limits
of :class:`~pymap.config.IMAPConfig` applied before data is buffered."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
from collections.abc import Iterator
from typing import Protocol

from pymap.config import IMAPConfig
from pymap.exceptions import CloseConnection
from pymap.parsing.commands import Command, InvalidCommand
from pymap.parsing.framing import (
    Discarded,
    Framed,
    LineTooLong,
    LiteralRequest,
    NeedData,
)
from pymap.parsing.parser import command_head, parse_command
from pymap.parsing.response import Response

from .batch import UpdateBatch
from .protocol import IMAPProtocol

__all__ = ['ClientClosed', 'IMAPStream']

_log = logging.getLogger(__name__)

#: A MULTIAPPEND may carry several messages, each up to APPENDLIMIT.
MULTIAPPEND_FACTOR = 4
#: Queued response bytes are sent once they reach this size.
_SEND_SIZE = 65536
#: At most this many queued pieces go to the event loop as they are.
_GATHER_MAX = 8


class ClientClosed(Exception):
    """The client went away (or stayed silent past the timeout)."""

    def __init__(self, timed_out: bool = False) -> None:
        super().__init__('timed out' if timed_out else 'closed')
        self.timed_out = timed_out


class _ReadDeadline:
    """Ends a read that waits longer than :attr:`IMAPStream.timeout`.

    One timer per connection, re-armed only when it fires early, instead
    of one timer made and cancelled for every read as
    :func:`asyncio.timeout` would: most reads are answered at once, and
    the timeout is minutes long. Expiry fails the waiting read with
    :exc:`TimeoutError` through the protocol; the connection then closes.
    """

    __slots__ = ('_loop', '_protocol', '_timer', 'due', 'reading')

    def __init__(self, protocol: IMAPProtocol) -> None:
        self._protocol = protocol
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self.due = 0.0
        self.reading = False

    def start(self, timeout: float) -> None:
        """A read begins; it may wait *timeout* seconds."""
        loop = self._loop
        if loop is None:  # once: asking costs a system call (getpid)
            loop = self._loop = asyncio.get_running_loop()
        self.due = loop.time() + timeout
        self.reading = True
        if self._timer is None or self._timer.when() > self.due:
            self.cancel()
            self._timer = loop.call_at(self.due, self._expire)

    def _expire(self) -> None:
        loop = asyncio.get_running_loop()
        if self.reading and loop.time() >= self.due:
            self._timer = None
            self._protocol.fail(TimeoutError())
        else:
            self._timer = loop.call_at(max(self.due, loop.time() + 1.0),
                                       self._expire)

    def cancel(self) -> None:
        """Stops the timer (the connection is closing)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class _TCPSocket(Protocol):
    family: int

    def setsockopt(self, level: int, option: int, value: int, /) -> None:
        ...


#: Linux's option for an immediate acknowledgement; -1 where absent.
_TCP_QUICKACK: int = getattr(socket, 'TCP_QUICKACK', -1)


class _PromptAck:
    """Acknowledges the received part of an unfinished command at once.

    A client that writes a literal and the end of its line in two writes,
    as Python's :mod:`imaplib` does, holds the second back until the first
    is acknowledged (Nagle's algorithm, RFC 896). Linux delays that
    acknowledgement by 40 ms or more, hoping to send it with a response,
    and the response waits for the end of the line: every APPEND would
    stall. ``TCP_QUICKACK`` sends the acknowledgement when it is asked
    for; elsewhere this does nothing. A response acknowledges all that came
    before it, so only bytes received since the last one need asking.
    """

    __slots__ = ('_owed', '_socket')

    def __init__(self, transport: asyncio.BaseTransport) -> None:
        found: _TCPSocket | None = transport.get_extra_info('socket')
        tcp = found is not None and _TCP_QUICKACK >= 0 \
            and found.family in (socket.AF_INET, socket.AF_INET6)
        self._socket = found if tcp else None
        self._owed = False

    def received(self) -> None:
        """Bytes came in that no response has acknowledged yet."""
        self._owed = True

    def answered(self) -> None:
        """A response went out, acknowledging everything before it."""
        self._owed = False

    def send(self) -> None:
        """Has the kernel acknowledge what it received so far now, unless
        a response did already."""
        if self._socket is None or not self._owed:
            return
        self._owed = False
        try:
            self._socket.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)
        except OSError:  # the connection is gone: nothing to acknowledge
            self._socket = None


class IMAPStream:
    """Command framing and response writing on a connection's
    :class:`~.protocol.IMAPProtocol`."""

    def __init__(self, protocol: IMAPProtocol, config: IMAPConfig) -> None:
        self.protocol = protocol
        self.config = config
        self.framer = protocol.framer
        self.timeout = config.preauth_timeout
        self.allow_append = False
        self._literal_total = 0
        self._refusal: Response | None = None
        self._queued: list[bytes] = []
        self._queued_size = 0
        self._deadline = _ReadDeadline(protocol)
        self._prompt_ack = _PromptAck(protocol.transport)

    @property
    def secure(self) -> bool:
        """Whether the connection runs over TLS."""
        return self.protocol.transport.get_extra_info('ssl_object') \
            is not None

    async def queue(self, data: bytes) -> None:
        """Queues response bytes, so that a command's untagged responses
        leave with its tagged one in one send; sends them once enough
        have gathered, and sends a large piece (a message's octets) at
        once, without copying it."""
        if len(data) >= _SEND_SIZE:
            await self.write(data)
            return
        self._hold(data)
        if self._queued_size >= _SEND_SIZE:
            await self.write(b'')

    async def write(self, data: bytes) -> None:
        """Sends the queued bytes and *data*, waiting when the client
        reads slowly. They go out in one send, without being joined in
        memory first where the event loop can gather them (uvloop)."""
        if self._send(data):
            await self.protocol.drain()

    async def push(self, data: bytes, batch: UpdateBatch) -> None:
        """Sends *data*, an update pushed during IDLE (RFC 2177 §3), with
        the batch of the other sessions the same change woke; first waits
        while the client is behind in reading. Anything written after it
        goes out after it."""
        if self._behind():
            await self.protocol.drain()
        self._hold(data)
        batch.add(self, len(data))

    def _hold(self, data: bytes) -> None:
        self._queued.append(data)
        self._queued_size += len(data)

    def send_held(self) -> None:
        """Sends what :meth:`push` held: its batch's turn came."""
        if self._queued and not self.protocol.transport.is_closing():
            self._send(b'')

    def _send(self, data: bytes) -> bool:
        """Hands the queued bytes and *data* to the transport; whether the
        client is behind (or gone), so that the writer should wait."""
        self.protocol.transport.writelines(self._take_queued(data))
        self._prompt_ack.answered()
        return self._behind()

    def _behind(self) -> bool:
        # Nothing to wait for once the kernel took it all (most writes).
        transport = self.protocol.transport
        return bool(transport.get_write_buffer_size()) \
            or transport.is_closing()

    def _take_queued(self, data: bytes) -> list[bytes]:
        chunks = self._queued
        self._queued = []
        self._queued_size = 0
        if len(chunks) >= _GATHER_MAX:  # many small ones: one copy is less
            chunks = [b''.join(chunks)]
        chunks.append(data)  # as it is: it may be a message's octets
        if self.config.debug:
            _log.debug('%s <- %r', id(self), chunks[0][:200])
        return chunks

    @contextlib.contextmanager
    def sending_at_once(self) -> Iterator[None]:
        """Has each write leave at once, as asyncio's transports and
        uvloop's from 0.23 do, where those of earlier uvloop versions wait
        for the end of the event loop's turn: when one change wakes
        thousands of sessions in IDLE, the first would hear of it only
        once the last was served."""
        transport = self.protocol.transport
        low, high = transport.get_write_buffer_limits()
        transport.set_write_buffer_limits(high=0)
        try:
            yield
        finally:
            if not transport.is_closing():
                transport.set_write_buffer_limits(high, low)

    async def _receive(self) -> None:
        if self._literal_total or self.framer.buffered:
            self._prompt_ack.send()  # the client may wait for it to go on
        self._deadline.start(self.timeout)
        try:
            await self.protocol.more()
        except TimeoutError as timeout:
            raise ClientClosed(timed_out=True) from timeout
        except (EOFError, ConnectionError, ssl.SSLError) as failure:
            raise ClientClosed() from failure
        finally:
            self._deadline.reading = False
        self._prompt_ack.received()

    @property
    def mid_command(self) -> bool:
        """Whether a command's literal has been accepted and the rest of
        the command is still arriving."""
        return self._literal_total > 0

    async def read_command(self) -> Command | InvalidCommand | Response:
        """The next command; a :class:`Response` when input was refused
        before it could be parsed (over-long line or literal)."""
        while True:
            event = self.framer.next_event()
            if isinstance(event, NeedData):
                await self._close_if_unskippable(self._refusal)
                await self._receive()
            elif isinstance(event, Framed):
                self._literal_total = 0
                return parse_command(event.data, event.literals)
            elif isinstance(event, LiteralRequest):
                await self._literal_request(event)
            elif isinstance(event, LineTooLong):
                return await self._line_too_long(event)
            elif isinstance(event, Discarded):
                await self._close_if_unskippable(self._refusal)
                refusal, self._refusal = self._refusal, None
                if refusal is not None:
                    return refusal

    async def _line_too_long(self, event: LineTooLong) -> Response:
        """The refusal of an over-long line. The non-synchronizing literal
        it may end in is skipped as it arrives (RFC 7888 §4), unless too
        large to skip; a synchronizing one is never sent, as no
        continuation request invites it (RFC 3501 §7.5)."""
        self._literal_total = 0
        tag, _ = command_head(event.head)
        refusal = Response(tag, b'BAD', 'Command line too long.')
        await self._close_if_unskippable(refusal)
        return refusal

    async def _literal_request(self, request: LiteralRequest) -> None:
        tag, verb = command_head(request.head)
        refusal = self._check_literal(tag, verb, request.size)
        self._literal_total += request.size
        if refusal is not None:
            self._literal_total = 0
            self._refusal = refusal
            self.framer.reject_literal()
            await self._close_if_unskippable(refusal)
            return
        self.framer.accept_literal()
        if request.synchronizing:
            await self.write(b'+ Ready for literal data.\r\n')

    async def _close_if_unskippable(self, unsent: Response | None) -> None:
        """Ends the connection when the refused non-synchronizing literals
        of the command being discarded add up to more than a command may
        carry, each skipped as it arrives (RFC 7888 §4): the command's
        refusal goes first unless already sent (*unsent* is ``None``),
        then an untagged ``BYE`` (RFC 3501 §7.1.5)."""
        if self.framer.skipped <= self._most_per_command:
            return
        if unsent is not None:
            await self.write(bytes(unsent))
        raise CloseConnection('Literal too large to skip.')

    @property
    def _most_per_command(self) -> int:
        """The most literal octets any command may carry. A refused
        non-synchronizing literal is skipped as it arrives (RFC 7888 §4);
        once those of one command add up to more than this, the connection
        ends instead, as no client sends so much in earnest, and skipping
        them would leave the connection silent until autologout."""
        return self.config.max_append * MULTIAPPEND_FACTOR

    def _check_literal(self, tag: bytes, verb: bytes | None,
                       size: int) -> Response | None:
        """The refusal of a literal, if any: too large, or announced by
        a line that cannot start a command, which is rejected before the
        client sends the data (RFC 3501 §7.5)."""
        total = self._literal_total + size
        if verb is None:
            return Response(tag, b'BAD', 'Invalid command.')
        if verb == b'APPEND' and self.allow_append:
            if size > self.config.max_append \
                    or total > self._most_per_command:
                return Response(tag, b'NO', 'Message too large.', b'TOOBIG')
        elif total > self.config.max_literal:
            return Response(tag, b'BAD', 'Literal too large.')
        return None

    async def read_line(self) -> bytes:
        """A raw line (SASL response, IDLE's DONE), CRLF removed; b'' for
        one too long, drained to its end. Such a line announces no literal
        (RFC 3501 §6.2.2, RFC 2177 §3): what follows it is the next
        line."""
        while True:
            line = self.framer.read_line()
            if isinstance(line, LineTooLong):
                return b''
            if line is not None:
                return line
            await self._receive()

    async def start_tls(self, context: ssl.SSLContext) -> None:
        """Upgrades to TLS, dropping anything pipelined before it: such
        bytes were sent in the clear and must not be acted on (RFC 3501
        §6.2.1)."""
        self.framer.clear()
        protocol = self.protocol
        transport = await asyncio.get_running_loop().start_tls(
            protocol.transport, protocol, context, server_side=True)
        if transport is None:
            raise ConnectionResetError('the connection closed during TLS')
        protocol.transport = transport

    def shutdown(self, farewell: bytes) -> None:
        """Sends a last response and closes the transport, which ends any
        read in progress."""
        transport = self.protocol.transport
        if not transport.is_closing():
            transport.writelines(self._take_queued(farewell))
            transport.close()

    async def close(self) -> None:
        """Closes the connection."""
        self._deadline.cancel()
        self.protocol.transport.close()
        await self.protocol.wait_closed()

"""One pipelined connection to Redis (doc/redis.md, "Connections").

Redis answers the commands of one connection in the order it received
them, so replies are matched to their callers by order alone. A command
costs a future and a share of one write: the first command of a turn of
the event loop leaves at once, with the commands given along with it, and
the others issued in the same turn go out together at the turn's end.
hiredis parses the replies as they arrive and hands each to its caller
from the protocol's callback, with no pool checkout and no reading task in
between. On a subscribed connection the published messages, which answer
no command, go to a handler instead.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, cast

import hiredis
from redis.exceptions import ConnectionError, RedisError, TimeoutError

from .resp import SEPARATE_BYTES, error_reply, pack, pack_apart

__all__ = ['PushHandler', 'Wire']

#: Takes a reply that may answer no command (a published message) and
#: says whether it did take it.
PushHandler = Callable[[Any], bool]


class Wire(asyncio.Protocol):
    """The protocol of one connection: the callers waiting for replies,
    oldest first, and the commands not yet written.

    A watchdog fails the connection when *timeout* seconds pass with
    commands waiting and no reply read.

    Args:
        timeout: Seconds a reply may be awaited.
        on_push: Offered every reply first, when given.
    """

    def __init__(self, timeout: float,
                 on_push: PushHandler | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._on_push = on_push
        self._reader = hiredis.Reader(replyError=error_reply)
        self._waiting: deque[asyncio.Future[Any]] = deque()
        self._outbox: list[bytes] = []
        #: Whether a write went out in this turn of the loop, so that the
        #: commands that follow it wait for :meth:`_flush`.
        self._flush_due = False
        self._transport: asyncio.Transport | None = None
        self._timeout = timeout
        self._replies = 0
        self._watchdog: asyncio.TimerHandle | None = None
        #: Why the connection can no longer be used, once it cannot.
        self.failure: RedisError | None = None
        #: Done when the connection is lost.
        self.lost: asyncio.Future[None] = self._loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)

    async def call(self, *args: object) -> Any:
        """Runs one command and returns its reply as hiredis parsed it
        (bytes, integers, lists, None).

        Raises:
            RedisError: An error reply, or the connection failed.
        """
        return await self.send(pack(args))

    async def call_all(self, commands: Sequence[Sequence[object]]
                       ) -> list[Any]:
        """Runs *commands* back to back, with no other command between
        them, and returns their replies in order.

        Raises:
            RedisError: The first error reply, once every reply is in.
        """
        pieces: list[bytes] = []
        for command in commands:
            _pack_into(pieces, command)
        futures = self._send(pieces, len(commands))
        replies: list[Any] = []
        error: RedisError | None = None
        try:
            for future in futures:
                try:
                    replies.append(await future)
                except RedisError as exc:
                    error = error or exc
                    replies.append(exc)
        finally:
            # Once a caller is cancelled, the replies still due are for
            # nobody: cancelled, they are dropped when they come.
            for future in futures:
                future.cancel()
        if error is not None:
            raise error
        return replies

    def send(self, command: bytes) -> asyncio.Future[Any]:
        """Sends or queues a packed command; the future gets its reply."""
        return self._send([command], 1)[0]

    def _send(self, pieces: list[bytes], count: int
              ) -> list[asyncio.Future[Any]]:
        """Sends or queues the *pieces* of *count* packed commands."""
        if self.failure is not None:
            raise type(self.failure)(*self.failure.args)
        futures = [self._loop.create_future() for _ in range(count)]
        self._waiting.extend(futures)
        if self._flush_due or self._transport is None:
            self._outbox += pieces
        else:
            self._transport.writelines(pieces)
        if not self._flush_due:
            self._flush_due = True
            self._loop.call_soon(self._flush)
        if self._watchdog is None:
            self._arm()
        return futures

    def close(self) -> None:
        """Closes the connection; waiting callers fail."""
        self._fail(ConnectionError('the Redis connection was closed'))

    def _flush(self) -> None:
        self._flush_due = False
        outbox, self._outbox = self._outbox, []
        if outbox and self.failure is None and self._transport is not None:
            self._transport.writelines(outbox)

    def data_received(self, data: bytes) -> None:
        self._reader.feed(data)
        try:
            while (reply := self._reader.gets()) is not False:
                self._replies += 1
                if self._on_push is None or not self._on_push(reply):
                    self._resolve(self._waiting.popleft(), reply)
        except (hiredis.ProtocolError, IndexError) as exc:
            self._fail(ConnectionError(f'unreadable reply from Redis: '
                                       f'{exc!r}'))

    @staticmethod
    def _resolve(future: asyncio.Future[Any], reply: Any) -> None:
        if future.done():
            return
        if isinstance(reply, RedisError):
            future.set_exception(reply)
        else:
            future.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError('Redis closed the connection'
                                   + (f': {exc}' if exc else '')))

    def _arm(self) -> None:
        self._watchdog = self._loop.call_later(
            self._timeout, self._check, self._replies)

    def _check(self, replies_then: int) -> None:
        self._watchdog = None
        if not self._waiting:
            return
        if self._replies == replies_then:
            self._fail(TimeoutError(f'no reply from Redis in '
                                    f'{self._timeout} seconds'))
        else:
            self._arm()

    def _fail(self, error: RedisError) -> None:
        if self.failure is not None:
            return
        self.failure = error
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self._transport is not None:
            self._transport.abort()
        self.lost.set_result(None)
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_exception(type(error)(*error.args))


def _pack_into(pieces: list[bytes], args: Sequence[object]) -> None:
    """Adds the packed command *args* to *pieces*, with a long bytes
    argument apart (see :func:`~.resp.pack_apart`)."""
    for arg in args:
        if isinstance(arg, bytes) and len(arg) >= SEPARATE_BYTES:
            pieces += pack_apart(args)
            return
    pieces.append(pack(args))

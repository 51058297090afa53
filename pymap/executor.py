"""The one way to run blocking work without stalling the event loop.

File I/O (the maildir backend), CPU-heavy parsing and password hashing go
through :func:`run_blocking`, which runs them on one shared, bounded set of
worker threads, so that a client appending or fetching a large message
never delays the other connections (ARCHITECTURE.md §2, rule 6).

A call costs one hand-off each way: a worker sleeps on a lock of its own
and is woken alone to run the call, and a finished call wakes the loop
through a pipe of its own (:class:`_Inbox`). That is cheaper than
:meth:`~asyncio.AbstractEventLoop.run_in_executor`
with a :class:`~concurrent.futures.ThreadPoolExecutor`, which chains a
second future and takes more locks, and than workers that all wait on one
:class:`queue.SimpleQueue`: a worker taking a call from it hands the
queue's lock on to the next sleeping worker, which wakes and takes the GIL
only to find the queue empty. On a server pinned to one core every such
wake-up is a switch between threads, and the backends make a call or more
per IMAP command.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import contextvars
import os
import threading
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

__all__ = ['MAX_WORKERS', 'run_blocking', 'run_to_end']

_P = ParamSpec('_P')
_T = TypeVar('_T')

#: How many threads the shared pool has. Enough to overlap disk waits,
#: few enough that a burst of clients cannot exhaust the process.
MAX_WORKERS = min(32, (os.cpu_count() or 1) + 4)


class _Call:
    """One call of a function in a worker, and the future awaiting it."""

    __slots__ = ('_context', '_ended', '_fn', '_future', '_inbox', '_loop',
                 'settled')

    def __init__(self, loop: asyncio.AbstractEventLoop,
                 future: asyncio.Future[Any],
                 fn: Callable[[], object]) -> None:
        self._loop = loop
        self._inbox = _Inbox.of(loop)
        self._future = future
        self._context = contextvars.copy_context()
        self._fn = fn
        #: Whether the outcome reached the event loop.
        self.settled = False
        self._ended: asyncio.Future[None] | None = None

    async def ended(self) -> None:
        """Returns once the call has run, even if the awaiting task is
        cancelled (again) meanwhile."""
        while not self.settled:
            if self._ended is None:
                self._ended = self._loop.create_future()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._ended)

    def run(self) -> None:
        """Runs the function in the caller's context variables and hands
        the outcome to the event loop (unless it is closed by now)."""
        result: object = None
        error: BaseException | None = None
        try:
            result = self._context.run(self._fn)
        except BaseException as exc:  # raised in the awaiting coroutine
            error = exc
        self._inbox.post(self, result, error)


class _Inbox:
    """Where the workers leave the calls they finished for one event loop:
    in a queue, and a byte in a pipe that the loop watches to wake it.
    :func:`os.write` lets go of the GIL before it writes, so the loop,
    woken on the same core as the worker, finds the GIL free; woken by
    :meth:`~asyncio.AbstractEventLoop.call_soon_threadsafe`, which writes
    holding it, the loop waited for the worker to let it go, and the two
    threads passed it back and forth (doc/performance.md, "A maildir
    APPEND")."""

    _of_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                        _Inbox] = weakref.WeakKeyDictionary()

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._done: deque[tuple[_Call, object, BaseException | None]] = \
            deque()
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        #: Held while writing, so that no write goes to a closed pipe.
        self._lock = threading.Lock()
        self._open = True
        loop.add_reader(self._read, self._deliver)
        weakref.finalize(loop, self._close)

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> _Inbox:
        """The inbox of *loop* (call on the loop's thread)."""
        inbox = cls._of_loop.get(loop)
        if inbox is None:
            inbox = cls._of_loop[loop] = cls(loop)
        return inbox

    def post(self, call: _Call, result: object,
             error: BaseException | None) -> None:
        """Leaves a finished call for the loop (from a worker thread); a
        loop that is closed never takes it."""
        self._done.append((call, result, error))
        with self._lock:
            if self._open:
                with contextlib.suppress(BlockingIOError):
                    os.write(self._write, b'\0')

    def _deliver(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.read(self._read, 4096)
        done = self._done
        while done:
            _settle(*done.popleft())

    def _close(self) -> None:
        with self._lock:
            self._open = False
            os.close(self._read)
            os.close(self._write)


def _settle(call: _Call, result: object, exc: BaseException | None) -> None:
    """Resolves the call's future on its loop, unless its awaiter was
    cancelled, and ends :meth:`_Call.ended`."""
    call.settled = True
    if call._ended is not None:
        call._ended.set_result(None)
    future = call._future
    if future.cancelled():
        return
    if isinstance(exc, StopIteration):
        exc = RuntimeError(f'blocking call raised {exc!r}')
    if exc is None:
        future.set_result(result)
    else:
        future.set_exception(exc)


class _Worker:
    """A worker thread's hand-over point: :attr:`wake` is held while the
    thread sleeps, and released to hand it :attr:`call`."""

    __slots__ = ('call', 'wake')

    def __init__(self) -> None:
        self.call: _Call | None = None
        self.wake = threading.Lock()
        self.wake.acquire()


class _Pool:
    """Up to *size* threads, started as calls need them. A call goes to
    the thread that went idle last, woken alone (its caches are the
    warmest), or waits in a queue for the next thread to finish."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._queued: deque[_Call | None] = deque()
        self._threads: list[threading.Thread] = []

    def submit(self, call: _Call) -> None:
        """Hands *call* to an idle thread, or queues it."""
        with self._lock:
            if self._idle:
                self._hand(self._idle.pop(), call)
                return
            self._queued.append(call)
            if len(self._threads) < self.size:
                thread = threading.Thread(
                    target=self._serve, args=(_Worker(),),
                    name=f'pymap-blocking_{len(self._threads)}',
                    daemon=True)
                self._threads.append(thread)
                thread.start()

    def stop(self) -> None:
        """Ends the threads once the calls queued before have run."""
        with self._lock:
            idle, self._idle = self._idle, []
            for worker in idle:
                self._hand(worker, None)
            self._queued.extend(None for _ in
                                range(len(self._threads) - len(idle)))
            threads = self._threads
        for thread in threads:
            thread.join()

    @staticmethod
    def _hand(worker: _Worker, call: _Call | None) -> None:
        worker.call = call
        worker.wake.release()

    def _serve(self, worker: _Worker) -> None:
        while (call := self._next(worker)) is not None:
            call.run()
            del call

    def _next(self, worker: _Worker) -> _Call | None:
        """The next queued call, else the one handed to *worker* once it
        has slept until then (``None``: stop)."""
        with self._lock:
            if self._queued:
                return self._queued.popleft()
            self._idle.append(worker)
        worker.wake.acquire()
        call, worker.call = worker.call, None
        return call


class _Workers:
    """The pool of the process: :meth:`stop` (at interpreter exit) lets
    the queued calls finish, and a call after it starts new threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pool = _Pool(size)

    def submit(self, call: _Call) -> None:
        """Runs *call* in the next free thread."""
        self._pool.submit(call)

    def stop(self) -> None:
        """Ends the threads once the calls queued before have run."""
        pool, self._pool = self._pool, _Pool(self.size)
        pool.stop()

    def forget(self) -> None:
        """Starts over without threads (in a forked child, the parent's
        threads do not exist)."""
        self._pool = _Pool(self.size)
        _Inbox._of_loop.clear()


_workers = _Workers(MAX_WORKERS)
atexit.register(_workers.stop)
os.register_at_fork(after_in_child=_workers.forget)


async def run_blocking(fn: Callable[_P, _T], /, *args: _P.args,
                       **kwargs: _P.kwargs) -> _T:
    """Runs ``fn(*args, **kwargs)`` in a worker thread, with the caller's
    context variables, and returns its result (or raises its exception)
    in the calling coroutine.

    The call runs to completion even if the awaiting task is cancelled
    (before or after it started), so *fn* must leave its data consistent
    on its own.
    """
    future, _ = _submit(lambda: fn(*args, **kwargs))
    return await future


async def run_to_end(fn: Callable[_P, _T], /, *args: _P.args,
                     **kwargs: _P.kwargs) -> _T:
    """:func:`run_blocking` for work on state that the caller guards
    with a lock: a cancelled caller waits for the call to end before its
    cancellation goes on (and releases the lock), so that the next holder
    never runs beside it."""
    future, call = _submit(lambda: fn(*args, **kwargs))
    try:
        return await future
    except asyncio.CancelledError:
        await call.ended()
        raise


def _submit(fn: Callable[[], _T]) -> tuple[asyncio.Future[_T], _Call]:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()
    call = _Call(loop, future, fn)
    _workers.submit(call)
    return future, call

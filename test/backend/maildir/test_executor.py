"""The shared executor for blocking work (pymap/executor.py), and the
maildir backend's translation of disk errors."""

from __future__ import annotations

import asyncio
import contextvars
import errno
import gc
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pymap import executor
from pymap.backend.maildir import folder as folder_module
from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.disk import on_disk
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.mailbox import MaildirMailbox
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.exceptions import TemporaryFailure
from pymap.executor import run_blocking
from pymap.interfaces.storage import NewMessage

from .leftovers import left_in_tmp

_request = contextvars.ContextVar('_request', default='none')


async def test_runs_in_another_thread_with_result() -> None:
    assert await run_blocking(threading.get_ident) != threading.get_ident()
    assert await run_blocking(divmod, 7, 2) == (3, 1)
    assert await run_blocking(sorted, [3, 1], reverse=True) == [3, 1]


async def test_exceptions_propagate() -> None:
    with pytest.raises(ZeroDivisionError):
        await run_blocking(divmod, 1, 0)


async def test_context_variables_are_visible() -> None:
    _request.set('r1')
    assert await run_blocking(_request.get) == 'r1'


async def test_loop_runs_while_work_blocks() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(tick())
    await run_blocking(time.sleep, 0.3)
    task.cancel()
    assert ticks >= 10


async def test_pool_is_bounded() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    await asyncio.gather(*(run_blocking(work)
                           for _ in range(executor.MAX_WORKERS * 3)))
    assert 1 < peak <= executor.MAX_WORKERS


async def test_cancelled_caller_lets_the_call_finish() -> None:
    gate = threading.Event()
    finished = threading.Event()

    def work() -> None:
        gate.wait(5)
        finished.set()

    task = asyncio.create_task(run_blocking(work))
    await asyncio.sleep(0.01)
    task.cancel()
    gate.set()
    assert await run_blocking(finished.wait, 5)
    assert task.cancelled()


async def test_queued_call_runs_though_its_caller_was_cancelled() -> None:
    gate = threading.Event()
    ran = threading.Event()
    busy = [asyncio.create_task(run_blocking(gate.wait, 5))
            for _ in range(executor.MAX_WORKERS)]
    queued = asyncio.create_task(run_blocking(ran.set))
    await asyncio.sleep(0.01)
    queued.cancel()
    assert not ran.is_set()
    gate.set()
    assert all(await asyncio.gather(*busy))
    assert await run_blocking(ran.wait, 5)


async def test_run_to_end_holds_a_cancelled_caller_until_the_call_ends(
        ) -> None:
    gate = threading.Event()
    started = threading.Event()

    def work() -> int:
        started.set()
        gate.wait(5)
        return 1

    task = asyncio.create_task(executor.run_to_end(work))
    assert await run_blocking(started.wait, 5)
    task.cancel()
    await asyncio.sleep(0.02)
    task.cancel()  # a second cancellation does not end the wait either
    await asyncio.sleep(0.02)
    assert not task.done()
    gate.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await executor.run_to_end(work) == 1


async def test_a_cancelled_maildir_step_keeps_its_lock_until_it_ends(
        tmp_path: Path) -> None:
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path / 'mail'), ContentCache(), fsync=False)
    inbox = await mailboxes.get_mailbox('INBOX')
    assert isinstance(inbox, MaildirMailbox)
    gate = threading.Event()
    started = threading.Event()
    task = asyncio.create_task(inbox._run(lambda: (started.set(),
                                                   gate.wait(5))))
    assert await run_blocking(started.wait, 5)
    task.cancel()
    await asyncio.sleep(0.02)
    assert inbox.lock.locked()
    gate.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not inbox.lock.locked()


async def test_stop_iteration_does_not_leak_into_the_coroutine() -> None:
    with pytest.raises(RuntimeError, match='StopIteration'):
        await run_blocking(next, iter(()))


def test_call_outliving_its_event_loop_is_harmless(
        monkeypatch: pytest.MonkeyPatch) -> None:
    errors: list[object] = []
    monkeypatch.setattr(threading, 'excepthook', errors.append)
    gate = threading.Event()
    finished = threading.Event()

    def work() -> None:
        gate.wait(5)
        finished.set()

    async def abandon() -> None:
        abandoned = asyncio.create_task(run_blocking(work))
        await asyncio.sleep(0.01)
        assert not abandoned.done()

    asyncio.run(abandon())
    gate.set()
    assert finished.wait(5)
    assert asyncio.run(run_blocking(divmod, 7, 2)) == (3, 1)
    assert errors == []


@pytest.mark.skipif(not Path('/proc/self/fd').is_dir(),
                    reason='counts open files in /proc/self/fd')
def test_a_loops_wake_up_pipe_goes_with_it() -> None:
    def open_files() -> int:
        return len(os.listdir('/proc/self/fd'))

    assert asyncio.run(run_blocking(int, '7')) == 7
    gc.collect()
    before = open_files()
    for _ in range(10):
        assert asyncio.run(run_blocking(int, '7')) == 7
    gc.collect()
    assert open_files() <= before


def test_calls_finish_before_the_interpreter_exits(tmp_path: Path) -> None:
    marker = tmp_path / 'written'
    script = (
        'import asyncio, pathlib, time\n'
        'from pymap.executor import run_blocking\n'
        'def write():\n'
        '    time.sleep(0.2)\n'
        f'    pathlib.Path({str(marker)!r}).write_text("done")\n'
        'async def main():\n'
        '    asyncio.create_task(run_blocking(write))\n'
        '    await asyncio.sleep(0.01)\n'
        'asyncio.run(main())\n')
    subprocess.run([sys.executable, '-c', script], check=True, timeout=30)
    assert marker.read_text() == 'done'


def test_a_forked_child_starts_its_own_workers() -> None:
    script = (
        'import asyncio, os\n'
        'from pymap.executor import run_blocking\n'
        'asyncio.run(run_blocking(int))\n'
        'pid = os.fork()\n'
        'if pid == 0:\n'
        '    call = asyncio.wait_for(run_blocking(int, "7"), 5)\n'
        '    os._exit(asyncio.run(call))\n'
        'print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))\n')
    done = subprocess.run([sys.executable, '-c', script], check=True,
                          timeout=30, capture_output=True)
    assert done.stdout == b'7\n'


@pytest.mark.parametrize('number, code', [
    (errno.ENOSPC, b'OVERQUOTA'), (errno.EDQUOT, b'OVERQUOTA'),
    (errno.EIO, b'UNAVAILABLE'), (errno.EACCES, b'UNAVAILABLE')])
async def test_disk_errors_become_temporary_failures(number: int,
                                                     code: bytes) -> None:
    """A full disk or quota is ``OVERQUOTA`` (RFC 5530 §3, as Dovecot
    answers it), any other ``UNAVAILABLE``."""
    def failing() -> None:
        raise OSError(number, os.strerror(number))

    with pytest.raises(TemporaryFailure) as info:
        await on_disk(failing)
    assert info.value.code == code
    with pytest.raises(KeyError):
        await on_disk({}.__getitem__, 'not an OSError')


async def test_full_disk_during_append_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path), ContentCache(), fsync=False)
    inbox = await mailboxes.get_mailbox('INBOX')
    message = NewMessage(b'x', frozenset(), datetime.now(UTC))
    assert await inbox.append([message]) == [1]
    written = []
    original = folder_module.write_new

    def write_new(path: Path, data: bytes, fsync: bool) -> None:
        if written:
            raise OSError(errno.ENOSPC, 'No space left on device')
        original(path, data, fsync)
        written.append(path)

    monkeypatch.setattr(folder_module, 'write_new', write_new)
    with pytest.raises(TemporaryFailure):
        await inbox.append([message, message])
    assert (await inbox.snapshot()).uids == [1]
    assert left_in_tmp(tmp_path) == []

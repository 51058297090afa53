"""Dovecot-compatible dot-locks."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pymap.backend.maildir import lock as lock_module
from pymap.backend.maildir.lock import OWNER_SUFFIX, UNWRITTEN_AFTER, DotLock
from pymap.exceptions import InUse

from .faults import fill_disk, no_link


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, '-c', 'pass'])
    process.wait()
    return process.pid


def test_lock_file_names_its_owner(tmp_path: Path) -> None:
    target = tmp_path / 'dovecot-uidlist'
    with DotLock(target) as lock:
        assert lock.path == tmp_path / 'dovecot-uidlist.lock'
        assert lock.path.read_text() == \
            f'{os.getpid()}:{socket.gethostname()}'
    assert not lock.path.exists()


def test_lock_appears_whole_and_its_owner_file_goes_on_close(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / 'dovecot-uidlist'
    owner = f'{os.getpid()}:{socket.gethostname()}'
    linked: list[str] = []
    real_link = os.link

    def link(source: Path, destination: Path) -> None:
        linked.append(Path(source).read_text())  # whole before it appears
        real_link(source, destination)

    monkeypatch.setattr(os, 'link', link)
    with DotLock(target) as lock:
        assert linked == [owner]
        assert lock.path.read_text() == owner
        with pytest.raises(InUse):
            DotLock(target, timeout=0.05).acquire()
    assert set(linked) == {owner}
    lock.close()
    assert os.listdir(tmp_path) == []


def test_taking_the_lock_again_makes_no_file(tmp_path: Path) -> None:
    (tmp_path / 'tmp').mkdir()
    lock = DotLock(tmp_path / 'dovecot-uidlist')
    with lock:
        first = lock.path.stat()
    (kept,) = os.listdir(tmp_path / 'tmp')
    assert kept.endswith(OWNER_SUFFIX)
    time.sleep(0.01)
    with lock:
        again = lock.path.stat()
        assert lock.path.read_text().startswith(f'{os.getpid()}:')
    assert again.st_ino == first.st_ino
    assert again.st_mtime_ns > first.st_mtime_ns  # a new lock to others
    assert os.listdir(tmp_path / 'tmp') == [kept]
    assert sorted(os.listdir(tmp_path)) == ['tmp']
    del lock  # garbage: its owner file goes
    assert os.listdir(tmp_path / 'tmp') == []


def test_owner_file_taken_by_a_cleaner_is_made_again(tmp_path: Path
                                                    ) -> None:
    (tmp_path / 'tmp').mkdir()
    lock = DotLock(tmp_path / 'file')
    with lock:
        pass
    for name in os.listdir(tmp_path / 'tmp'):
        os.unlink(tmp_path / 'tmp' / name)
    with lock:
        assert lock.path.read_text().startswith(f'{os.getpid()}:')
    assert len(os.listdir(tmp_path / 'tmp')) == 1
    lock.close()
    assert os.listdir(tmp_path / 'tmp') == []


def test_a_forked_child_names_itself_and_spares_its_parents_file(
        tmp_path: Path) -> None:
    script = (
        'import os, sys\n'
        'from pathlib import Path\n'
        'from pymap.backend.maildir.lock import DotLock\n'
        'lock = DotLock(Path(sys.argv[1]))\n'
        'with lock:\n'
        '    pass\n'
        'pid = os.fork()\n'
        'if pid == 0:\n'
        '    with lock:\n'
        '        print(lock.path.read_text().partition(":")[0])\n'
        '    sys.exit(0)\n'
        'os.waitpid(pid, 0)\n'
        'print(os.getpid(), len(os.listdir(Path(sys.argv[1]).parent)))\n')
    done = subprocess.run([sys.executable, '-c', script,
                           str(tmp_path / 'file')], check=True, timeout=30,
                          capture_output=True, text=True)
    child, parent = done.stdout.splitlines()
    parent_pid, left = parent.split()
    assert child != parent_pid
    assert left == '1'  # the parent's owner file, the child's gone
    assert os.listdir(tmp_path) == []  # and the parent's, at its exit


def test_lock_without_hard_links_is_created_exclusively(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, 'link', no_link)
    target = tmp_path / 'file'
    with DotLock(target) as lock:
        assert lock.path.read_text().startswith(f'{os.getpid()}:')
        with pytest.raises(InUse):
            DotLock(target, timeout=0.05).acquire()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize('links', [True, False],
                         ids=['owner file', 'lock file'])
def test_a_lock_not_written_leaves_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool) -> None:
    """The disk is full when the owner file is written, or (without hard
    links) the lock file itself: neither stays behind."""
    (tmp_path / 'tmp').mkdir()
    owner = f'{os.getpid()}:{socket.gethostname()}'.encode()
    if not links:
        monkeypatch.setattr(os, 'link', no_link)
    fill_disk(monkeypatch, lock_module).fill(0 if links else len(owner))
    with pytest.raises(OSError) as info:
        DotLock(tmp_path / 'file').acquire()
    assert info.value.errno == errno.ENOSPC
    assert os.listdir(tmp_path) == ['tmp']
    assert os.listdir(tmp_path / 'tmp') == []


def test_held_lock_times_out_with_inuse(tmp_path: Path) -> None:
    target = tmp_path / 'file'
    with DotLock(target), pytest.raises(InUse):
        DotLock(target, timeout=0.05).acquire()


def test_lock_of_dead_local_process_is_broken(tmp_path: Path) -> None:
    lock_path = tmp_path / 'file.lock'
    lock_path.write_text(f'{_dead_pid()}:{socket.gethostname()}')
    started = time.monotonic()
    with DotLock(tmp_path / 'file', timeout=5):
        assert lock_path.read_text().startswith(f'{os.getpid()}:')
    assert time.monotonic() - started < 1


def test_lock_of_live_process_is_respected(tmp_path: Path) -> None:
    lock_path = tmp_path / 'file.lock'
    lock_path.write_text(f'{os.getppid()}:{socket.gethostname()}')
    with pytest.raises(InUse):
        DotLock(tmp_path / 'file', timeout=0.05).acquire()
    assert lock_path.exists()


def test_lock_of_other_host_waits_for_staleness(tmp_path: Path) -> None:
    lock_path = tmp_path / 'file.lock'
    lock_path.write_text(f'{_dead_pid()}:elsewhere.example')
    with pytest.raises(InUse):
        DotLock(tmp_path / 'file', timeout=0.05).acquire()
    old = time.time() - 600
    os.utime(lock_path, (old, old))
    with DotLock(tmp_path / 'file', timeout=1):
        pass
    assert not lock_path.exists()


def test_unreadable_lock_content_is_stale_after_timeout(
        tmp_path: Path) -> None:
    lock_path = tmp_path / 'file.lock'
    lock_path.write_bytes(b'3 V1 N1 G0\n')
    with pytest.raises(InUse):
        DotLock(tmp_path / 'file', timeout=0.05, stale_after=60).acquire()
    with DotLock(tmp_path / 'file', timeout=1, stale_after=0):
        pass


def test_empty_lock_is_abandoned_soon_after_it_was_made(
        tmp_path: Path) -> None:
    # A maker killed between creating the lock and writing its name.
    lock_path = tmp_path / 'file.lock'
    lock_path.write_bytes(b'')
    with pytest.raises(InUse):
        DotLock(tmp_path / 'file', timeout=0.05).acquire()
    old = time.time() - UNWRITTEN_AFTER
    os.utime(lock_path, (old, old))
    with DotLock(tmp_path / 'file', timeout=1) as lock:
        assert lock.path.read_text().startswith(f'{os.getpid()}:')


def test_release_leaves_a_lock_taken_by_another(tmp_path: Path) -> None:
    lock = DotLock(tmp_path / 'file')
    lock.acquire()
    lock.path.unlink()
    lock.path.write_text('someone else')
    lock.release()
    assert lock.path.read_text() == 'someone else'


def test_lock_excludes_threads(tmp_path: Path) -> None:
    counter = tmp_path / 'counter'
    counter.write_text('0')

    def work() -> None:
        for _ in range(50):
            with DotLock(counter):
                value = int(counter.read_text())
                counter.write_text(str(value + 1))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter.read_text() == '200'

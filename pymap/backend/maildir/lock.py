"""Dot-locks that interoperate with Dovecot's (``<file>.lock``, see
Dovecot's "Maildir" and "Locking" documentation).

The lock is a file next to the file it protects, holding ``<pid>:<host>``
of its owner. It is written under a temporary name first (the owner
file, in the maildir's ``tmp/``, or beside the lock where there is none)
and then hard-linked into place, which fails if the lock exists
(Dovecot's ``dotlock_use_excl = no`` way), so that a lock is never seen
empty: a maker killed half-way leaves no lock at all, where Dovecot,
finding an empty one, would wait two minutes and then fail. Where the
file system has no hard links the lock is created with ``O_EXCL``
directly.

A :class:`DotLock` keeps its owner file from one acquisition to the next
and only unlinks the lock's name on release, so that taking the lock
creates and frees no inode: a folder's uidlist is locked for every
APPEND, and on ext4 without a journal every inode allocation scans past
the inodes freed in the last half minute (``recently_deleted``), so that
a file created and removed per delivery made each delivery slower than
the one before. The owner file's times are set anew at each acquisition,
so that to Dovecot and to :meth:`DotLock.release` each lock is a new one.
The owner file is removed with its :class:`DotLock` (or at exit); one left
by a killed process, or taken along when its folder was renamed, goes with
the rest of ``tmp/`` after 36 hours.

A lock is stale, and is broken, when its owner is a process of this host
that no longer exists, when it is still empty :data:`UNWRITTEN_AFTER`
seconds after it was made (an ``O_EXCL`` maker, Dovecot's or ours, died
between creating it and writing its name), or when it has not been touched
for :data:`STALE_AFTER` seconds (Dovecot's two-minute timeout for
``dovecot-uidlist.lock``).
"""

from __future__ import annotations

import errno
import os
import socket
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from pymap.exceptions import InUse

from .atomic import removed_on_failure, temp_path

__all__ = ['OWNER_SUFFIX', 'STALE_AFTER', 'TIMEOUT', 'UNWRITTEN_AFTER',
           'DotLock']

#: Seconds after which an untouched lock is considered abandoned.
STALE_AFTER = 120.0
#: Seconds after which a lock with no owner written in it is abandoned:
#: a live maker writes its name right after creating the file.
UNWRITTEN_AFTER = 2.0
#: How the name of a kept owner file ends.
OWNER_SUFFIX = '.pymap-lock'
#: Seconds to wait for a lock before answering ``NO [INUSE]``.
TIMEOUT = 30.0
_MAX_DELAY = 0.05
#: What :func:`os.link` fails with where a file system has no hard links.
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP,
                            errno.EXDEV})


class DotLock:
    """An exclusive lock on *target* across threads and processes; use it
    as a context manager (blocking: run it through the executor)."""

    def __init__(self, target: Path, timeout: float = TIMEOUT,
                 stale_after: float = STALE_AFTER) -> None:
        self.target = target
        self.path = target.with_name(target.name + '.lock')
        self.timeout = timeout
        self.stale_after = stale_after
        self._identity: tuple[int, int] | None = None
        self._owner: _Owner | None = None
        self._links = True

    def __enter__(self) -> DotLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()

    def acquire(self) -> None:
        """Takes the lock, breaking stale ones; raises :exc:`InUse` after
        :attr:`timeout` seconds."""
        deadline = time.monotonic() + self.timeout
        delay = 0.001
        while not self._try_create():
            if self._break_stale():
                continue
            if time.monotonic() >= deadline:
                raise InUse()
            time.sleep(delay)
            delay = min(delay * 2, _MAX_DELAY)

    def release(self) -> None:
        """Removes the lock, unless it was broken and taken by another."""
        identity, self._identity = self._identity, None
        try:
            if identity is not None and _identity(self.path) == identity:
                os.unlink(self.path)
        except FileNotFoundError:
            pass

    def _try_create(self) -> bool:
        if not self._links:
            return self._try_create_exclusive()
        owner = self._fresh_owner()
        try:
            os.link(owner, self.path)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            self._links = False
            self.close()
            return self._try_create_exclusive()
        self._identity = _identity(owner)  # the same inode as the lock
        return True

    def _fresh_owner(self) -> Path:
        """The owner file, made on first use (or anew in a forked child,
        or when a cleaner of ``tmp/`` took it), its times set to now."""
        owner = self._owner
        if owner is not None and owner.pid == os.getpid():
            try:
                os.utime(owner.path)
                return owner.path
            except FileNotFoundError:
                pass
        path = temp_path(self.path.parent, self.path.name, OWNER_SUFFIX)
        _write_owner(path)
        self._owner = _Owner(path, os.getpid(), weakref.finalize(
            self, _remove, path, os.getpid()))
        return path

    def close(self) -> None:
        """Removes the owner file now rather than when the lock is
        garbage or the process exits."""
        owner, self._owner = self._owner, None
        if owner is not None:
            owner.remove()

    def _try_create_exclusive(self) -> bool:
        try:
            identity = _write_owner(self.path)
        except FileExistsError:
            return False
        self._identity = identity
        return True

    def _break_stale(self) -> bool:
        """Removes the lock if it is stale; true when it is gone."""
        try:
            identity = _identity(self.path)
            owner = self.path.read_bytes()[:256]
        except FileNotFoundError:
            return True
        age = time.time() - identity[1] / 1e9
        abandoned = _owner_dead(owner) \
            or (not owner and age >= UNWRITTEN_AFTER)
        if not abandoned and age < self.stale_after:
            return False
        try:
            if _identity(self.path) == identity:
                os.unlink(self.path)
        except FileNotFoundError:
            pass
        return True


class _Owner(NamedTuple):
    """An owner file and the process that wrote its name in it."""

    path: Path
    pid: int
    #: Removes the file, once (a :class:`weakref.finalize`).
    remove: Callable[[], object]


def _remove(path: Path, pid: int) -> None:
    """Removes the owner file *pid* wrote (not a forked child's parent's,
    whose exit runs the finalizers it inherited)."""
    if os.getpid() == pid:
        path.unlink(missing_ok=True)


def _write_owner(path: Path) -> tuple[int, int]:
    """Creates *path*, which must not exist, holding ``<pid>:<host>``;
    returns its identity. A failed write (the disk full) removes it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with removed_on_failure(path):
            os.write(fd, f'{os.getpid()}:{socket.gethostname()}'.encode())
        stat = os.fstat(fd)
        return stat.st_ino, stat.st_mtime_ns
    finally:
        os.close(fd)


def _identity(path: Path) -> tuple[int, int]:
    """Tells one lock file from a later one at the same path."""
    stat = os.stat(path)
    return stat.st_ino, stat.st_mtime_ns


def _owner_dead(owner: bytes) -> bool:
    """Whether the lock's ``pid:host`` names a vanished local process."""
    pid, _, host = owner.decode('ascii', 'replace').partition(':')
    if not pid.isdigit() or host.strip() != socket.gethostname():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False

"""Crash-safe file updates: write a temporary file in the same file
system, fsync it, rename it over the target, fsync the directory (POSIX
``rename(2)`` replaces the target atomically, so readers see the old or
the new content, never a mix).

A write that fails part way (``ENOSPC``, ``EDQUOT``) leaves nothing of
itself: a new file is removed, an appended tail cut off."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ['append_to', 'fsync_dir', 'removed_on_failure', 'temp_path',
           'write_atomic', 'write_new']

_serial = itertools.count(1)


def temp_path(directory: Path, name: str, suffix: str = '.pymap-tmp'
              ) -> Path:
    """A fresh temporary path for *name*: in the maildir's ``tmp/`` when
    there is one (Dovecot and maildir readers never list it), else beside
    the target."""
    tmp = directory / 'tmp'
    where = tmp if tmp.is_dir() else directory
    return where / f'{name}.{os.getpid()}.{next(_serial)}{suffix}'


def fsync_dir(directory: Path) -> None:
    """Makes the directory's entries (renames, links) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def removed_on_failure(path: Path) -> Iterator[None]:
    """Removes *path* when the block fails, so that a file written in part
    (the disk full, a quota exceeded) is never left behind."""
    try:
        yield
    except BaseException:
        path.unlink(missing_ok=True)
        raise


@contextmanager
def _opened(path: Path, flags: int) -> Iterator[int]:
    fd = os.open(path, os.O_WRONLY | flags, 0o600)
    try:
        yield fd
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes, fsync: bool) -> None:
    """Writes all of *data* to *fd* and, with *fsync*, waits until it is
    on disk."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    if fsync:
        os.fsync(fd)


def write_new(path: Path, data: bytes, fsync: bool) -> None:
    """Creates *path* (which must not exist) with *data*, or removes it
    again when that fails."""
    with _opened(path, os.O_CREAT | os.O_EXCL) as fd, \
            removed_on_failure(path):
        _write_all(fd, data, fsync)


def append_to(path: Path, data: bytes, fsync: bool) -> None:
    """Appends *data* to *path*, or cuts off again what a failed write
    added, so that readers never find part of it; callers hold the file's
    lock."""
    with _opened(path, os.O_APPEND) as fd:
        size = os.fstat(fd).st_size
        try:
            _write_all(fd, data, fsync)
        except BaseException:
            os.ftruncate(fd, size)
            raise


def write_atomic(path: Path, data: bytes, fsync: bool,
                 beside: bool = False) -> None:
    """Replaces *path* with *data* atomically; the temporary file is in
    the maildir's ``tmp/``, or next to *path* when *beside* is true."""
    temp = path.with_name(f'.{path.name}.{os.getpid()}.pymap-tmp') \
        if beside else temp_path(path.parent, path.name)
    with removed_on_failure(temp):
        write_new(temp, data, fsync)
        os.replace(temp, path)
    if fsync:
        fsync_dir(path.parent)

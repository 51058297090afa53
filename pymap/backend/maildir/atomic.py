"""Crash-safe file updates: write a temporary file in the same file
system, fsync it, rename it over the target, fsync the directory (POSIX
``rename(2)`` replaces the target atomically, so readers see the old or
the new content, never a mix)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

__all__ = ['fsync_dir', 'temp_path', 'write_atomic', 'write_new']

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


def write_to(path: Path, data: bytes, fsync: bool, flags: int,
             mode: int = 0o600) -> None:
    """Opens *path* with *flags*, writes all of *data* and, with *fsync*,
    waits until it is on disk."""
    fd = os.open(path, os.O_WRONLY | flags, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


def write_new(path: Path, data: bytes, fsync: bool) -> None:
    """Creates *path* (which must not exist) with *data*."""
    write_to(path, data, fsync, os.O_CREAT | os.O_EXCL)


def write_atomic(path: Path, data: bytes, fsync: bool,
                 beside: bool = False) -> None:
    """Replaces *path* with *data* atomically; the temporary file is in
    the maildir's ``tmp/``, or next to *path* when *beside* is true."""
    temp = path.with_name(f'.{path.name}.{os.getpid()}.pymap-tmp') \
        if beside else temp_path(path.parent, path.name)
    try:
        write_new(temp, data, fsync)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if fsync:
        fsync_dir(path.parent)

"""Fault injection for the maildir tests: a disk that fills up, seen
through the ``os`` module of one maildir module, and a file system
without hard links."""

from __future__ import annotations

import errno
import os
from types import ModuleType
from typing import Any, NoReturn

import pytest

__all__ = ['FillingDisk', 'fill_disk', 'no_link']


class FillingDisk:
    """Stands in for :mod:`os` in one module: :meth:`write` fails with
    :attr:`error` once :attr:`room` more octets are written, after a short
    write, as ``write(2)`` does on a disk that fills up; with :attr:`room`
    ``None`` (at first, and after :meth:`free`) there is space enough."""

    def __init__(self) -> None:
        self.room: int | None = None
        self.error = errno.ENOSPC

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def fill(self, room: int = 0, error: int = errno.ENOSPC) -> None:
        """Leaves *room* octets; then writes fail with *error*."""
        self.room, self.error = room, error

    def free(self) -> None:
        """Space is back."""
        self.room = None

    def write(self, fd: int, data: bytes | memoryview) -> int:
        room = self.room
        if room is None:
            return os.write(fd, data)
        if room == 0:
            raise OSError(self.error, os.strerror(self.error))
        written = os.write(fd, data[:room])
        self.room = room - written
        return written


def fill_disk(monkeypatch: pytest.MonkeyPatch, module: ModuleType
              ) -> FillingDisk:
    """Gives *module* a :class:`FillingDisk` for its ``os``."""
    disk = FillingDisk()
    monkeypatch.setattr(module, 'os', disk)
    return disk


def no_link(source: object, target: object) -> NoReturn:
    """:func:`os.link` on a file system without hard links."""
    raise PermissionError(errno.EPERM, 'no hard links here')

"""Reading a message file on the event loop when the kernel can do it
without waiting for a disk.

The event loop must never block, so the maildir backend reads files in
its executor (:func:`pymap.executor.run_blocking`). Most reads are of
files the kernel holds in memory, though, and for those the hand-off to a
worker thread and back costs more than the read. Linux can be asked to
refuse instead of wait: ``openat2(2)`` with ``RESOLVE_CACHED`` fails with
``EAGAIN`` unless every path component is in the dentry cache, and
``preadv2(2)`` with ``RWF_NOWAIT`` fails with ``EAGAIN`` (or reads less)
unless the data is in the page cache. A hit therefore costs no executor
hop, and a miss costs one or two system calls before the caller reads in
its executor as before.

This needs Linux 5.12 or later (``openat2`` appeared in 5.6,
``RESOLVE_CACHED`` in 5.12). On any other platform, or when the kernel
does not know the call, :data:`AVAILABLE` is false and every read is a
miss. So is any error, short read or file system without ``RWF_NOWAIT``:
the executor path reads the file again and reports what went wrong.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import threading
from collections.abc import Callable

__all__ = ['AVAILABLE', 'MAX_SIZE', 'read_cached']

#: The largest read :func:`read_cached` makes: a larger file is a miss.
MAX_SIZE = 256 * 1024

# The arguments are built once, as ctypes objects of the sizes the
# variadic syscall(2) reads: that is cheaper per call than argtypes.
# 437 in Linux's shared table (alpha, ia64 and MIPS number it apart).
_SYS_OPENAT2 = ctypes.c_long(437)
_AT_FDCWD = ctypes.c_long(-100)
_RESOLVE_CACHED = 0x20


class _OpenHow(ctypes.Structure):
    """``struct open_how`` of ``openat2(2)``."""

    _fields_ = [('flags', ctypes.c_uint64), ('mode', ctypes.c_uint64),
                ('resolve', ctypes.c_uint64)]


# The kernel only reads it, so one serves every call from every thread.
_HOW = ctypes.pointer(_OpenHow(os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY,
                               0, _RESOLVE_CACHED))
_HOW_SIZE = ctypes.c_size_t(ctypes.sizeof(_OpenHow))
_FS_ENCODING = sys.getfilesystemencoding()
_FS_ERRORS = sys.getfilesystemencodeerrors()


def _load_openat2() -> Callable[..., int] | None:
    """The C library's ``syscall(2)`` when ``openat2`` with
    ``RESOLVE_CACHED`` works here, tried on the root directory (always
    cached). ``EAGAIN`` still shows that the kernel understood; ``ENOSYS``
    (no ``openat2``), ``EINVAL`` (no ``RESOLVE_CACHED``), ``E2BIG`` or
    anything else mean it never will.

    The one returned keeps the GIL while it runs: an open that may not
    wait for a disk is over sooner than a hand-over of the GIL would be.
    """
    if sys.platform != 'linux' or not hasattr(os, 'RWF_NOWAIT'):
        return None
    probe = ctypes.CDLL(None, use_errno=True).syscall
    probe.restype = ctypes.c_long
    fd = probe(_SYS_OPENAT2, _AT_FDCWD, b'/', _HOW, _HOW_SIZE)
    if fd >= 0:
        os.close(fd)
    elif ctypes.get_errno() != errno.EAGAIN:
        return None
    syscall = ctypes.PyDLL(None).syscall
    syscall.restype = ctypes.c_long
    return syscall


_openat2 = _load_openat2()

#: Whether :func:`read_cached` can ever hit on this platform and kernel.
AVAILABLE = _openat2 is not None


class _Buffer(threading.local):
    """Each thread's buffer that :func:`read_cached` reads into and
    copies out of: no allocation and no zeroing per read, and memory the
    CPU's caches hold already. Per thread, as ``preadv`` lets go of the
    GIL."""

    def __init__(self) -> None:
        self.view = memoryview(bytearray(MAX_SIZE))


_buffer = _Buffer()


def read_cached(path: str, size: int) -> bytes | None:
    """The first *size* bytes of the file at *path* when the kernel has
    the path and the data in memory and *size* is at most
    :data:`MAX_SIZE`, else None (the caller then reads in its executor).
    Never raises."""
    openat2 = _openat2
    if openat2 is None or not 0 <= size <= MAX_SIZE:
        return None
    try:
        name = path.encode(_FS_ENCODING, _FS_ERRORS)  # as os.fsencode
    except ValueError:  # not encodable in the file system's encoding
        return None
    if 0 in name:  # a NUL: C would read a shorter name
        return None
    fd = openat2(_SYS_OPENAT2, _AT_FDCWD, name, _HOW, _HOW_SIZE)
    if fd < 0:
        return None
    try:
        view = _buffer.view[:size]
        if os.preadv(fd, [view], 0, os.RWF_NOWAIT) != size:
            return None
        return bytes(view)
    except OSError:
        return None
    finally:
        os.close(fd)

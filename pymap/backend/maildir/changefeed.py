"""What the kernel reports of changes to a maildir (Linux ``inotify(7)``),
so that a command can end without asking the disk whether another process
changed the folder.

A :class:`FolderFeed` counts the events of one maildir: entries created,
removed or renamed in ``cur/`` and ``new/`` (deliveries, flag changes,
expunges), and ``dovecot-uidlist`` or ``dovecot-keywords`` written or
replaced; other files of the folder (Dovecot's own index files, pymap's
summary cache, lock files) are not counted. The kernel queues an event
before the system call that made the change returns, so a change made
before a command ends is in the queue when the command drains it: a
folder whose count did not move since its last disk probe began is
unchanged, and its in-memory index may be used as it is. So is one whose
count moved by exactly the events of the changes this process made since
(flag renames and expunges, which it counts as it makes them).

One ``inotify`` instance serves a whole backend; it is read only when
asked (:meth:`ChangeFeed.drain`), never blocks, and needs no event loop.
Where there is no ``inotify`` (other systems, or no watches left), or a
watch was removed (the folder was deleted or moved, its file system
unmounted), or the queue overflowed, the feed vouches for nothing and the
folder is probed on disk as before; a folder that is watched and was not
deleted or moved is still there (:attr:`FolderFeed.lost`). The number of
folders watched at once is bounded; the least recently used one gives up
its watches first.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import struct
import sys
import weakref
from collections import OrderedDict
from collections.abc import Iterator

from .keywords import KEYWORDS_FILE
from .uidlist import UIDLIST_FILE

__all__ = ['AVAILABLE', 'ChangeFeed', 'FolderFeed']

#: Folders watched at once (three watches each).
MAX_FOLDERS = 1024

_IN_MODIFY = 0x2
_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_IN_UNMOUNT = 0x2000
_IN_Q_OVERFLOW = 0x4000
_IN_IGNORED = 0x8000
_IN_ONLYDIR = 0x1000000
_ENTRIES = _IN_CREATE | _IN_DELETE | _IN_MOVED_FROM | _IN_MOVED_TO
_SELF = _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR
#: ``cur/`` and ``new/``: every entry counts.
_SUBDIR_MASK = _ENTRIES | _SELF
#: The folder itself: only the files named in :data:`_INDEX_FILES` count.
_FOLDER_MASK = _ENTRIES | _IN_MODIFY | _SELF
_INDEX_FILES = frozenset(os.fsencode(name)
                         for name in (UIDLIST_FILE, KEYWORDS_FILE))
#: The watch is gone: the folder no longer reports anything.
_LOST = _IN_DELETE_SELF | _IN_UNMOUNT | _IN_IGNORED
#: How far an overflow of the kernel's queue moves every count: beyond any
#: number of events of its own changes that this process expects, as the
#: events that overflowed are lost (see ``FolderIndex.absorb_own_events``).
_OVERFLOW_STEP = 1 << 40
_EVENT = struct.Struct('iIII')
_READ_SIZE = 64 * 1024
#: A read this much shorter than asked for had room for another event
#: (at most 16 bytes and a name of 255): it took all that was queued.
_SHORT_READ = _READ_SIZE - 512


class FolderFeed:
    """The events of one maildir: :attr:`count` moves with every one that
    may change its index; :attr:`lost` once the kernel stopped watching
    the folder at its path (it, ``cur/`` or ``new/`` was deleted or
    moved)."""

    __slots__ = ('count', 'lost', 'watches')

    def __init__(self, watches: tuple[int, ...]) -> None:
        self.count = 0
        self.lost = False
        #: The folder's, ``cur/``'s and ``new/``'s watch descriptors.
        self.watches = watches


class ChangeFeed:
    """The backend's ``inotify`` instance and the folders it watches."""

    def __init__(self, max_folders: int = MAX_FOLDERS) -> None:
        self._max_folders = max_folders
        self._fd = _open_instance()
        self._forks = _forks
        self._folders: OrderedDict[str, FolderFeed] = OrderedDict()
        self._by_watch: dict[int, tuple[FolderFeed, bool]] = {}
        # Asking whether events wait costs less than a read that fails.
        self._pending = select.poll()
        if self._fd >= 0:
            self._pending.register(self._fd, select.POLLIN)
            weakref.finalize(self, os.close, self._fd)

    def folder(self, maildir: str) -> FolderFeed | None:
        """The feed of the maildir at path *maildir*, watching it from now
        on; ``None`` when it cannot be watched. Take it before the disk
        probe it is to be compared with."""
        if not self._usable():
            return None
        found = self._folders.get(maildir)
        if found is not None and not found.lost:
            self._folders.move_to_end(maildir)
            return found
        watches = self._watch(maildir)
        if watches is None:
            return None
        feed = self._feed_of(watches)
        self._folders[maildir] = feed
        self._folders.move_to_end(maildir)
        while len(self._folders) > self._max_folders:
            _, oldest = self._folders.popitem(last=False)
            self._forget(oldest)
        return feed

    def _feed_of(self, watches: tuple[int, ...]) -> FolderFeed:
        """The feed of these watches: the kernel gives the same ones for
        the same directories by another path (a symbolic link), and one
        feed then serves both paths."""
        shared = self._by_watch.get(watches[0], (None,))[0]
        if shared is not None and shared.watches == watches \
                and not shared.lost:
            return shared
        feed = FolderFeed(watches)
        for index, watch in enumerate(watches):
            earlier = self._by_watch.get(watch)
            if earlier is not None:  # no longer told of this directory
                earlier[0].lost = True
            self._by_watch[watch] = (feed, index == 0)
        return feed

    def drain(self) -> None:
        """Counts the events the kernel queued so far (never blocks)."""
        if not self._usable() or not self._pending.poll(0):
            return
        while True:
            try:
                data = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                return
            for watch, mask, name in _events(data):
                self._count(watch, mask, name)
            if len(data) < _SHORT_READ:  # the queue was empty then
                return

    def _usable(self) -> bool:
        # A forked child shares the parent's queue: each would take the
        # other's events, so the child watches nothing.
        return self._fd >= 0 and self._forks == _forks

    def _watch(self, maildir: str) -> tuple[int, ...] | None:
        watches: list[int] = []
        for path, mask in ((maildir, _FOLDER_MASK),
                           (maildir + '/cur', _SUBDIR_MASK),
                           (maildir + '/new', _SUBDIR_MASK)):
            watch = _add_watch(self._fd, path, mask)
            if watch < 0:
                for added in watches:
                    if added not in self._by_watch:  # not another's
                        _rm_watch(self._fd, added)
                return None
            watches.append(watch)
        return tuple(watches)

    def _forget(self, feed: FolderFeed) -> None:
        feed.lost = True
        for watch in feed.watches:
            if self._by_watch.get(watch, (None,))[0] is feed:
                self._remove(watch)

    def _remove(self, watch: int) -> None:
        del self._by_watch[watch]
        _rm_watch(self._fd, watch)

    def _count(self, watch: int, mask: int, name: bytes) -> None:
        if mask & _IN_Q_OVERFLOW:
            for feed in self._folders.values():
                feed.count += _OVERFLOW_STEP
            return
        found = self._by_watch.get(watch)
        if found is None:
            return
        feed, is_folder = found
        if mask & _LOST:
            feed.lost = True
        if mask & _IN_IGNORED:  # the kernel removed the watch
            del self._by_watch[watch]
        if not is_folder or not name or name in _INDEX_FILES:
            feed.count += 1
        if mask & _IN_MOVE_SELF:  # the watches follow it away from its path
            self._forget(feed)


def _events(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """``(watch, mask, name)`` of each ``struct inotify_event`` read."""
    offset = 0
    while offset < len(data):
        watch, mask, _, length = _EVENT.unpack_from(data, offset)
        offset += _EVENT.size
        name = data[offset:offset + length].rstrip(b'\0')
        offset += length
        yield watch, mask, name


def _load_libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith('linux'):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p,
                                           ctypes.c_uint32]
        libc.inotify_rm_watch.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return libc


_libc = _load_libc()
#: Whether this platform has ``inotify`` at all.
AVAILABLE = _libc is not None
#: How many times this process was forked into (see ChangeFeed._usable).
_forks = 0


def _forked() -> None:
    global _forks
    _forks += 1


os.register_at_fork(after_in_child=_forked)


def _open_instance() -> int:
    if _libc is None:
        return -1
    fd: int = _libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    return fd


def _add_watch(fd: int, path: str, mask: int) -> int:
    assert _libc is not None
    watch: int = _libc.inotify_add_watch(fd, os.fsencode(path), mask)
    return watch


def _rm_watch(fd: int, watch: int) -> None:
    assert _libc is not None
    with contextlib.suppress(OSError):
        _libc.inotify_rm_watch(fd, watch)

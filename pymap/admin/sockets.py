"""Where the admin service's UNIX socket lives, and who may reach it.

By default each server listens on ``$TMPDIR/pymap/admin-<pid>.sock``, and
``$TMPDIR/pymap/admin.sock`` is a symbolic link to the newest one, which
``pymap-admin`` follows; sockets left by servers that were killed are
swept at start. The directory is mode 0700 and the socket 0600, so only
the server's own user (and root) can connect.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import tempfile
from pathlib import Path

__all__ = ['LINK_NAME', 'SocketFiles', 'bind_unix', 'default_link',
           'socket_dir']

LINK_NAME = 'admin.sock'


def socket_dir() -> Path:
    """The private directory of the default sockets: ``$TMPDIR/pymap``."""
    return Path(tempfile.gettempdir()) / 'pymap'


def default_link() -> Path:
    """The stable link to the newest server's socket."""
    return socket_dir() / LINK_NAME


def _private_dir(path: Path) -> None:
    """Creates *path* mode 0700, or accepts an existing directory only if
    this user owns it (not a symbolic link), tightening its mode."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(f'{path} is not a directory owned by this '
                              'user')
    path.chmod(0o700)


def _clear_stale(path: Path) -> None:
    """Removes a socket file left by a server that is gone; refuses to
    replace a live socket or anything that is not a socket."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(info.st_mode):
        raise FileExistsError(f'{path} exists and is not a socket')
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except ConnectionRefusedError:
            path.unlink()
            return
    raise FileExistsError(f'another server is listening on {path}')


def _sweep(directory: Path) -> None:
    """Removes the sockets of servers that died without cleaning up
    (killed, say); live ones stay."""
    for path in directory.glob('admin-*.sock'):
        with contextlib.suppress(OSError):
            _clear_stale(path)


def bind_unix(path: Path) -> socket.socket:
    """A UNIX socket bound at *path*, mode 0600 before it listens, so no
    other user can ever connect."""
    _clear_stale(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
        path.chmod(0o600)
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    return sock


class SocketFiles:
    """The files of one server's admin socket: the socket, and the stable
    link when it is at the default place.

    Args:
        path: The socket, or None for ``$TMPDIR/pymap/admin-<pid>.sock``
            with the link.
    """

    def __init__(self, path: Path | None) -> None:
        self.link = None if path is not None else default_link()
        self.path = path if path is not None else \
            socket_dir() / f'admin-{os.getpid()}.sock'

    def bind(self) -> socket.socket:
        """Binds the socket (for the default place: in the private
        directory, swept of dead servers' sockets) and points the link at
        it."""
        if self.link is not None:
            _private_dir(self.path.parent)
            _sweep(self.path.parent)
        sock = bind_unix(self.path)
        if self.link is not None:
            staged = self.link.with_name(f'.{LINK_NAME}.{os.getpid()}')
            staged.unlink(missing_ok=True)
            staged.symlink_to(self.path.name)
            staged.replace(self.link)
        return sock

    def remove(self) -> None:
        """Removes the socket, and the link unless a newer server has
        taken it over."""
        self.path.unlink(missing_ok=True)
        if self.link is not None:
            with contextlib.suppress(OSError):
                if os.readlink(self.link) == self.path.name:
                    self.link.unlink()

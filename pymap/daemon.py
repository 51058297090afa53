"""What a long-running server process does besides serving: a pid file,
dropping root privileges after binding, and telling systemd it is ready."""

from __future__ import annotations

import grp
import os
import pwd
import socket
from pathlib import Path

__all__ = ['PidFile', 'drop_privileges', 'notify_systemd']


class PidFile:
    """Writes the process ID to a file, removed again by :meth:`remove`."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def write(self) -> None:
        """Writes this process's ID atomically."""
        temp = self.path.with_name(self.path.name + '.tmp')
        temp.write_text(f'{os.getpid()}\n')
        temp.replace(self.path)

    def remove(self) -> None:
        """Removes the file if it still names this process."""
        try:
            if self.path.read_text().strip() == str(os.getpid()):
                self.path.unlink()
        except OSError:
            pass


def drop_privileges(user: str | None, group: str | None) -> None:
    """Switches to *user* (and *group*, or the user's primary group) once
    the listening sockets are bound. Raises :exc:`PermissionError` unless
    running as root, and :exc:`KeyError` for unknown names."""
    if user is None and group is None:
        return
    if os.geteuid() != 0:
        raise PermissionError('--user/--group need the server to start '
                              'as root.')
    entry = pwd.getpwnam(user) if user else None
    gid = grp.getgrnam(group).gr_gid if group else \
        entry.pw_gid if entry else os.getgid()
    os.setgroups([gid])
    os.setgid(gid)
    if entry is not None:
        os.setuid(entry.pw_uid)


def notify_systemd(state: str) -> bool:
    """Sends *state* (e.g. ``READY=1``) to systemd's notify socket when
    the service runs with ``Type=notify``; returns whether it was sent."""
    address = os.environ.get('NOTIFY_SOCKET')
    if not address:
        return False
    if address.startswith('@'):
        address = '\0' + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.sendto(state.encode('utf-8'), address)
    return True

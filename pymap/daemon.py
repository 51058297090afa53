"""What a long-running server process does besides serving: a pid file,
dropping root privileges after binding, telling systemd it is ready, and
garbage collection suited to many long-lived connections."""

from __future__ import annotations

import gc
import grp
import os
import pwd
import socket
from pathlib import Path

__all__ = ['GC_YOUNG_THRESHOLD', 'PidFile', 'drop_privileges',
           'notify_systemd', 'tune_gc']

#: Net allocations of container objects between collections of the youngest
#: generation (CPython's default is 700).
GC_YOUNG_THRESHOLD = 50_000


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


def tune_gc() -> None:
    """Collects the youngest generation less often. Every change pushed to
    sessions in IDLE (RFC 2177) replaces a few objects per session; with
    the default threshold, collections during the fan-out move them into
    the oldest generation, whose collection, which visits every object of
    every connection, then stalls the server for half a second every few
    changes once ten thousand connections are open."""
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, oldest)

"""The users file: ``user:mailbox_path:password``, one account per line.

The password is the rest of the line after the second colon, so it may
contain colons; it is plain text or hashed with a Dovecot scheme prefix
(:mod:`.passwords`). An empty mailbox path means the user name as a
relative path; relative paths are relative to the base directory (the
users file's directory unless ``--base-dir`` says otherwise) and may not
contain ``..``. Blank lines and lines starting with ``#`` are skipped. A
malformed line is reported with its line number.

:class:`UsersFile` re-reads the file whenever its size, modification time
or inode changes, so accounts can be added without a restart; a broken
edit keeps the previous accounts and is logged.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pymap.executor import run_blocking

from .atomic import write_atomic
from .lock import DotLock
from .passwords import Password, parse_password

__all__ = ['User', 'UsersFile', 'UsersFileError', 'check_name',
           'edit_users', 'parse_users']

_log = logging.getLogger(__name__)


class UsersFileError(ValueError):
    """A line of the users file cannot be used."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f'{source}:{line}: {reason}')
        self.line = line


@dataclass(frozen=True, slots=True)
class User:
    """An account: its name, mail root and password, and a tag that
    changes whenever its line changes."""

    name: str
    root: Path
    password: Password
    etag: str


def _unsafe(text: str) -> bool:
    return any(ord(char) < 0x20 or ord(char) == 0x7f for char in text)


def _root(name: str, path: str, base: Path) -> Path:
    """The user's mail root; :exc:`ValueError` when it could leave the
    base directory."""
    relative = PurePosixPath(path or name)
    if not path and (len(relative.parts) != 1 or name in ('.', '..')):
        raise ValueError('user name is not usable as a directory name')
    if _unsafe(str(relative)):
        raise ValueError('control characters in the mailbox path')
    if not relative.is_absolute() and '..' in relative.parts:
        raise ValueError("'..' in a relative mailbox path")
    return base / relative


def _user(line: str, base: Path) -> User:
    name, _, rest = line.partition(':')
    path, separator, password = rest.partition(':')
    if not separator:
        raise ValueError('expected user:mailbox_path:password')
    check_name(name)
    etag = hashlib.sha256(line.encode('utf-8')).hexdigest()[:16]
    return User(name, _root(name, path, base), parse_password(password),
                etag)


def check_name(name: str) -> None:
    """Raises :exc:`ValueError` for a name the file cannot hold."""
    if not name or name != name.strip() or _unsafe(name) or ':' in name:
        raise ValueError('invalid user name')


def parse_users(text: str, source: str, base: Path) -> dict[str, User]:
    """The accounts of a users file; raises :exc:`UsersFileError`."""
    users: dict[str, User] = {}
    for number, raw in enumerate(text.split('\n'), 1):
        line = raw.removesuffix('\r')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        try:
            user = _user(line, base)
        except ValueError as exc:
            raise UsersFileError(source, number, str(exc)) from None
        if user.name in users:
            raise UsersFileError(source, number,
                                 f'duplicate user {user.name!r}')
        users[user.name] = user
    return users


def _name_of(line: str) -> str | None:
    if not line.strip() or line.lstrip().startswith('#'):
        return None
    return line.partition(':')[0]


def edit_users(path: Path, base: Path, name: str,
               line: str | None) -> None:
    """Replaces the line of user *name* with *line* (appended when the
    user is new, removed when ``None``), keeping every other line, under
    the file's dot-lock and atomically. Raises :exc:`UsersFileError` when
    the result would not load."""
    with DotLock(path):
        lines = _read_text(path).splitlines()
        index = next((number for number, text in enumerate(lines)
                      if _name_of(text.removesuffix('\r')) == name), None)
        if index is None and line is not None:
            lines.append(line)
        elif index is not None and line is None:
            del lines[index]
        elif index is not None and line is not None:
            lines[index] = line
        text = ''.join(text + '\n' for text in lines)
        parse_users(text, str(path), base)
        write_atomic(path, text.encode('utf-8'), fsync=True, beside=True)


def _signature(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _read_text(path: Path) -> str:
    """The file's text; a file that does not exist yet has no lines."""
    try:
        return path.read_bytes().decode('utf-8')
    except FileNotFoundError:
        return ''


def _load(path: Path, base: Path
          ) -> tuple[tuple[int, int, int] | None, dict[str, User]]:
    try:
        signature: tuple[int, int, int] | None = _signature(path)
    except FileNotFoundError:
        signature = None
    return signature, parse_users(_read_text(path), str(path), base)


class UsersFile:
    """The accounts of a users file, reloaded when the file changes.

    Args:
        path: The users file.
        base: Directory of relative mailbox paths.
    """

    def __init__(self, path: Path, base: Path) -> None:
        self.path = path
        self.base = base
        self._signature: tuple[int, int, int] | None = None
        self._users: dict[str, User] = {}

    async def load(self) -> None:
        """Reads the file; raises :exc:`UsersFileError` or
        :exc:`OSError` (used at start-up)."""
        try:
            self._signature, self._users = await run_blocking(
                _load, self.path, self.base)
        except UnicodeDecodeError as exc:
            raise UsersFileError(str(self.path), 0,
                                 'not UTF-8 text') from exc
        if self._signature is None:
            _log.warning('users file %s does not exist yet: no users until '
                         'it is created (pymap-admin user set creates it)',
                         self.path)

    async def users(self) -> dict[str, User]:
        """Every account, after re-reading a changed file."""
        try:
            signature = await run_blocking(_signature, self.path)
        except FileNotFoundError:
            if self._signature is not None:
                _log.error('users file %s is gone; keeping the previous '
                           'users', self.path)
            return self._users
        try:
            if signature != self._signature:
                self._signature = signature
                await self.load()
        except (OSError, ValueError) as exc:
            _log.error('keeping the previous users: %s', exc)
        return self._users

    async def edit(self, name: str, line: str | None) -> None:
        """Changes the line of one user (see :func:`edit_users`) and
        reloads."""
        await run_blocking(edit_users, self.path, self.base, name, line)
        await self.load()

    async def lookup(self, name: str) -> User | None:
        """The account named *name*, after re-reading a changed file."""
        return (await self.users()).get(name)

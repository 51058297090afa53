"""The ``maildir`` backend: a Dovecot-compatible on-disk mail store.

``pymap maildir users.txt`` serves the accounts of a users file (see
:mod:`.users`), each with a maildir root in Dovecot's format
(``mail_location = maildir:PATH``, Maildir++ or ``fs`` layout): Dovecot and
pymap may work on the same files, one after the other or at once.
"""

from __future__ import annotations

from argparse import ArgumentParser, Namespace
from pathlib import Path

from pymap.config import IMAPConfig
from pymap.executor import run_blocking
from pymap.interfaces.backend import Backend, HealthStatus

from .layout import LAYOUTS, MaildirPlusPlus
from .login import MaildirLogin
from .users import UsersFile, UsersFileError
from .userstore import MaildirUsers

__all__ = ['MaildirBackend']


class MaildirBackend:
    """Dovecot-compatible maildir store, with users from a users file."""

    #: Several processes may serve the same maildirs (``--workers``).
    shared_store = True

    def __init__(self, login: MaildirLogin, users: MaildirUsers,
                 users_file: Path) -> None:
        self._login = login
        self._users = users
        self._users_file = users_file

    @property
    def login(self) -> MaildirLogin:
        return self._login

    @property
    def users(self) -> MaildirUsers:
        return self._users

    @classmethod
    def add_arguments(cls, parser: ArgumentParser) -> None:
        parser.add_argument(
            'users_file', metavar='USERS_FILE',
            help='one account per line: user:mailbox_path:password')
        parser.add_argument(
            '--base-dir', metavar='DIR',
            help='directory of relative mailbox paths (default: the '
                 'directory of USERS_FILE)')
        parser.add_argument(
            '--layout', choices=sorted(LAYOUTS), default=MaildirPlusPlus.name,
            help='folder layout, as Dovecot\'s LAYOUT= (default: '
                 '%(default)s)')
        parser.add_argument(
            '--no-fsync', dest='fsync', action='store_false',
            help='do not flush new mail to stable storage (faster, unsafe '
                 'on power loss)')

    @classmethod
    async def open(cls, users_file: Path, base_dir: Path | None = None,
                   layout: str = MaildirPlusPlus.name,
                   fsync: bool = True) -> MaildirBackend:
        """Reads the users file; raises :exc:`~.users.UsersFileError`
        (with the line number) or :exc:`OSError`."""
        base = (base_dir or users_file.parent).absolute()
        users = UsersFile(users_file, base)
        await users.load()
        login = MaildirLogin(users, LAYOUTS[layout], fsync)
        return cls(login, MaildirUsers(users, login), users_file)

    @classmethod
    async def init(cls, args: Namespace, config: IMAPConfig) -> Backend:
        base_dir = Path(args.base_dir) if args.base_dir else None
        try:
            return await cls.open(Path(args.users_file), base_dir,
                                  args.layout, args.fsync)
        except (OSError, UsersFileError) as exc:
            raise SystemExit(f'pymap maildir: {exc}') from exc

    async def health(self) -> HealthStatus:
        """Healthy while the users file is there to be read."""
        try:
            await run_blocking(self._users_file.stat)
        except OSError as exc:
            return HealthStatus(False, f'users file unreadable: {exc}')
        return HealthStatus(True)

    async def close(self) -> None:
        """Nothing to release: every change is already on disk."""

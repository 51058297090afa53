"""The ``dict`` backend: every user's mail in memory, shared by all
connections of the process and gone when it stops."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser, Namespace

from pysasl.creds.server import ServerCredentials
from pysasl.identity import ClearIdentity

from pymap.config import IMAPConfig
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    UserNotFound,
)
from pymap.interfaces.backend import Backend, HealthStatus
from pymap.interfaces.users import UserRecord

from .demodata import load_demo_data
from .store import DictMailboxSet

__all__ = ['DictBackend', 'DictIdentity', 'DictUsers']


class DictIdentity:
    """A dict-backend user."""

    def __init__(self, name: str, mailboxes: DictMailboxSet) -> None:
        self._name = name
        self._mailboxes = mailboxes

    @property
    def name(self) -> str:
        return self._name

    async def mailbox_set(self) -> DictMailboxSet:
        return self._mailboxes


class DictUsers:
    """Users, passwords and mailboxes held in memory: the backend's login
    (RFC 3501 §6.2) and its user store for the admin service."""

    def __init__(self) -> None:
        self._passwords: dict[str, str] = {}
        self._etags: dict[str, str] = {}
        self._mailboxes: dict[str, DictMailboxSet] = {}

    def add_user(self, name: str, password: str) -> DictMailboxSet:
        """Adds a user, or sets a new password; returns the user's
        mailboxes."""
        self._passwords[name] = password
        self._etags[name] = secrets.token_hex(8)
        return self._mailboxes.setdefault(name, DictMailboxSet())

    async def authenticate(self, credentials: ServerCredentials
                           ) -> DictIdentity:
        name = credentials.authcid
        password = self._passwords.get(name)
        identity = ClearIdentity(name, password or '')
        if password is None or credentials.authzid not in ('', name) \
                or not credentials.verify(identity):
            raise AuthenticationFailed()
        return DictIdentity(name, self._mailboxes[name])

    async def list_users(self) -> list[str]:
        return sorted(self._passwords)

    async def get_user(self, name: str) -> UserRecord:
        if name not in self._passwords:
            raise UserNotFound()
        return UserRecord(name, self._etags[name])

    async def set_user(self, name: str, password: str,
                       etag: str | None = None) -> UserRecord:
        if etag is not None and etag != self._etags.get(name, ''):
            raise EntityConflict()
        self.add_user(name, password)
        return await self.get_user(name)

    async def change_password(self, name: str, password: str) -> UserRecord:
        await self.get_user(name)
        self.add_user(name, password)
        return await self.get_user(name)

    async def delete_user(self, name: str) -> None:
        await self.get_user(name)
        del self._passwords[name], self._etags[name], self._mailboxes[name]

    async def mailboxes(self, name: str) -> DictMailboxSet:
        await self.get_user(name)
        return self._mailboxes[name]


class DictBackend:
    """In-memory mail store, optionally filled with demo data."""

    def __init__(self, users: DictUsers) -> None:
        self._users = users

    @property
    def login(self) -> DictUsers:
        return self._users

    @property
    def users(self) -> DictUsers:
        return self._users

    @classmethod
    def add_arguments(cls, parser: ArgumentParser) -> None:
        parser.add_argument('--demo-data', action='store_true',
                            help='load sample mailboxes and messages for '
                                 'the demo user')
        parser.add_argument('--demo-user', default='demouser',
                            metavar='NAME', help='the demo login name')
        parser.add_argument('--demo-password', default='demopass',
                            metavar='PASSWORD',
                            help='the demo login password')

    @classmethod
    async def init(cls, args: Namespace, config: IMAPConfig) -> Backend:
        users = DictUsers()
        mailboxes = users.add_user(args.demo_user, args.demo_password)
        if args.demo_data:
            await load_demo_data(mailboxes)
        return cls(users)

    async def health(self) -> HealthStatus:
        """Always healthy: the mail is in this process's memory."""
        return HealthStatus(True)

    async def close(self) -> None:
        """Nothing to release: the mail goes with the process."""

"""The ``dict`` backend: every user's mail in memory, shared by all
connections of the process and gone when it stops."""

from __future__ import annotations

from argparse import ArgumentParser, Namespace

from pysasl.creds.server import ServerCredentials
from pysasl.identity import ClearIdentity

from pymap.config import IMAPConfig
from pymap.exceptions import AuthenticationFailed

from .demodata import load_demo_data
from .store import DictMailboxSet

__all__ = ['DictBackend', 'DictIdentity', 'DictLogin']


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


class DictLogin:
    """Users and passwords held in memory."""

    def __init__(self) -> None:
        self._passwords: dict[str, str] = {}
        self._mailboxes: dict[str, DictMailboxSet] = {}

    def add_user(self, name: str, password: str) -> DictMailboxSet:
        """Adds (or re-keys) a user; returns the user's mailboxes."""
        self._passwords[name] = password
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


class DictBackend:
    """In-memory mail store, optionally filled with demo data."""

    def __init__(self, login: DictLogin) -> None:
        self._login = login

    @property
    def login(self) -> DictLogin:
        return self._login

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
    async def init(cls, args: Namespace, config: IMAPConfig) -> DictBackend:
        login = DictLogin()
        mailboxes = login.add_user(args.demo_user, args.demo_password)
        if args.demo_data:
            await load_demo_data(mailboxes)
        return cls(login)

    async def close(self) -> None:
        """Nothing to release: the mail goes with the process."""

"""Authentication of maildir users against the users file (RFC 3501
§6.2.2, §6.2.3 through SASL)."""

from __future__ import annotations

import asyncio
import hmac
from pathlib import Path

from pysasl.creds.server import ServerCredentials
from pysasl.exception import AuthenticationError
from pysasl.identity import Identity
from pysasl.prep import saslprep

from pymap.exceptions import AuthenticationFailed
from pymap.executor import run_blocking

from .cache import ContentCache
from .layout import Layout
from .passwords import parse_password
from .store import MaildirMailboxSet
from .users import User, UsersFile

__all__ = ['MaildirIdentity', 'MaildirLogin']


#: Verified instead of a password for unknown users: a well-formed hash
#: that no password produces.
_DECOY = parse_password(
    '{SHA512-CRYPT}$6$pymapdecoysalt$' + 'x' * 86)


def _same(this: str, that: str) -> bool:
    return hmac.compare_digest(saslprep(this).encode('utf-8'),
                               saslprep(that).encode('utf-8'))


class _AccountIdentity(Identity):
    """What SASL verifies credentials against: the account's name and
    stored password, plain or hashed."""

    __slots__ = ['_user']

    def __init__(self, user: User) -> None:
        super().__init__()
        self._user = user

    @property
    def authcid(self) -> str:
        return self._user.name

    def compare_authcid(self, authcid: str) -> bool:
        return _same(self._user.name, authcid)

    def compare_secret(self, secret: str) -> bool:
        clear = self._user.password.clear
        if clear is not None:
            return _same(clear, secret)
        return self._user.password.verify(secret)

    def get_clear_secret(self) -> str | None:
        return self._user.password.clear


class MaildirIdentity:
    """An authenticated maildir user."""

    def __init__(self, login: MaildirLogin, user: User) -> None:
        self._login = login
        self._user = user

    @property
    def name(self) -> str:
        return self._user.name

    async def mailbox_set(self) -> MaildirMailboxSet:
        return await self._login.mailbox_set(self._user.root)


class MaildirLogin:
    """Users from a users file; one mailbox set per mail root, shared by
    the user's sessions.

    Args:
        users: The users file.
        layout: The layout class of every mail root.
        fsync: Whether writes are flushed to stable storage.
    """

    def __init__(self, users: UsersFile, layout: type[Layout],
                 fsync: bool) -> None:
        self._users = users
        self._layout = layout
        self._fsync = fsync
        self._cache = ContentCache()
        self._sets: dict[Path, MaildirMailboxSet] = {}
        self._lock = asyncio.Lock()

    async def authenticate(self, credentials: ServerCredentials
                           ) -> MaildirIdentity:
        user = await self._users.lookup(credentials.authcid)
        # An unknown user costs a hash verification too, so that timing
        # does not tell which users exist.
        checked = user or User(credentials.authcid, Path(), _DECOY, '')
        try:
            verified = await run_blocking(credentials.verify,
                                          _AccountIdentity(checked))
        except AuthenticationError:
            verified = False
        if user is None or not verified \
                or credentials.authzid not in ('', user.name):
            raise AuthenticationFailed()
        return MaildirIdentity(self, user)

    def forget(self, root: Path) -> None:
        """Drops the mailbox set of a deleted mail root."""
        self._sets.pop(root, None)

    async def mailbox_set(self, root: Path) -> MaildirMailboxSet:
        """The mailbox set of a mail root, opened on first use."""
        async with self._lock:
            mailboxes = self._sets.get(root)
            if mailboxes is None:
                mailboxes = await MaildirMailboxSet.open(
                    self._layout(root), self._cache, self._fsync)
                self._sets[root] = mailboxes
            return mailboxes

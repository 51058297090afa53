"""Login (RFC 3501 §6.2.2, §6.2.3) against the records of
:mod:`.records`, and the user store of the admin service. A name that is
no login name (:func:`~.records.is_login_name`) and a record of the wrong
Redis type fail a login as an unknown user does (doc/redis.md, "Command
line")."""

from __future__ import annotations

import hashlib
import logging
import secrets
import string

from pysasl.creds.server import ServerCredentials
from pysasl.exception import MechanismUnusable
from pysasl.identity import ClearIdentity, Identity

from pymap.backend.maildir.passwords import Password, parse_password
from pymap.backend.maildir.shacrypt import sha_crypt
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    NotAllowed,
    UserNotFound,
)
from pymap.executor import run_blocking
from pymap.interfaces.users import UserRecord

from .context import StoreContext
from .errors import guarded
from .purge import mark_pending, purge_user
from .records import LoginRecords, UnreadableRecord, is_login_name
from .store import RedisMailboxSet

__all__ = ['RedisIdentity', 'RedisUsers', 'hash_password']

_log = logging.getLogger(__name__)

_SALT_ALPHABET = string.ascii_letters + string.digits + './'
#: Attempts of a read-modify-write of a record that keeps changing.
_WRITE_ATTEMPTS = 5


def hash_password(password: str) -> str:
    """A new ``{SHA512-CRYPT}`` hash (Dovecot's default scheme) with a
    random salt, for records the admin service writes."""
    salt = ''.join(secrets.choice(_SALT_ALPHABET) for _ in range(16))
    return '{SHA512-CRYPT}' + sha_crypt(password, '$6$' + salt)


def _etag(record: bytes) -> str:
    return hashlib.sha256(record).hexdigest()[:16]


class _HashedIdentity(Identity):
    """A pysasl identity checked against a stored hash; mechanisms that
    need the clear password (CRAM-MD5) cannot use it."""

    __slots__ = ['_name', '_password']

    def __init__(self, name: str, password: Password) -> None:
        self._name = name
        self._password = password

    @property
    def authcid(self) -> str:
        return self._name

    def compare_authcid(self, authcid: str) -> bool:
        return secrets.compare_digest(authcid.encode('utf-8'),
                                      self._name.encode('utf-8'))

    def compare_secret(self, secret: str) -> bool:
        return self._password.verify(secret)

    def get_clear_secret(self) -> None:
        return None


class RedisIdentity:
    """An authenticated user of the redis backend."""

    def __init__(self, name: str, context: StoreContext) -> None:
        self._name = name
        self._context = context

    @property
    def name(self) -> str:
        return self._name

    async def mailbox_set(self) -> RedisMailboxSet:
        return await RedisMailboxSet.open(self._context,
                                          self._context.keys.user(self.name))


class RedisUsers:
    """The backend's login and its user store for the admin service."""

    def __init__(self, context: StoreContext, records: LoginRecords) -> None:
        self._context = context
        self._records = records

    async def _password(self, name: str) -> Password | None:
        """The password of *name*'s record; ``None`` when there is none or
        it is unusable (malformed, of the wrong Redis type: one warning,
        never the record)."""
        try:
            record = await self._records.read(name)
            if record is None:
                return None
            return parse_password(self._records.password_of(record))
        except (ValueError, UnicodeDecodeError) as exc:
            _log.warning('unusable login record for %r: %s', name, exc)
            return None

    @guarded
    async def authenticate(self, credentials: ServerCredentials
                           ) -> RedisIdentity:
        name = credentials.authcid
        password = await self._password(name) \
            if credentials.authzid in ('', name) else None
        if password is None or not await _verify(credentials, name,
                                                 password):
            raise AuthenticationFailed()
        return RedisIdentity(name, self._context)

    @guarded
    async def list_users(self) -> list[str]:
        return await self._records.names()

    @guarded
    async def get_user(self, name: str) -> UserRecord:
        try:
            record = await self._records.read(name)
        except UnreadableRecord as exc:
            raise UserNotFound() from exc
        if record is None:
            raise UserNotFound()
        return UserRecord(name, _etag(record))

    @guarded
    async def set_user(self, name: str, password: str,
                       etag: str | None = None) -> UserRecord:
        """Refuses a name that is no login name
        (:func:`~.records.is_login_name`)."""
        if not is_login_name(name):
            raise NotAllowed('Invalid user name: it may not contain '
                             '{ or }.')
        return await self._write(name, password, etag, must_exist=False)

    @guarded
    async def change_password(self, name: str, password: str) -> UserRecord:
        return await self._write(name, password, None, must_exist=True)

    async def _write(self, name: str, password: str, etag: str | None,
                     must_exist: bool) -> UserRecord:
        """Read, modify, compare-and-set: retried while others write,
        unless the caller asked for the record it had read (*etag*)."""
        hashed = await run_blocking(hash_password, password)
        for _ in range(_WRITE_ATTEMPTS):
            try:
                old = await self._records.read(name)
            except UnreadableRecord as exc:
                if must_exist:
                    raise UserNotFound() from exc
                raise NotAllowed('The key of this user\'s login record '
                                 'holds another type of value.') from exc
            if must_exist and old is None:
                raise UserNotFound()
            if etag is not None and etag != (
                    _etag(old) if old is not None else ''):
                raise EntityConflict()
            new = self._records.with_password(old, hashed)
            if await self._records.write(name, old, new):
                return UserRecord(name, _etag(new))
        raise EntityConflict()

    @guarded
    async def delete_user(self, name: str) -> None:
        """Removes the login record first (no new sessions), then every
        mailbox in one step, then the messages (:mod:`.purge`)."""
        await self.get_user(name)
        await self._records.delete(name)
        keys = self._context.keys.user(name)
        await mark_pending(self._context, keys)
        await self._context.scripts.drop_user(
            self._context.client,
            [keys.mailboxes, keys.subscriptions, keys.trash],
            [keys.base, self._context.notifier.route])
        self._context.snapshots.gone(keys.base)
        self._context.names.changed(keys.base)
        await purge_user(self._context, keys)

    @guarded
    async def mailboxes(self, name: str) -> RedisMailboxSet:
        await self.get_user(name)
        return await RedisMailboxSet.open(self._context,
                                          self._context.keys.user(name))


async def _verify(credentials: ServerCredentials, name: str,
                  password: Password) -> bool:
    """Checks the credentials; hashes are verified off the event loop."""
    try:
        if password.clear is not None:
            return credentials.verify(ClearIdentity(name, password.clear))
        return await run_blocking(credentials.verify,
                                  _HashedIdentity(name, password))
    except MechanismUnusable:
        return False

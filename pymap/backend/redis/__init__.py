"""The ``redis`` backend: mail in Redis or Redis Cluster, shared by any
number of stateless pymap processes (doc/redis.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from argparse import ArgumentParser, ArgumentTypeError, Namespace
from collections.abc import Callable
from dataclasses import dataclass, field

from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend, HealthStatus

from .connection import ConnectionSettings, RedisClient, connect
from .context import StoreContext
from .errors import UNAVAILABLE
from .keys import GlobalKeys, validate_prefix
from .namecache import NameCache
from .notify import Notifier
from .purge import purge_pending
from .records import LoginRecords, LoginSettings
from .scripts import Scripts
from .snapshotcache import SnapshotCache
from .users import RedisUsers

__all__ = ['RedisBackend', 'RedisSettings']

_log = logging.getLogger(__name__)

#: Seconds a health check waits for PING.
_HEALTH_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class RedisSettings:
    """Everything ``pymap redis`` is told on its command line."""

    connection: ConnectionSettings = field(
        default_factory=ConnectionSettings)
    prefix: str = ''
    login: LoginSettings = field(default_factory=LoginSettings)

    @classmethod
    def from_args(cls, args: Namespace) -> RedisSettings:
        """The settings of parsed ``pymap redis`` arguments."""
        return cls(ConnectionSettings.from_url(args.url, args.cluster),
                   args.prefix,
                   LoginSettings(args.users_hash, args.users_key,
                                 args.users_json))


def _prefix(text: str) -> str:
    try:
        return validate_prefix(text)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from exc


def _login_option(settings: Callable[[str], LoginSettings]
                  ) -> Callable[[str], str]:
    """The argument type of a login option: *settings* makes the
    :class:`LoginSettings` that hold it, which check it."""
    def checked(text: str) -> str:
        try:
            settings(text)
        except ValueError as exc:
            raise ArgumentTypeError(str(exc)) from exc
        return text
    return checked


class RedisBackend:
    """Mail in Redis or Redis Cluster, shared by many processes."""

    #: Several processes may serve the same store (``--workers``).
    shared_store = True

    def __init__(self, context: StoreContext, users: RedisUsers,
                 purging: asyncio.Task[None]) -> None:
        self._context = context
        self._users = users
        self._purging = purging

    @property
    def login(self) -> RedisUsers:
        return self._users

    @property
    def users(self) -> RedisUsers:
        return self._users

    @property
    def context(self) -> StoreContext:
        """What every mailbox of the process shares: the client, the
        scripts, the change listener and the caches."""
        return self._context

    @property
    def client(self) -> RedisClient:
        """The process's one Redis client."""
        return self._context.client

    @property
    def keys(self) -> GlobalKeys:
        """The key layout under this backend's prefix."""
        return self._context.keys

    @classmethod
    def add_arguments(cls, parser: ArgumentParser) -> None:
        parser.add_argument('url', nargs='?',
                            default='redis://localhost:6379/0',
                            help='the Redis URL; redis+cluster:// for a '
                                 'cluster (default: %(default)s)')
        parser.add_argument('--prefix', default='', type=_prefix,
                            help='namespace put in front of every key')
        parser.add_argument('--cluster', action='store_true',
                            help='the URL is a node of a Redis Cluster')
        where = parser.add_mutually_exclusive_group()
        where.add_argument('--users-hash', metavar='NAME',
                           type=_login_option(
                               lambda name: LoginSettings(users_hash=name)),
                           help='logins are the fields of this hash')
        where.add_argument('--users-key', metavar='TEMPLATE',
                           type=_login_option(
                               lambda key: LoginSettings(users_key=key)),
                           help="login keys, e.g. 'users:{name}'")
        parser.add_argument('--users-json', action='store_true',
                            help='login records are JSON objects with a '
                                 '"password" field')

    @classmethod
    async def init(cls, args: Namespace, config: IMAPConfig) -> Backend:
        return await cls.open(RedisSettings.from_args(args))

    @classmethod
    async def open(cls, settings: RedisSettings) -> RedisBackend:
        """Starts the backend; Redis need not be up yet."""
        client = connect(settings.connection)
        keys = GlobalKeys(settings.prefix)
        snapshots, names = SnapshotCache(), NameCache()
        notifier = Notifier(settings.connection, client, keys.channel,
                            snapshots, names)
        context = StoreContext(client, Scripts(), notifier, snapshots, names,
                               keys)
        records = LoginRecords(client, context.scripts, settings.prefix,
                               settings.login)
        notifier.start()
        purging = asyncio.create_task(purge_pending(context),
                                      name='redis-purge')
        return cls(context, RedisUsers(context, records), purging)

    async def health(self) -> HealthStatus:
        """Checks Redis with PING, and that the change notifications are
        subscribed, for the admin service."""
        try:
            async with asyncio.timeout(_HEALTH_TIMEOUT):
                await self.client.ping()
        except UNAVAILABLE as exc:
            return HealthStatus(False, f'redis unreachable: {exc}')
        if not await self._context.notifier.subscribed(_HEALTH_TIMEOUT):
            return HealthStatus(False, 'change notifications not '
                                       'subscribed')
        return HealthStatus(True)

    async def close(self) -> None:
        """Stops the listener and closes the client."""
        self._purging.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._purging
        await self._context.notifier.close()
        await self.client.aclose()

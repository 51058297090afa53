"""The process's one Redis client (standalone or Cluster) and the single
extra connection its pub/sub listener uses (doc/redis.md, "Connections").

A standalone Redis is reached through one pipelined connection
(:mod:`.wire`) behind redis-py's command API; a cluster through redis-py's
cluster client and its pools.

Commands are not retried by the client: a command that fails because Redis
is away fails fast and becomes ``NO [UNAVAILABLE]``, and never runs twice
(an APPEND retried after a lost reply would store the message twice).
A lost connection is replaced on its next use.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from inspect import signature
from typing import Any, TypeAlias, TypeGuard

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.client import EMPTY_RESPONSE, NEVER_DECODE
from redis.exceptions import ResponseError

from .dialer import Dialer, SharedConnection

__all__ = ['Arg', 'ConnectionSettings', 'RedisClient', 'as_bytes', 'as_text',
           'call_after', 'connect', 'is_cluster', 'node_addresses']

#: Either kind of client: both offer the commands the backend uses.
RedisClient: TypeAlias = Redis | RedisCluster
#: One argument of a command.
Arg = str | bytes | int

def as_bytes(value: bytes | str) -> bytes:
    """A reply as bytes (the clients never decode replies)."""
    return value if isinstance(value, bytes) else value.encode('utf-8')


def as_text(value: bytes | str) -> str:
    """A reply holding UTF-8 text (names, ids) as a string."""
    return value.decode('utf-8') if isinstance(value, bytes) else value


_CLUSTER_SCHEMES = {'redis+cluster': 'redis', 'rediss+cluster': 'rediss'}


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Where Redis is and how to talk to it.

    Attributes:
        url: A ``redis://``, ``rediss://`` or ``unix://`` URL.
        cluster: Talk to a Redis Cluster through *url*'s node.
        max_connections: The pool size of each cluster node.
        connect_timeout: Seconds to wait for a connection.
        command_timeout: Seconds to wait for a reply.
    """

    url: str = 'redis://localhost:6379/0'
    cluster: bool = False
    max_connections: int = 64
    connect_timeout: float = 2.0
    command_timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, cluster: bool = False,
                 **options: Any) -> ConnectionSettings:
        """Settings for *url*; a ``redis+cluster://`` (or
        ``rediss+cluster://``) URL implies *cluster*."""
        scheme, sep, rest = url.partition('://')
        if sep and scheme in _CLUSTER_SCHEMES:
            return cls(f'{_CLUSTER_SCHEMES[scheme]}://{rest}', True,
                       **options)
        return cls(url, cluster, **options)

    def dialer(self) -> Dialer:
        """Opens connections of our own (:mod:`.wire`) to the URL."""
        return Dialer(self.url, self.connect_timeout, self.command_timeout)

    def client_options(self) -> dict[str, Any]:
        """Timeouts and the no-retry policy, for every client."""
        return {'socket_connect_timeout': self.connect_timeout,
                'socket_timeout': self.command_timeout,
                'retry': Retry(NoBackoff(), 0)}


def _pool_options(cls: Callable[..., object]) -> dict[str, Any]:
    """redis-py 7 and later skip the pool's check for connections that
    died while idle (e.g. across a Redis restart) whenever "maintenance
    notifications" (a Redis Enterprise feature) are on, and their default,
    "auto", counts as on. They are of no use here: turn them off where
    *cls* has them."""
    if 'maint_notifications_config' not in signature(cls).parameters:
        return {}
    from redis.maint_notifications import MaintNotificationsConfig
    return {'maint_notifications_config':
            MaintNotificationsConfig(enabled=False)}


class SharedConnectionRedis(Redis):
    """redis-py's command API with every command sent down the process's
    :class:`~.wire.SharedConnection`. Replies are converted by redis-py's
    own response callbacks, so each command returns what it returns from
    :class:`~redis.asyncio.Redis`.

    Args:
        settings: How to reach Redis (not a cluster).
    """

    def __init__(self, settings: ConnectionSettings) -> None:
        # The pool is never used for commands; it is kept for anything of
        # redis-py that asks for a connection of its own (pub/sub). Its
        # protocol picks the response callbacks: those for RESP2 replies,
        # which is what the shared connection speaks.
        super().__init__(connection_pool=ConnectionPool.from_url(
            settings.url, protocol=2, **settings.client_options(),
            **_pool_options(ConnectionPool)))
        self.auto_close_connection_pool = True
        self._shared = SharedConnection(settings.dialer())

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        """Runs one command on the shared connection. A command name of
        two words (``SCRIPT LOAD``) is sent as two arguments."""
        name = args[0]
        words = name.split() if ' ' in name else (name,)
        try:
            reply = await self._shared.call(*words, *args[1:])
        except ResponseError:
            if EMPTY_RESPONSE in options:
                return options[EMPTY_RESPONSE]
            raise
        callback = self.response_callbacks.get(args[0])
        if callback is None:
            return reply
        for option in ('keys', EMPTY_RESPONSE, NEVER_DECODE):
            options.pop(option, None)
        return callback(reply, **options)

    async def call_all(self, commands: Sequence[Sequence[object]]
                       ) -> list[Any]:
        """Runs commands back to back on the shared connection, in one
        round trip, and returns their replies as hiredis parsed them (see
        :meth:`~.wire.Wire.call_all`)."""
        return await self._shared.call_all(commands)

    async def aclose(self, close_connection_pool: bool | None = None
                     ) -> None:
        """Closes the shared connection (and the unused pool)."""
        self._shared.close()
        await super().aclose(close_connection_pool)


def connect(settings: ConnectionSettings) -> RedisClient:
    """The process's client, connecting lazily."""
    if settings.cluster:
        return RedisCluster.from_url(
            settings.url, max_connections=settings.max_connections,
            **settings.client_options(), **_pool_options(RedisCluster))
    return SharedConnectionRedis(settings)


async def call_after(client: RedisClient,
                     before: Sequence[Sequence[Arg]],
                     command: Sequence[Arg]) -> Any:
    """Runs the commands *before*, then *command*, and returns the reply
    to *command*. The shared connection sends them all in one round trip;
    other clients send *before* as one pipeline first.

    Raises:
        RedisError: The first error reply.
    """
    if isinstance(client, SharedConnectionRedis):
        return (await client.call_all([*before, command]))[-1]
    if before:
        async with client.pipeline(transaction=False) as pipe:
            for args in before:
                pipe.execute_command(*args)
            await pipe.execute()
    return await client.execute_command(*command)


def is_cluster(client: RedisClient) -> TypeGuard[RedisCluster]:
    """Whether *client* talks to a Redis Cluster."""
    return isinstance(client, RedisCluster)


def node_addresses(client: RedisClient) -> list[tuple[str, int]]:
    """The cluster nodes known to *client*, shuffled, for the pub/sub
    listener to try in turn (classic pub/sub reaches every node)."""
    if not is_cluster(client):
        return []
    nodes = [(node.host, int(node.port)) for node in client.get_nodes()]
    random.shuffle(nodes)
    return nodes

"""The process's one Redis client (standalone or Cluster) and the single
extra connection its pub/sub listener uses (doc/redis.md, "Connections").

Commands are not retried by the client: a command that fails because Redis
is away fails fast and becomes ``NO [UNAVAILABLE]``, and never runs twice
(an APPEND retried after a lost reply would store the message twice).
Dead pooled connections are replaced on their next use.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from inspect import signature
from typing import Any

from redis.asyncio import BlockingConnectionPool, ConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import parse_url
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

__all__ = ['ConnectionSettings', 'RedisClient', 'as_bytes', 'as_text',
           'connect', 'connect_node', 'node_addresses']

#: Either kind of client: both offer the commands the backend uses.
RedisClient = Redis | RedisCluster

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
        max_connections: The pool's size (per cluster node).
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


def connect(settings: ConnectionSettings) -> RedisClient:
    """The process's client: one bounded pool, connecting lazily."""
    if settings.cluster:
        return RedisCluster.from_url(
            settings.url, max_connections=settings.max_connections,
            **settings.client_options(), **_pool_options(RedisCluster))
    pool = BlockingConnectionPool.from_url(
        settings.url, max_connections=settings.max_connections,
        timeout=settings.connect_timeout, health_check_interval=30,
        **settings.client_options(), **_pool_options(ConnectionPool))
    return Redis.from_pool(pool)


def node_addresses(client: RedisClient) -> list[tuple[str, int]]:
    """The cluster nodes known to *client*, shuffled, for the pub/sub
    listener to try in turn (classic pub/sub reaches every node)."""
    if not isinstance(client, RedisCluster):
        return []
    nodes = [(node.host, int(node.port)) for node in client.get_nodes()]
    random.shuffle(nodes)
    return nodes


def connect_node(settings: ConnectionSettings,
                 address: tuple[str, int] | None) -> Redis:
    """A small client for pub/sub: to *settings*' URL, or to the cluster
    node at *address* with the URL's credentials."""
    options = settings.client_options() | {'health_check_interval': 5}
    if address is None:
        return Redis.from_url(settings.url, **options)
    params: dict[str, Any] = {
        key: value for key, value in parse_url(settings.url).items()
        if key not in ('host', 'port', 'db', 'path')}
    return Redis(host=address[0], port=address[1], **params, **options)

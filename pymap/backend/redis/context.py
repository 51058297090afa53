"""What every mailbox and mailbox set of one process shares: the one
client (and so the one connection pool), the scripts, the notification
listener and the snapshot cache."""

from __future__ import annotations

from dataclasses import dataclass

from .connection import RedisClient
from .keys import GlobalKeys
from .notify import Notifier
from .scripts import Scripts
from .snapshots import SnapshotCache

__all__ = ['StoreContext']


@dataclass(frozen=True, slots=True)
class StoreContext:
    """The process-wide parts of the store."""

    client: RedisClient
    scripts: Scripts
    notifier: Notifier
    snapshots: SnapshotCache
    keys: GlobalKeys

"""What every mailbox and mailbox set of one process shares: the one
client (and so the one command connection), the scripts, the notification
listener, the snapshot and name caches, the summary cache and the claims
of ``\\Recent`` under way."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..summarycache import SummaryCache
from .claims import RecentClaims
from .connection import RedisClient
from .keys import GlobalKeys
from .namecache import NameCache
from .notify import Notifier
from .scripts import Scripts
from .snapshotcache import SnapshotCache

__all__ = ['StoreContext']


@dataclass(frozen=True, slots=True)
class StoreContext:
    """The process-wide parts of the store."""

    client: RedisClient
    scripts: Scripts
    notifier: Notifier
    snapshots: SnapshotCache
    names: NameCache
    keys: GlobalKeys
    #: Message summaries by content digest (see
    #: :class:`~pymap.interfaces.storage.SummaryLoader`).
    summaries: SummaryCache[str] = field(default_factory=SummaryCache)
    #: The \\Recent claims under way.
    claims: RecentClaims = field(default_factory=RecentClaims)

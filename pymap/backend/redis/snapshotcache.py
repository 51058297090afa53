"""The latest snapshot of each recently used mailbox, shared by all sessions
of the process, and the rule that says when one may be used without asking
Redis (doc/redis.md, "Snapshots").

Every round trip that reads a mailbox's state (``snapshot.lua``, and every
change script, which answers with the state after its change) goes through
a :class:`Reading`, and its result is cached. A cached snapshot is *fresh*,
usable without a round trip, while all of these hold:

* the process's pub/sub listener (:mod:`.notify`) was subscribed when the
  reading began, and has stayed subscribed since: each (re)subscription
  and each loss of the subscription starts a new *epoch*, and a snapshot
  is trusted only in the epoch its reading began in;
* no announcement heard since, and no other reading, showed a MODSEQ or a
  ``\\Recent`` mark beyond the snapshot's: the cache keeps, per mailbox it
  holds or is reading, the highest of each it knows to be committed;
* it is at most :data:`TRUST_SECONDS` old, which bounds the damage if the
  subscription ever dies without notice (or a Redis Cluster bus drops a
  message).

A change committed by another process is therefore seen once its
announcement arrives, typically well under a millisecond later; a change
made by this process is in the cache as soon as its script answered.
"""

from __future__ import annotations

import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NamedTuple

from pymap.interfaces.storage import MailboxSnapshot

from .snapshots import HEAD_ONLY, Described, Head, described, head_only

__all__ = ['Reading', 'SnapshotCache']

#: Cached snapshots are dropped, least recently used first, beyond this
#: many messages in all.
MAX_CACHED_MESSAGES = 500_000
#: The longest a cached snapshot is trusted without a round trip.
TRUST_SECONDS = 1.0
#: Starts the announcement of a raised \Recent mark (claim_recent.lua).
_RECENT = 'recent:'
#: The announcement of a deleted mailbox (delete.lua, drop_user.lua).
_DELETED = 'deleted'
#: A MODSEQ no snapshot reaches: the mailbox is gone.
_GONE = sys.maxsize


@dataclass(slots=True)
class _Known:
    """The highest MODSEQ and \\Recent mark known to be committed."""

    modseq: int = -1
    recent: int = -1

    def learn(self, state: Described | Head) -> None:
        self.modseq = max(self.modseq, state.modseq)
        self.recent = max(self.recent, state.recent_uid)

    def covered_by(self, state: Described) -> bool:
        return state.modseq >= self.modseq \
            and state.recent_uid >= self.recent


class _Entry(NamedTuple):
    state: Described
    #: The listener's epoch when the reading began; None: not subscribed.
    epoch: int | None
    #: When the reading began (:func:`time.monotonic`).
    since: float


class Reading:
    """One round trip that reads the state of the mailbox *namespace*,
    relative to the snapshot the process already has (see
    :meth:`SnapshotCache.reading`); registered with the cache from its
    ``with`` block's start to its end."""

    __slots__ = ('_cache', '_cached', '_epoch', '_namespace', '_since')

    def __init__(self, cache: SnapshotCache, namespace: str) -> None:
        self._cache = cache
        self._namespace = namespace
        self._cached: Described | None = None
        self._epoch: int | None = None
        self._since = 0.0

    def __enter__(self) -> Reading:
        self._cached, self._epoch = self._cache.began(self._namespace)
        self._since = time.monotonic()
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._cache.ended(self._namespace)

    @property
    def relative_to(self) -> list[int]:
        """The MODSEQ and UIDVALIDITY the scripts describe changes from,
        or -1 and -1 for a full description."""
        cached = self._cached
        return [-1, -1] if cached is None \
            else [cached.modseq, cached.uid_validity]

    @property
    def relative_to_cached(self) -> Sequence[int | str]:
        """:attr:`relative_to` for a change whose caller needs no
        snapshot (an APPEND, a COPY's target): with no state cached, the
        script describes the head alone and nothing is cached, so that
        changes to a mailbox no session here reads cost no description,
        however many messages it holds."""
        if self._cached is None:
            return [HEAD_ONLY, -1]
        return self.relative_to

    def done(self, reply: list[Any]) -> Described:
        """The state a description (_lib.lua ``describe``) gives, now
        cached; its snapshot is built when first asked for."""
        state = described(reply, self._cached)
        self._cache.put(self._namespace, state, self._epoch, self._since)
        return state

    def changed(self, reply: list[Any]) -> Head:
        """The head of the description a change script answered with,
        its state cached as by :meth:`done` unless it is the head alone
        (see :attr:`relative_to_cached`)."""
        head = head_only(reply)
        if head is None:
            return self.done(reply).head
        self._cache.learned_head(self._namespace, head)
        return head


class SnapshotCache:
    """Snapshots are immutable values; see the module's docstring for when
    one is :meth:`fresh`."""

    def __init__(self, max_messages: int = MAX_CACHED_MESSAGES,
                 trust_seconds: float = TRUST_SECONDS) -> None:
        self._max_messages = max_messages
        self._trust_seconds = trust_seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._messages = 0
        #: For every mailbox with an entry or a reading under way.
        self._known: dict[str, _Known] = {}
        self._readers: dict[str, int] = {}
        #: Per mailbox, what to call once no reading of it is under way.
        self._after: dict[str, list[Callable[[], None]]] = {}
        self._epoch = 0
        self._subscribed = False

    def fresh(self, namespace: str) -> MailboxSnapshot | None:
        """The cached snapshot of the mailbox, if it may be used as the
        current state without a round trip."""
        entry = self._entries.get(namespace)
        # Readings begun while not subscribed carry no epoch, and losing
        # the subscription starts a new one: equal epochs mean subscribed.
        if entry is None or entry.epoch != self._epoch \
                or time.monotonic() - entry.since > self._trust_seconds \
                or not self._known[namespace].covered_by(entry.state):
            return None
        self._entries.move_to_end(namespace)
        return entry.state.snapshot()

    def reading(self, namespace: str) -> Reading:
        """A round trip reading the mailbox's state, to run in its ``with``
        block, so that the announcements heard meanwhile count against its
        result."""
        return Reading(self, namespace)

    def began(self, namespace: str) -> tuple[Described | None, int | None]:
        """Registers a reading of the mailbox (:meth:`Reading.__enter__`);
        the cached state it reads relative to, and the listener's epoch."""
        readers = self._readers
        readers[namespace] = readers.get(namespace, 0) + 1
        if namespace not in self._known:
            self._known[namespace] = _Known()
        entry = self._entries.get(namespace)
        return (None if entry is None else entry.state,
                self._epoch if self._subscribed else None)

    def ended(self, namespace: str) -> None:
        """A reading of the mailbox is over (:meth:`Reading.__exit__`)."""
        left = self._readers.pop(namespace) - 1
        if left:
            self._readers[namespace] = left
        else:
            self._forget(namespace)
            for callback in self._after.pop(namespace, ()):
                callback()

    def after_readings(self, namespace: str,
                       callback: Callable[[], None]) -> bool:
        """Whether a reading of the mailbox is under way in this process;
        if so, *callback* is called once none is."""
        if namespace not in self._readers:
            return False
        self._after.setdefault(namespace, []).append(callback)
        return True

    def put(self, namespace: str, state: Described,
            epoch: int | None, since: float) -> None:
        """Keeps the result of a reading begun in *epoch* at *since*
        (from within :meth:`reading`), unless a newer one came back
        first."""
        self._known[namespace].learn(state)
        old = self._entries.get(namespace)
        if old is not None and old.state.modseq > state.modseq:
            return
        self._remove(namespace)
        self._entries[namespace] = _Entry(state, epoch, since)
        self._messages += state.size
        while self._messages > self._max_messages and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            self._remove(oldest)
            self._forget(oldest)

    def claimed(self, namespace: str, mark: int) -> None:
        """This process raised the mailbox's \\Recent mark to *mark*."""
        known = self._known.get(namespace)
        if known is None:
            return
        known.recent = max(known.recent, mark)
        entry = self._entries.get(namespace)
        if entry is not None and entry.state.recent_uid < mark \
                < entry.state.next_uid:
            head = entry.state.head._replace(recent_uid=mark)
            self._entries[namespace] = entry._replace(
                state=entry.state.then(head, None))

    def gone(self, prefix: str) -> None:
        """The mailboxes whose namespaces start with *prefix* (one
        mailbox's, or a user's) were deleted."""
        for namespace in [name for name in self._known
                          if name.startswith(prefix)]:
            self._known[namespace].modseq = _GONE
            self._remove(namespace)
            self._forget(namespace)

    # -- the listener --------------------------------------------------

    def subscribed(self) -> None:
        """The listener (re)subscribed: earlier snapshots may have missed
        announcements."""
        self._epoch += 1
        self._subscribed = True

    def unsubscribed(self) -> None:
        """The listener lost its subscription (or stopped)."""
        self._epoch += 1
        self._subscribed = False

    def announced(self, namespace: str, what: str) -> bool:
        """Takes note of an announcement ``<namespace> <what>`` (_lib.lua
        ``announce``); whether the mailbox's messages changed."""
        if what.startswith(_RECENT):
            mark = what.removeprefix(_RECENT)
            known = self._known.get(namespace)
            if known is not None and mark.isdecimal():
                known.recent = max(known.recent, int(mark))
            return False
        if what.isdecimal():
            self.learned(namespace, int(what))
        elif what == _DELETED and namespace:
            self.gone(namespace)
        return True

    def learned_head(self, namespace: str, head: Head) -> None:
        """A change of this process left the mailbox with *head*."""
        known = self._known.get(namespace)
        if known is not None:
            known.learn(head)

    def learned(self, namespace: str, modseq: int) -> None:
        """The mailbox reached *modseq*, by announcement or by a read."""
        known = self._known.get(namespace)
        if known is not None and modseq > known.modseq:
            known.modseq = modseq

    def _remove(self, namespace: str) -> None:
        old = self._entries.pop(namespace, None)
        if old is not None:
            self._messages -= old.state.size

    def _forget(self, namespace: str) -> None:
        """Stops tracking a mailbox with neither an entry nor a reading."""
        if namespace not in self._entries \
                and namespace not in self._readers:
            self._known.pop(namespace, None)

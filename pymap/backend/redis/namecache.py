"""The ids of recently used mailbox names, shared by all sessions of the
process, and the rule that says when one may be used without asking Redis
(doc/redis.md, "Mailbox names").

A name's id changes only when a script moves or removes the name:
``rename.lua``, ``delete.lua`` and ``drop_user.lua`` announce
``<user base> names`` in the same atomic step. ``create.lua`` cannot change
the id of a name that has one, and names without an id (``\\Noselect``
parents) are never cached. So a cached id is *fresh*, usable without a
round trip, while all of these hold:

* the process's pub/sub listener was subscribed when the id was read and
  has stayed subscribed since (losing or regaining the subscription
  empties the cache);
* no ``names`` announcement of the user was heard since the read began
  (one empties the user's part of the cache, and spoils the readings under
  way);
* it is at most :data:`~.snapshotcache.TRUST_SECONDS` old, as for
  snapshots.

An id that went stale all the same names a deleted mailbox at worst, and
every script finds a deleted mailbox gone.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from .snapshotcache import TRUST_SECONDS

__all__ = ['NameCache']

#: Users whose names are cached, least recently used dropped first.
MAX_CACHED_USERS = 10_000
#: The announcement that a user's mailbox names moved.
NAMES = 'names'


class NameCache:
    """Mailbox ids by user key prefix and mailbox name."""

    def __init__(self, max_users: int = MAX_CACHED_USERS,
                 trust_seconds: float = TRUST_SECONDS) -> None:
        self._max_users = max_users
        self._trust_seconds = trust_seconds
        self._users: OrderedDict[str, dict[str, tuple[str, float]]] = \
            OrderedDict()
        #: Moves on at every announcement and every change of the
        #: subscription; a reading keeps its result only if it did not.
        self._clock = 0
        self._subscribed = False

    def fresh(self, user: str, name: str) -> str | None:
        """The cached id of the mailbox *name* of *user*, if it may be
        used without a round trip."""
        names = self._users.get(user)
        found = None if names is None else names.get(name)
        if found is None \
                or time.monotonic() - found[1] > self._trust_seconds:
            return None
        self._users.move_to_end(user)
        return found[0]

    def reading(self) -> tuple[int, float]:
        """Call before reading an id; pass the result to :meth:`put`."""
        return self._clock, time.monotonic()

    def put(self, began: tuple[int, float], user: str, name: str,
            mailbox_id: str) -> None:
        """Keeps an id read since :meth:`reading` returned *began*, unless
        something it cannot vouch for happened meanwhile."""
        if began[0] != self._clock or not self._subscribed:
            return
        names = self._users.get(user)
        if names is None:
            names = self._users[user] = {}
            if len(self._users) > self._max_users:
                self._users.popitem(last=False)
        names[name] = (mailbox_id, began[1])

    def changed(self, user: str) -> None:
        """The names of *user* moved (announced, or done here)."""
        self._clock += 1
        self._users.pop(user, None)

    def subscribed(self) -> None:
        """The listener (re)subscribed."""
        self._reset(True)

    def unsubscribed(self) -> None:
        """The listener lost its subscription (or stopped)."""
        self._reset(False)

    def _reset(self, subscribed: bool) -> None:
        self._clock += 1
        self._users.clear()
        self._subscribed = subscribed

"""Mailbox snapshots built from the reply of ``snapshot.lua``, and the
process-wide cache that makes an unchanged mailbox cost one small reply
(doc/redis.md, "Snapshots").

A reply is ``same`` (the cached snapshot still holds), ``delta`` (the
change log covers every MODSEQ since the cached one: the touched UIDs and
their flags now, ``nil`` for expunged) or ``full`` (every UID and its
flags, when there is no usable cached snapshot or the log was trimmed past
it). Each snapshot also carries a :class:`~pymap.interfaces.storage.ChangeLog`
grown from the deltas this process read, so that a session whose view is a
few snapshots behind compares only the touched messages.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from pymap.interfaces.storage import ChangeLog, FlagSet, MailboxSnapshot

__all__ = ['SnapshotCache', 'parse_flags', 'render_flags',
           'snapshot_from_reply']

#: Cached snapshots are dropped, least recently used first, beyond this
#: many messages in all.
MAX_CACHED_MESSAGES = 500_000

_NO_FLAGS: FlagSet = frozenset()


def render_flags(flags: FlagSet) -> bytes:
    """Flags as stored: space-separated."""
    return b' '.join(sorted(flags))


def parse_flags(stored: bytes, interned: dict[bytes, FlagSet]) -> FlagSet:
    """Stored flags as a set, shared between messages with equal flags."""
    flags = interned.get(stored)
    if flags is None:
        flags = interned[stored] = frozenset(stored.split()) \
            if stored else _NO_FLAGS
    return flags


def _full(head: tuple[int, int, int, int],
          pairs: Sequence[bytes]) -> MailboxSnapshot:
    interned: dict[bytes, FlagSet] = {}
    flags = {int(pairs[i]): parse_flags(pairs[i + 1], interned)
             for i in range(0, len(pairs), 2)}
    return MailboxSnapshot(head[0], head[1], head[2], sorted(flags), flags,
                           head[3], ChangeLog(head[2]))


def _delta(old: MailboxSnapshot, head: tuple[int, int, int, int],
           uids: Sequence[bytes],
           stored: Sequence[bytes | None]) -> MailboxSnapshot:
    """The cached snapshot with the touched UIDs applied; its UID list is
    reused when no message came or went."""
    interned: dict[bytes, FlagSet] = {}
    flags = dict(old.flags)
    touched = [int(uid) for uid in uids]
    for uid, value in zip(touched, stored, strict=True):
        if value is None:
            flags.pop(uid, None)
        else:
            flags[uid] = parse_flags(value, interned)
    same_uids = all(uid in old.flags and uid in flags for uid in touched)
    log = old.changes or ChangeLog(old.modseq)
    return MailboxSnapshot(head[0], head[1], head[2],
                           old.uids if same_uids else sorted(flags), flags,
                           head[3], log.record(head[2], touched))


def snapshot_from_reply(reply: list[Any],
                        cached: MailboxSnapshot | None) -> MailboxSnapshot:
    """The snapshot a ``snapshot.lua`` reply describes, given the cached
    snapshot whose MODSEQ the script was called with."""
    validity, next_uid, modseq, recent = (int(value) for value in reply[0])
    head = (validity, next_uid, modseq, recent)
    kind = reply[1]
    if kind == b'full':
        return _full(head, reply[2])
    if cached is None:
        raise ValueError('incremental snapshot without a cached one')
    if kind == b'same':
        return MailboxSnapshot(validity, next_uid, modseq, cached.uids,
                               cached.flags, recent, cached.changes)
    return _delta(cached, head, reply[2], reply[3])


class SnapshotCache:
    """The latest snapshot of each recently used mailbox, shared by all
    sessions of the process; snapshots are immutable values."""

    def __init__(self, max_messages: int = MAX_CACHED_MESSAGES) -> None:
        self._max_messages = max_messages
        self._entries: OrderedDict[str, MailboxSnapshot] = OrderedDict()
        self._messages = 0

    def get(self, namespace: str) -> MailboxSnapshot | None:
        """The cached snapshot of the mailbox, if any."""
        snapshot = self._entries.get(namespace)
        if snapshot is not None:
            self._entries.move_to_end(namespace)
        return snapshot

    def put(self, namespace: str, snapshot: MailboxSnapshot) -> None:
        """Keeps *snapshot* as the mailbox's latest."""
        self.discard(namespace)
        self._entries[namespace] = snapshot
        self._messages += len(snapshot.uids)
        while self._messages > self._max_messages and len(self._entries) > 1:
            _, dropped = self._entries.popitem(last=False)
            self._messages -= len(dropped.uids)

    def discard(self, namespace: str) -> None:
        """Forgets a deleted mailbox."""
        old = self._entries.pop(namespace, None)
        if old is not None:
            self._messages -= len(old.uids)

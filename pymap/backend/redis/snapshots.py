"""Mailbox snapshots built from a mailbox's description (``describe`` in
``_lib.lua``), which ``snapshot.lua`` and every change script answer with;
an unchanged mailbox costs one small reply (doc/redis.md, "Snapshots").

A description is ``same`` (the cached snapshot still holds), ``delta`` (the
change log covers every MODSEQ since the cached one: the touched UIDs and
their flags now, ``nil`` for expunged) or ``full`` (every UID and its
flags, when there is no usable cached snapshot or the log was trimmed past
it). Each snapshot also carries a :class:`~pymap.interfaces.storage.ChangeLog`
grown from the deltas this process read, so that a session whose view is a
few snapshots behind compares only the touched messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pymap.interfaces.storage import ChangeLog, FlagSet, MailboxSnapshot

from ..flagtable import overlaid

__all__ = ['parse_flags', 'render_flags', 'snapshot_from_reply']

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
    """The cached snapshot with the touched UIDs applied, its flags laid
    over rather than copied (:func:`~pymap.backend.flagtable.overlaid`);
    its UID list is reused when no message came or went."""
    interned: dict[bytes, FlagSet] = {}
    touched = [int(uid) for uid in uids]
    changed: dict[int, FlagSet] = {}
    removed: list[int] = []
    for uid, value in zip(touched, stored, strict=True):
        if value is None:
            removed.append(uid)
        else:
            changed[uid] = parse_flags(value, interned)
    new_uids = _uids(old, changed, removed)
    log = old.changes or ChangeLog(old.modseq)
    return MailboxSnapshot(head[0], head[1], head[2], new_uids,
                           overlaid(old.flags, changed, removed, new_uids),
                           head[3], log.record(head[2], touched))


def _uids(old: MailboxSnapshot, changed: Mapping[int, FlagSet],
          removed: Sequence[int]) -> Sequence[int]:
    """The UID list after a delta: the old one when no message came or
    went, extended when messages only came after the last one (APPEND),
    else filtered or sorted again."""
    added = sorted(uid for uid in changed if uid not in old.flags)
    gone = {uid for uid in removed if uid in old.flags}
    kept = [uid for uid in old.uids if uid not in gone] if gone \
        else old.uids
    if not added:
        return kept
    if not kept or added[0] > kept[-1]:
        return [*kept, *added]
    return sorted([*kept, *added])


def snapshot_from_reply(reply: list[Any],
                        cached: MailboxSnapshot | None) -> MailboxSnapshot:
    """The snapshot a description gives, relative to the cached snapshot
    whose MODSEQ the script was called with."""
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


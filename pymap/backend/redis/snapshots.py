"""Mailbox snapshots built from a mailbox's description (``describe`` in
``_lib.lua``), which ``snapshot.lua`` and every change script answer with;
an unchanged mailbox costs one small reply (doc/redis.md, "Snapshots").

A description is ``same`` (the cached snapshot still holds), ``delta`` (the
change log covers every MODSEQ since the cached one: the touched UIDs and
their flags now, ``nil`` for expunged) or ``full`` (every UID and its
flags, when there is no usable cached snapshot or the log was trimmed past
it). Each snapshot also carries a :class:`~pymap.interfaces.storage.ChangeLog`
grown from the deltas this process read, so that a session whose view is a
few snapshots behind compares only the touched messages. The process keeps
a description as a :class:`Described` state, whose snapshot is built only
when first asked for.

A change script asked for the head alone (:data:`HEAD_ONLY`) describes
nothing else: its caller holds no state of the mailbox to apply a
description to, and needs none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from pymap.interfaces.storage import ChangeLog, FlagSet, MailboxSnapshot

from ..flagtable import overlaid

__all__ = ['HEAD_ONLY', 'Described', 'Head', 'described', 'head_only',
           'parse_flags', 'render_flags']

_NO_FLAGS: FlagSet = frozenset()
#: One delta of a description: its MODSEQ, the touched UIDs and their
#: stored flags now (``None``: expunged).
_Delta = tuple[int, Sequence[bytes], Sequence[bytes | None]]
#: The most descriptions a :class:`Described` state waits to apply.
MAX_DEFERRED = 64
#: Given as the known MODSEQ, asks ``describe`` (``_lib.lua``) for the
#: head alone; also the kind of such a reply.
HEAD_ONLY = 'head'
_HEAD_ONLY = HEAD_ONLY.encode('ascii')


class Head(NamedTuple):
    """What every description starts with: the mailbox's counters."""

    uid_validity: int
    next_uid: int
    modseq: int
    recent_uid: int


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


def _full(head: Head,
          pairs: Sequence[bytes]) -> MailboxSnapshot:
    interned: dict[bytes, FlagSet] = {}
    flags = {int(pairs[i]): parse_flags(pairs[i + 1], interned)
             for i in range(0, len(pairs), 2)}
    return MailboxSnapshot(head[0], head[1], head[2], sorted(flags), flags,
                           head[3], ChangeLog(head[2]))


def _applied(old: MailboxSnapshot, head: Head,
             deltas: Sequence[_Delta]) -> MailboxSnapshot:
    """The cached snapshot with the deltas described since applied in
    order, its flags laid over rather than copied
    (:func:`~pymap.backend.flagtable.overlaid`); its UID list is reused
    when no message came or went."""
    interned: dict[bytes, FlagSet] = {}
    log = old.changes or ChangeLog(old.modseq)
    latest: dict[int, bytes | None] = {}
    for modseq, uids, stored in deltas:
        touched = [int(uid) for uid in uids]
        latest.update(zip(touched, stored, strict=True))
        log = log.record(modseq, touched)
    changed: dict[int, FlagSet] = {}
    removed: list[int] = []
    for uid, value in latest.items():
        if value is None:
            removed.append(uid)
        else:
            changed[uid] = parse_flags(value, interned)
    new_uids = _uids(old, changed, removed)
    return MailboxSnapshot(head[0], head[1], head[2], new_uids,
                           overlaid(old.flags, changed, removed, new_uids),
                           head[3], log)


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


def _head(reply: list[Any]) -> Head:
    validity, next_uid, modseq, recent = reply[0]
    return Head(int(validity), int(next_uid), int(modseq), int(recent))


def head_only(reply: list[Any]) -> Head | None:
    """The head of a description that holds nothing else
    (:data:`HEAD_ONLY`), else None."""
    return _head(reply) if reply[1] == _HEAD_ONLY else None


class Described:
    """A mailbox's state as its latest description left it. UIDVALIDITY,
    UIDNEXT, MODSEQ and the ``\\Recent`` mark are known at once; the
    :class:`~pymap.interfaces.storage.MailboxSnapshot` is built when
    first asked for, from the last state built and every delta described
    since, applied together (up to :data:`MAX_DEFERRED` of them). A run of
    APPENDs to a mailbox that no session of the process watches thus
    copies its UIDs and flags once, not once per APPEND."""

    __slots__ = ('_built', '_delta', '_depth', '_previous', 'head',
                 'modseq', 'next_uid', 'recent_uid', 'size', 'uid_validity')

    def __init__(self, head: Head, built: MailboxSnapshot | None,
                 previous: Described | None = None,
                 delta: _Delta | None = None) -> None:
        #: The counters, as the description gave them.
        self.head = head
        self.uid_validity, self.next_uid, self.modseq, self.recent_uid = \
            head
        self._built = built
        self._previous = previous
        self._delta = delta
        if previous is None:
            assert built is not None
            self._depth = 0
            #: How many messages the state holds, at most.
            self.size = len(built.uids)
        else:
            self._depth = previous._depth + 1
            self.size = previous.size + max(
                0, self.next_uid - previous.next_uid)

    @classmethod
    def of(cls, snapshot: MailboxSnapshot) -> Described:
        """A state built already."""
        return cls(Head(snapshot.uid_validity, snapshot.next_uid,
                        snapshot.modseq, snapshot.recent_uid), snapshot)

    def then(self, head: Head, delta: _Delta | None) -> Described:
        """The state after this one, with *head* and the changes of
        *delta* (none: only the head moved)."""
        state = Described(head, None, self, delta)
        if state._depth > MAX_DEFERRED:
            state.snapshot()
        return state

    def snapshot(self) -> MailboxSnapshot:
        """The state as a snapshot, built once."""
        built = self._built
        if built is None:
            built = self._built = self._build()
            self._previous = self._delta = None
            self._depth = 0
        return built

    def _build(self) -> MailboxSnapshot:
        deltas: list[_Delta] = []
        state: Described = self
        while state._built is None:
            if state._delta is not None:
                deltas.append(state._delta)
            assert state._previous is not None
            state = state._previous
        base = state._built
        if not deltas:
            return MailboxSnapshot(*self.head[:3], base.uids, base.flags,
                                   self.recent_uid, base.changes)
        deltas.reverse()
        return _applied(base, self.head, deltas)


def described(reply: list[Any], cached: Described | None) -> Described:
    """The state a description (``describe`` in ``_lib.lua``) gives,
    relative to the cached state whose MODSEQ the script was called
    with; the snapshot of a delta is built only when asked for."""
    head = _head(reply)
    kind = reply[1]
    if kind == b'full':
        return Described.of(_full(head, reply[2]))
    if cached is None:
        raise ValueError('incremental snapshot without a cached one')
    if kind == b'same':
        return cached.then(head, None)
    return cached.then(head, (head[2], reply[2], reply[3]))

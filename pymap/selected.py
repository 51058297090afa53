"""A session's view of its selected mailbox (RFC 3501 §7, RFC 2180 §4).

The view keeps the message sequence the client knows. Comparing it with a
fresh :class:`~pymap.interfaces.storage.MailboxSnapshot` yields the untagged
EXPUNGE, EXISTS, RECENT and FETCH FLAGS responses. While EXPUNGE responses
are not allowed (during FETCH, STORE and SEARCH), expunged messages stay in
the view as *ghosts* so that sequence numbers do not shift under the client.
When the snapshot carries a :class:`~pymap.interfaces.storage.ChangeLog`
reaching back to the view's modseq, only the messages it names are
compared, so an update costs what changed rather than the mailbox size.
Without ghosts the view holds the snapshot's UID list and flags, which no
one changes, rather than copies: thousands of sessions on one mailbox
share them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import cast

from .interfaces.storage import FlagSet, MailboxSnapshot
from .parsing.sequence import SequenceSet

__all__ = ['SelectedView', 'render_flags']

_RECENT = b'\\Recent'
_NO_FLAGS: FlagSet = frozenset()
_RECENT_SET: FlagSet = frozenset([_RECENT])


def render_flags(flags: Iterable[bytes]) -> bytes:
    """A parenthesized flag list."""
    return b'(' + b' '.join(flags) + b')'


class SelectedView:
    """The client's picture of the selected mailbox.

    Args:
        snapshot: The state at SELECT time.
        recent_after: Messages with a UID above this are ``\\Recent`` for
            this session.
        readonly: Opened with EXAMINE.
    """

    def __init__(self, snapshot: MailboxSnapshot, recent_after: int,
                 readonly: bool) -> None:
        self.readonly = readonly
        self.uid_validity = snapshot.uid_validity
        self.next_uid = snapshot.next_uid
        self.modseq = snapshot.modseq
        self.uids: Sequence[int] = snapshot.uids
        self.flags: Mapping[int, FlagSet] = snapshot.flags
        self.recent = set(self.uids[bisect_left(self.uids, recent_after + 1):])
        self.ghosts: set[int] = set()
        self._own: dict[int, FlagSet] | None = None
        self._after_last = 0

    @property
    def exists(self) -> int:
        """The message count the client knows."""
        return len(self.uids)

    def seq_of(self, uid: int) -> int:
        """The sequence number of a UID in the view. The UID after the
        one asked for last is found without a search: a FETCH or STORE
        of many messages asks for them in order."""
        uids = self.uids
        position = self._after_last
        if not (position < len(uids) and uids[position] == uid):
            position = bisect_left(uids, uid)
        self._after_last = position + 1
        return position + 1

    def resolve(self, seq_set: SequenceSet, uid: bool) -> list[int]:
        """The UIDs a command's set names, in order. Raises
        :exc:`ValueError` for a sequence number past the end."""
        if uid:
            return seq_set.select_uids(self.uids)
        return [self.uids[seq - 1]
                for seq in seq_set.sequence_numbers(len(self.uids))]

    def flags_of(self, uid: int) -> list[bytes]:
        """The flags to show for a message, ``\\Recent`` included."""
        flags = sorted(self.flags.get(uid, ()))
        if uid in self.recent:
            flags.append(_RECENT)
        return flags

    def flag_set(self, uid: int) -> FlagSet:
        """The flags SEARCH compares (RFC 3501 §6.4.4), ``\\Recent``
        included, unsorted."""
        flags = self.flags.get(uid, _NO_FLAGS)
        return flags | _RECENT_SET if uid in self.recent else flags

    def fetch_flags(self, uid: int, with_uid: bool = True) -> bytes:
        """An untagged ``FETCH (FLAGS ...)`` for a message."""
        items = b'UID %d ' % uid if with_uid else b''
        return b'* %d FETCH (%sFLAGS %s)\r\n' % (
            self.seq_of(uid), items, render_flags(self.flags_of(uid)))

    def set_flags(self, changed: dict[int, FlagSet]) -> None:
        """Records this session's own flag changes, so that the next
        refresh does not report them again. They are laid over the shared
        flags until then."""
        if self._own is None:
            self._own = {}
            # A ChainMap writes to its first map only: the shared flags
            # below stay untouched.
            shared = cast(MutableMapping[int, FlagSet], self.flags)
            self.flags = ChainMap(self._own, shared)
        self._own.update(changed)

    def update(self, snapshot: MailboxSnapshot, new_recent: Sequence[int],
               allow_expunge: bool) -> list[bytes]:
        """Brings the view up to *snapshot*; returns the untagged
        responses, in the order RFC 3501 §7 expects them. *new_recent* are
        the UIDs this session claimed as ``\\Recent``."""
        moved = snapshot.modseq != self.modseq
        if not moved and not (allow_expunge and self.ghosts):
            return []  # most commands: nothing changed, nothing held back
        touched = self._touched(snapshot) if moved else ()
        if touched:  # else only messages came: nothing to compare
            self._find_ghosts(snapshot, touched)
        responses = self._expunge_ghosts() if allow_expunge else []
        if not (moved or responses):
            return responses
        changed = self._changed_flags(snapshot, touched) if touched else []
        added = len(snapshot.uids) - bisect_left(snapshot.uids,
                                                 self.next_uid)
        self._take(snapshot)
        responses += [self.fetch_flags(uid) for uid in changed]
        responses += self._added(snapshot, new_recent, added)
        self.modseq = snapshot.modseq
        return responses

    def _take(self, snapshot: MailboxSnapshot) -> None:
        """Adopts the snapshot's UIDs and flags, shared rather than
        copied, keeping the ghosts and their flags."""
        self._own = None
        if not self.ghosts:
            self.uids, self.flags = snapshot.uids, snapshot.flags
            return
        kept = {uid: self.flags.get(uid, _NO_FLAGS) for uid in self.ghosts}
        self.uids = sorted([*snapshot.uids, *kept])
        self.flags = {**snapshot.flags, **kept}

    def _touched(self, snapshot: MailboxSnapshot) -> Sequence[int]:
        """The UIDs of the view that may have changed, in sequence order:
        those the snapshot's change log names since the view's modseq, or
        every UID of the view when there is no log or it does not reach
        back that far."""
        log = snapshot.changes
        since = None
        if log is not None and log.modseq == snapshot.modseq \
                and snapshot.uid_validity == self.uid_validity:
            since = log.since(self.modseq)
        if since is None:
            return self.uids
        flags = self.flags
        return sorted([uid for uid in since if uid in flags])

    def _find_ghosts(self, snapshot: MailboxSnapshot,
                     touched: Sequence[int]) -> None:
        present = snapshot.flags
        self.ghosts.update(uid for uid in touched if uid not in present)

    def _changed_flags(self, snapshot: MailboxSnapshot,
                       touched: Sequence[int]) -> list[int]:
        """The UIDs whose flags the client has yet to see."""
        new = snapshot.flags
        return [uid for uid in touched
                if uid in new and uid in self.flags
                and new[uid] != self.flags[uid]]

    def _expunge_ghosts(self) -> list[bytes]:
        """The EXPUNGE responses for the ghosts, highest first (the
        caller then takes the snapshot without them)."""
        if not self.ghosts:
            return []
        seqs = sorted((self.seq_of(uid) for uid in self.ghosts),
                      reverse=True)
        self.recent.difference_update(self.ghosts)
        self.ghosts.clear()
        return [b'* %d EXPUNGE\r\n' % seq for seq in seqs]

    def _added(self, snapshot: MailboxSnapshot, new_recent: Sequence[int],
               added: int) -> list[bytes]:
        self.next_uid = snapshot.next_uid
        if not added:
            return []
        self.recent.update(new_recent)
        return [b'* %d EXISTS\r\n' % len(self.uids),
                b'* %d RECENT\r\n' % len(self.recent)]

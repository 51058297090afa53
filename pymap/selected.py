"""A session's view of its selected mailbox (RFC 3501 §7, RFC 2180 §4).

The view keeps the message sequence the client knows. Comparing it with a
fresh :class:`~pymap.interfaces.storage.MailboxSnapshot` yields the untagged
EXPUNGE, EXISTS, RECENT and FETCH FLAGS responses. While EXPUNGE responses
are not allowed (during FETCH, STORE and SEARCH), expunged messages stay in
the view as *ghosts* so that sequence numbers do not shift under the client.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from .interfaces.storage import FlagSet, MailboxSnapshot
from .parsing.sequence import SequenceSet

__all__ = ['SelectedView', 'render_flags']

_RECENT = b'\\Recent'


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
        self.uids: list[int] = list(snapshot.uids)
        self.flags: dict[int, FlagSet] = dict(snapshot.flags)
        self.recent = set(self.uids[bisect_left(self.uids, recent_after + 1):])
        self.ghosts: set[int] = set()

    @property
    def exists(self) -> int:
        """The message count the client knows."""
        return len(self.uids)

    def seq_of(self, uid: int) -> int:
        """The sequence number of a UID in the view."""
        return bisect_left(self.uids, uid) + 1

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

    def fetch_flags(self, uid: int, with_uid: bool = True) -> bytes:
        """An untagged ``FETCH (FLAGS ...)`` for a message."""
        items = b'UID %d ' % uid if with_uid else b''
        return b'* %d FETCH (%sFLAGS %s)\r\n' % (
            self.seq_of(uid), items, render_flags(self.flags_of(uid)))

    def set_flags(self, changed: dict[int, FlagSet]) -> None:
        """Records this session's own flag changes, so that the next
        refresh does not report them again."""
        self.flags.update(changed)

    def update(self, snapshot: MailboxSnapshot, new_recent: Sequence[int],
               allow_expunge: bool) -> list[bytes]:
        """Brings the view up to *snapshot*; returns the untagged
        responses, in the order RFC 3501 §7 expects them. *new_recent* are
        the UIDs this session claimed as ``\\Recent``."""
        changed = snapshot.modseq != self.modseq
        if changed:
            self._find_ghosts(snapshot)
        responses = self._expunge_ghosts() if allow_expunge else []
        if changed:
            responses += self._changed_flags(snapshot)
            responses += self._added(snapshot, new_recent)
            self.modseq = snapshot.modseq
        return responses

    def _find_ghosts(self, snapshot: MailboxSnapshot) -> None:
        present = snapshot.flags
        self.ghosts.update(uid for uid in self.uids if uid not in present)

    def _changed_flags(self, snapshot: MailboxSnapshot) -> list[bytes]:
        changed = [uid for uid in self.uids
                   if uid not in self.ghosts
                   and snapshot.flags[uid] != self.flags[uid]]
        for uid in changed:
            self.flags[uid] = snapshot.flags[uid]
        return [self.fetch_flags(uid) for uid in changed]

    def _expunge_ghosts(self) -> list[bytes]:
        if not self.ghosts:
            return []
        seqs = sorted((self.seq_of(uid) for uid in self.ghosts),
                      reverse=True)
        for seq in seqs:
            uid = self.uids.pop(seq - 1)
            self.flags.pop(uid, None)
            self.recent.discard(uid)
        self.ghosts.clear()
        return [b'* %d EXPUNGE\r\n' % seq for seq in seqs]

    def _added(self, snapshot: MailboxSnapshot,
               new_recent: Sequence[int]) -> list[bytes]:
        start = bisect_left(snapshot.uids, self.next_uid)
        added = snapshot.uids[start:]
        self.next_uid = snapshot.next_uid
        if not added:
            return []
        self.uids.extend(added)
        for uid in added:
            self.flags[uid] = snapshot.flags[uid]
        self.recent.update(new_recent)
        return [b'* %d EXISTS\r\n' % len(self.uids),
                b'* %d RECENT\r\n' % len(self.recent)]

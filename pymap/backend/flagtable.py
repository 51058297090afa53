"""The flags of a mailbox's messages, shared with its snapshots, and the
change log that lets sessions update their views from what changed
(:class:`~pymap.interfaces.storage.ChangeLog`, RFC 3501 §7)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pymap.interfaces.storage import ChangeLog, FlagSet

__all__ = ['FlagTable']


class FlagTable:
    """Flags by UID, for a backend that keeps its mailbox in memory.

    Snapshots share the table's dict and UID list instead of copying them:
    the first change after a snapshot copies the dict, and the UID list is
    rebuilt only after messages came or went. UIDs must be added in
    ascending order. The UIDs changed or removed since the last
    :meth:`commit` go into :attr:`changes` at the next one.
    """

    def __init__(self) -> None:
        self._flags: dict[int, FlagSet] = {}
        self._uids: list[int] | None = []
        self._shared = False
        self._touched: list[int] = []
        #: The change log up to the last committed MODSEQ.
        self.changes = ChangeLog(0)

    @property
    def flags(self) -> Mapping[int, FlagSet]:
        """The current flags by UID (read-only)."""
        return self._flags

    def _writable(self) -> dict[int, FlagSet]:
        if self._shared:
            self._flags = dict(self._flags)
            self._shared = False
        return self._flags

    def put(self, uid: int, flags: FlagSet) -> None:
        """Sets a message's flags; a new UID is higher than all others."""
        table = self._writable()
        if uid in table:
            self._touched.append(uid)
        else:
            self._uids = None
        table[uid] = flags

    def drop(self, uid: int) -> None:
        """Removes a message, if present."""
        if self._writable().pop(uid, None) is not None:
            self._touched.append(uid)
            self._uids = None

    def commit(self, modseq: int) -> None:
        """Logs the changes since the last commit as those of *modseq*."""
        self.changes = self.changes.record(modseq, self._touched)
        self._touched = []

    def replace(self, flags: dict[int, FlagSet], modseq: int,
                touched: Iterable[int] | None) -> None:
        """Takes *flags* (ascending UIDs) as the whole table at *modseq*.
        *touched* are the UIDs that changed, came or went; ``None`` starts
        a new log (e.g. under a new UIDVALIDITY)."""
        self._flags, self._uids, self._shared = flags, None, False
        if touched is None:
            self._touched = []
            self.changes = ChangeLog(modseq)
        else:
            self._touched.extend(touched)
            self.commit(modseq)

    def shared(self) -> tuple[Sequence[int], Mapping[int, FlagSet]]:
        """The UIDs and flags for a snapshot, which must not change them."""
        if self._uids is None:
            self._uids = list(self._flags)
        self._shared = True
        return self._uids, self._flags

"""SelectedView keeps the snapshot's UID list and flags rather than copies
(so that many sessions on one mailbox hold them once), and never changes
them."""

from __future__ import annotations

from pymap.backend.flagtable import FlagTable, LayeredFlags
from pymap.interfaces.storage import FlagSet, MailboxSnapshot
from pymap.selected import SelectedView

SEEN = frozenset([b'\\Seen'])


def _snapshot(flags: dict[int, FlagSet], modseq: int) -> MailboxSnapshot:
    return MailboxSnapshot(1, max(flags, default=0) + 1, modseq,
                           sorted(flags), flags, 0)


def test_a_view_shares_the_snapshot() -> None:
    first = _snapshot({1: frozenset(), 2: frozenset()}, 1)
    view = SelectedView(first, 2, readonly=False)
    assert view.uids is first.uids and view.flags is first.flags
    second = _snapshot({1: SEEN, 2: frozenset(), 3: frozenset()}, 2)
    assert view.update(second, [3], True) == [
        b'* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n',
        b'* 3 EXISTS\r\n', b'* 1 RECENT\r\n']
    assert view.uids is second.uids and view.flags is second.flags
    assert first.uids == [1, 2] and first.flags == {1: frozenset(),
                                                    2: frozenset()}


def test_own_changes_leave_the_snapshot_alone() -> None:
    snapshot = _snapshot({1: frozenset(), 2: frozenset()}, 1)
    view = SelectedView(snapshot, 2, readonly=False)
    view.set_flags({2: SEEN})
    assert view.flags == {1: frozenset(), 2: SEEN}
    assert snapshot.flags == {1: frozenset(), 2: frozenset()}
    assert view.update(_snapshot({1: frozenset(), 2: SEEN}, 2), [],
                       True) == []


def test_ghosts_get_a_view_of_its_own() -> None:
    snapshot = _snapshot({1: SEEN, 2: frozenset(), 3: frozenset()}, 1)
    view = SelectedView(snapshot, 3, readonly=False)
    expunged = _snapshot({2: frozenset(), 3: frozenset()}, 2)
    assert view.update(expunged, [], False) == []
    assert view.uids == [1, 2, 3] and view.flags[1] == SEEN
    assert expunged.uids == [2, 3] and 1 not in expunged.flags
    assert view.update(expunged, [], True) == [b'* 1 EXPUNGE\r\n']
    assert view.uids is expunged.uids


def test_a_view_follows_layered_flags() -> None:
    table = FlagTable(copy_limit=0)
    for uid in range(1, 6):
        table.put(uid, frozenset())
    table.commit(1)
    view = SelectedView(_from_table(table, 1), 5, readonly=False)
    table.put(2, SEEN)
    table.drop(4)
    table.put(6, frozenset())
    table.commit(2)
    layered = _from_table(table, 2)
    assert isinstance(layered.flags, LayeredFlags)
    assert view.update(layered, [], False) == [
        b'* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n', b'* 6 EXISTS\r\n',
        b'* 0 RECENT\r\n']
    assert view.uids == [1, 2, 3, 4, 5, 6] and view.flags[4] == frozenset()
    assert view.update(layered, [], True) == [b'* 4 EXPUNGE\r\n']
    assert view.uids is layered.uids and view.flags is layered.flags


def _from_table(table: FlagTable, modseq: int) -> MailboxSnapshot:
    uids, flags = table.shared()
    return MailboxSnapshot(1, uids[-1] + 1, modseq, uids, flags, 0,
                           table.changes)

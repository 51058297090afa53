"""The flag table the in-memory backends share with their snapshots."""

from __future__ import annotations

from pymap.backend.flagtable import FlagTable

SEEN = frozenset([b'\\Seen'])
NONE: frozenset[bytes] = frozenset()


def table_of(count: int) -> FlagTable:
    table = FlagTable()
    for uid in range(1, count + 1):
        table.put(uid, NONE)
    table.commit(1)
    return table


def test_new_messages_are_not_logged_as_changes() -> None:
    table = table_of(3)
    assert table.changes.since(0) == set()
    assert table.shared()[0] == [1, 2, 3]


def test_changes_and_removals_are_logged_at_the_commit() -> None:
    table = table_of(4)
    table.put(2, SEEN)
    table.drop(3)
    table.drop(9)
    assert table.changes.since(1) == set()
    table.commit(2)
    assert table.changes.since(1) == {2, 3}
    assert dict(table.flags) == {1: NONE, 2: SEEN, 4: NONE}


def test_a_snapshot_keeps_its_state_after_changes() -> None:
    table = table_of(3)
    uids, flags = table.shared()
    table.put(1, SEEN)
    table.drop(2)
    table.put(4, SEEN)
    assert (uids, dict(flags)) == ([1, 2, 3], {1: NONE, 2: NONE, 3: NONE})
    assert table.shared()[0] == [1, 3, 4]


def test_flag_changes_reuse_the_uid_list() -> None:
    table = table_of(3)
    uids, flags = table.shared()
    table.put(2, SEEN)
    again, newer = table.shared()
    assert again is uids
    assert newer is not flags and newer[2] == SEEN


def test_replace_logs_the_touched_uids_or_starts_over() -> None:
    table = table_of(3)
    table.replace({1: SEEN, 3: NONE}, 2, [1, 2])
    assert table.changes.since(1) == {1, 2}
    assert table.shared()[0] == [1, 3]
    table.replace({5: NONE}, 3, None)
    assert table.changes.since(2) is None
    assert table.changes.since(3) == set()

"""The flag table the in-memory backends share with their snapshots."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pymap.backend.flagtable import FlagTable, LayeredFlags
from pymap.interfaces.storage import FlagSet

SEEN = frozenset([b'\\Seen'])
NONE: frozenset[bytes] = frozenset()


def table_of(count: int, copy_limit: int = 4096) -> FlagTable:
    table = FlagTable(copy_limit)
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
    assert dict(table.shared()[1]) == {1: NONE, 2: SEEN, 4: NONE}
    assert (table.get(2), table.get(3)) == (SEEN, None)


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


def test_a_large_table_is_not_copied_for_each_change() -> None:
    table = table_of(10_000)
    first = table.shared()[1]
    table.put(5, SEEN)
    table.drop(6)
    table.put(10_001, SEEN)
    uids, flags = table.shared()
    assert isinstance(flags, LayeredFlags)
    assert (flags[5], flags[10_001], 6 in flags, len(flags)) == \
        (SEEN, SEEN, False, 10_000)
    assert (first[5], first[6], 10_001 in first) == (NONE, NONE, False)
    assert list(flags) == uids and uids[-2:] == [10_000, 10_001]
    assert list(flags.values()) == [flags[uid] for uid in uids]
    assert flags.get(6, SEEN) == SEEN and flags.get(7) == NONE


def test_a_small_table_is_copied() -> None:
    table = table_of(4096)
    first = table.shared()[1]
    table.put(5, SEEN)
    flags = table.shared()[1]
    assert type(flags) is dict and flags[5] == SEEN and first[5] == NONE


def test_layers_are_merged_once_they_grow() -> None:
    table = table_of(100, copy_limit=0)
    table.shared()
    kinds = []
    for uid in range(1, 22):
        table.put(uid, SEEN)
        kinds.append(type(table.shared()[1]))
    # 21 changes are more than twice the square root of 100.
    assert kinds == [LayeredFlags] * 20 + [dict]
    assert table.shared()[1] == {uid: SEEN if uid < 22 else NONE
                                 for uid in range(1, 101)}


#: An operation on a table: put new (a new UID), put (flags of an existing
#: message), drop, or take a snapshot.
_OPERATION = st.tuples(st.sampled_from(['new', 'put', 'drop', 'snapshot']),
                       st.integers(0, 1 << 16), st.booleans())


@given(st.integers(0, 60), st.lists(_OPERATION, max_size=300))
def test_every_snapshot_keeps_the_state_it_was_taken_in(
        count: int, operations: list[tuple[str, int, bool]]) -> None:
    table = table_of(count, copy_limit=0)
    model: dict[int, FlagSet] = {uid: NONE for uid in range(1, count + 1)}
    next_uid = count + 1
    taken: list[tuple[dict[int, FlagSet], tuple[object, ...]]] = []
    for kind, pick, seen in operations:
        flags = SEEN if seen else NONE
        existing = sorted(model)
        if kind == 'new':
            table.put(next_uid, flags)
            model[next_uid] = flags
            next_uid += 1
        elif kind == 'snapshot':
            taken.append((dict(model), table.shared()))
        elif existing:
            uid = existing[pick % len(existing)]
            if kind == 'put':
                table.put(uid, flags)
                model[uid] = flags
            else:
                table.drop(uid)
                del model[uid]
        assert all(table.get(uid) == model[uid] for uid in existing
                   if uid in model)
    taken.append((dict(model), table.shared()))
    for state, (uids, shared) in taken:
        assert list(uids) == sorted(state) == list(shared)
        assert dict(shared) == state and len(shared) == len(state)
        assert list(shared.values()) == [state[uid] for uid in uids]

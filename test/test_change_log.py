"""The bounded change log a snapshot may carry (pymap.interfaces.storage)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pymap.interfaces.storage import (
    CHANGE_LOG_LIMIT,
    ChangeLog,
    MailboxSnapshot,
)


def test_a_new_log_knows_nothing_before_its_start() -> None:
    log = ChangeLog(5)
    assert log.since(5) == set()
    assert log.since(4) is None


def test_since_unites_the_changes_after_a_modseq() -> None:
    log = ChangeLog(1).record(2, [3, 4]).record(3, [4]).record(4, [9])
    assert log.since(4) == set()
    assert log.since(3) == {9}
    assert log.since(2) == {4, 9}
    assert log.since(1) == {3, 4, 9}
    assert log.since(0) is None


def test_a_modseq_past_the_log_is_not_answered() -> None:
    assert ChangeLog(1).record(2, [1]).since(3) is None


def test_a_gap_counts_as_one_change() -> None:
    """A change recorded for several MODSEQs at once (the redis backend's
    delta) is reported for every MODSEQ inside the gap."""
    log = ChangeLog(10).record(14, [7])
    assert log.since(12) == {7}
    assert log.since(14) == set()


def test_modseq_must_rise() -> None:
    log = ChangeLog(3)
    with pytest.raises(ValueError):
        log.record(3, [1])


def test_recording_leaves_the_old_log_unchanged() -> None:
    old = ChangeLog(1).record(2, [5])
    new = old.record(3, [6])
    assert old.since(1) == {5}
    assert old.modseq == 2
    assert new.since(1) == {5, 6}


def test_the_log_stays_bounded_and_keeps_recent_changes() -> None:
    log = ChangeLog(0)
    for modseq in range(1, 5 * CHANGE_LOG_LIMIT):
        log = log.record(modseq, [modseq, modseq + 1])
        assert log.weight <= 2 * CHANGE_LOG_LIMIT
    newest = log.modseq
    assert log.since(newest - 3) == {newest - 2, newest - 1, newest,
                                     newest + 1}
    assert log.since(newest - CHANGE_LOG_LIMIT) is None
    assert log.since(1) is None


def test_trimming_keeps_what_fits_and_counts_it() -> None:
    log = ChangeLog(0)
    for modseq in range(1, 2 * CHANGE_LOG_LIMIT + 1):
        log = log.record(modseq, [])
    assert log.weight == 2 * CHANGE_LOG_LIMIT
    log = log.record(log.modseq + 1, [1])
    assert log.weight <= CHANGE_LOG_LIMIT
    reach = log.modseq - log.weight + 1
    assert log.since(reach) == {1}
    assert log.since(reach - 1) is None


def test_a_change_larger_than_the_bound_forgets_everything_before() -> None:
    log = ChangeLog(0).record(1, [1]).record(
        2, range(1, 2 * CHANGE_LOG_LIMIT + 2))
    assert log.since(2) == set()
    assert log.since(1) is None


def test_snapshots_compare_without_their_logs() -> None:
    snapshot = MailboxSnapshot(1, 2, 3, [1], {1: frozenset()}, 0)
    assert snapshot.changes is None
    assert replace(snapshot, changes=ChangeLog(3)) == snapshot

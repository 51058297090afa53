"""SelectedView updates: the change log path answers exactly as comparing
every message does (RFC 3501 §7, RFC 2180 §4 ghosts)."""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymap.interfaces.storage import ChangeLog, FlagSet, MailboxSnapshot
from pymap.selected import SelectedView

SEEN = frozenset([b'\\Seen'])
FLAGS = [frozenset(), SEEN, frozenset([b'\\Deleted']),
         frozenset([b'\\Seen', b'$Junk'])]


class Model:
    """A mailbox that logs its changes as a backend does."""

    def __init__(self, count: int) -> None:
        self.flags: dict[int, FlagSet] = {
            uid: frozenset() for uid in range(1, count + 1)}
        self.next_uid = count + 1
        self.modseq = 1
        self.log = ChangeLog(1)

    def _change(self, touched: list[int]) -> None:
        self.modseq += 1
        self.log = self.log.record(self.modseq, touched)

    def store(self, uids: list[int], flags: FlagSet) -> dict[int, FlagSet]:
        """Sets the flags of the existing messages among *uids*."""
        changed = {uid: flags for uid in uids if uid in self.flags}
        self.flags.update(changed)
        self._change(list(changed))
        return changed

    def expunge(self, uids: list[int]) -> None:
        """Removes the existing messages among *uids*."""
        removed = [uid for uid in uids
                   if self.flags.pop(uid, None) is not None]
        self._change(removed)

    def append(self, count: int) -> None:
        """Adds *count* messages without flags."""
        for _ in range(count):
            self.flags[self.next_uid] = frozenset()
            self.next_uid += 1
        self._change([])

    def forget(self, uids: list[int], flags: FlagSet) -> None:
        """A change the backend could not log (found on disk)."""
        self.store(uids, flags)
        self.log = ChangeLog(self.modseq)

    def snapshot(self) -> MailboxSnapshot:
        """The current state, with the log."""
        return MailboxSnapshot(1, self.next_uid, self.modseq,
                               sorted(self.flags), dict(self.flags), 0,
                               self.log)


def state(view: SelectedView) -> tuple[object, ...]:
    return (view.uids, view.flags, view.ghosts, view.recent, view.modseq,
            view.next_uid)


def assert_sequence_numbers(view: SelectedView) -> None:
    """seq_of finds every UID, asked in order, backwards and in
    turns."""
    uids = list(view.uids)
    numbers = list(range(1, len(uids) + 1))
    assert [view.seq_of(uid) for uid in uids] == numbers
    assert [view.seq_of(uid) for uid in reversed(uids)] == numbers[::-1]
    assert [view.seq_of(uid) for uid in uids[::2] + uids[1::2]] \
        == numbers[::2] + numbers[1::2]


class Pair:
    """The same session twice: one view reads the change log, the other
    compares every message."""

    def __init__(self, model: Model) -> None:
        self.model = model
        snapshot = model.snapshot()
        self.logged = SelectedView(snapshot, model.next_uid - 1,
                                   readonly=False)
        self.full = SelectedView(replace(snapshot, changes=None),
                                 model.next_uid - 1,
                                 readonly=False)

    def update(self, allow_expunge: bool) -> list[bytes]:
        snapshot = self.model.snapshot()
        new = [uid for uid in snapshot.uids if uid >= self.full.next_uid]
        full = self.full.update(replace(snapshot, changes=None), new,
                                allow_expunge)
        logged = self.logged.update(snapshot, new, allow_expunge)
        assert logged == full
        assert state(self.logged) == state(self.full)
        assert_sequence_numbers(self.logged)
        return logged

    def own_store(self, uids: list[int], flags: FlagSet) -> None:
        live = [uid for uid in uids
                if uid in self.full.flags and uid not in self.full.ghosts]
        changed = self.model.store(live, flags)
        self.full.set_flags(changed)
        self.logged.set_flags(changed)


UIDS = st.lists(st.integers(1, 30), max_size=6)
STEPS = st.lists(st.one_of(
    st.tuples(st.just('store'), UIDS, st.sampled_from(FLAGS)),
    st.tuples(st.just('own_store'), UIDS, st.sampled_from(FLAGS)),
    st.tuples(st.just('forget'), UIDS, st.sampled_from(FLAGS)),
    st.tuples(st.just('expunge'), UIDS),
    st.tuples(st.just('append'), st.integers(1, 3)),
    st.tuples(st.just('update'), st.booleans())), max_size=40)


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(STEPS, st.sampled_from([3, 1000]))
def test_log_and_full_diff_answer_alike(steps: list[tuple[object, ...]],
                                        limit: int) -> None:
    with patch('pymap.interfaces.storage.CHANGE_LOG_LIMIT', limit):
        pair = Pair(Model(20))
        for name, *args in steps:
            if name == 'update':
                pair.update(*args)  # type: ignore[arg-type]
            elif name == 'own_store':
                pair.own_store(*args)  # type: ignore[arg-type]
            else:
                getattr(pair.model, str(name))(*args)
        pair.update(True)
        assert pair.logged.uids == sorted(pair.model.flags)
        assert pair.logged.flags == pair.model.flags


def test_a_flag_change_is_reported_once() -> None:
    pair = Pair(Model(5))
    pair.model.store([3], SEEN)
    assert pair.update(True) == [b'* 3 FETCH (UID 3 FLAGS (\\Seen))\r\n']
    assert pair.update(True) == []


def test_own_changes_are_not_reported_again() -> None:
    pair = Pair(Model(5))
    pair.own_store([2], SEEN)
    assert pair.update(True) == []


def test_ghosts_stay_until_expunge_is_allowed() -> None:
    pair = Pair(Model(5))
    pair.model.expunge([2, 4])
    pair.model.store([5], SEEN)
    assert pair.update(False) == [b'* 5 FETCH (UID 5 FLAGS (\\Seen))\r\n']
    assert pair.logged.ghosts == {2, 4}
    pair.model.store([4], SEEN)
    assert pair.update(True) == [b'* 4 EXPUNGE\r\n', b'* 2 EXPUNGE\r\n']
    assert pair.logged.uids == [1, 3, 5]


def test_new_messages_come_after_the_changes() -> None:
    pair = Pair(Model(3))
    pair.model.append(2)
    pair.model.store([1, 5], SEEN)
    assert pair.update(True) == [
        b'* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n',
        b'* 5 EXISTS\r\n', b'* 2 RECENT\r\n']


def test_a_log_that_does_not_reach_back_is_not_trusted() -> None:
    model = Model(5)
    view = SelectedView(model.snapshot(), 5, readonly=False)
    model.forget([2], SEEN)
    model.store([4], SEEN)
    assert view.update(model.snapshot(), [], True) == [
        b'* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n',
        b'* 4 FETCH (UID 4 FLAGS (\\Seen))\r\n']


def test_a_log_behind_its_snapshot_is_not_trusted() -> None:
    model = Model(5)
    view = SelectedView(model.snapshot(), 5, readonly=False)
    stale = model.log
    model.store([2], SEEN)
    snapshot = replace(model.snapshot(), changes=stale)
    assert view.update(snapshot, [], True) == [
        b'* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n']


def test_a_log_of_another_uid_validity_is_not_trusted() -> None:
    model = Model(5)
    view = SelectedView(model.snapshot(), 5, readonly=False)
    model.store([2], SEEN)
    silent = ChangeLog(0).record(model.modseq, [])
    snapshot = replace(model.snapshot(), uid_validity=9, changes=silent)
    assert view.update(snapshot, [], True) == [
        b'* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n']

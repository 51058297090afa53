"""The change log the redis backend grows from ``snapshot.lua`` replies,
and the UID list it reuses when only flags changed (snapshots.py)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from pymap.backend.flagtable import LayeredFlags
from pymap.backend.redis.snapshots import MAX_DEFERRED, Described, described
from pymap.interfaces.storage import MailboxSnapshot


def snapshot_from_reply(reply: list[Any],
                        cached: MailboxSnapshot | None) -> MailboxSnapshot:
    """The snapshot a description gives, built at once."""
    state = None if cached is None else Described.of(cached)
    return described(reply, state).snapshot()


def head(modseq: int) -> list[bytes]:
    return [b'7', b'4', b'%d' % modseq, b'0']


def full(modseq: int) -> MailboxSnapshot:
    return snapshot_from_reply(
        [head(modseq), b'full', [b'1', b'', b'2', b'', b'3', b'\\Seen']],
        None)


def test_a_full_read_starts_the_log() -> None:
    snapshot = full(5)
    assert snapshot.changes is not None
    assert snapshot.changes.since(5) == set()
    assert snapshot.changes.since(4) is None


def test_deltas_chain_and_reuse_the_uid_list() -> None:
    first = full(5)
    flagged = snapshot_from_reply(
        [head(6), b'delta', [b'2'], [b'\\Seen']], first)
    assert flagged.uids is first.uids
    assert flagged.flags[2] == {b'\\Seen'}
    same = snapshot_from_reply([head(6), b'same'], flagged)
    expunged = snapshot_from_reply(
        [head(9), b'delta', [b'1', b'4'], [None, b'']], same)
    assert expunged.uids == [2, 3, 4]
    assert expunged.changes is not None
    assert expunged.changes.since(8) == {1, 4}
    assert expunged.changes.since(5) == {1, 2, 4}
    assert expunged.changes.since(4) is None


def test_a_large_mailbox_lays_its_changes_over_the_cached_flags() -> None:
    pairs = [value for uid in range(1, 5001) for value in (b'%d' % uid, b'')]
    first = snapshot_from_reply([head(5), b'full', pairs], None)
    changed = snapshot_from_reply(
        [head(6), b'delta', [b'2', b'3', b'5001'], [b'\\Seen', None, b'']],
        first)
    assert isinstance(changed.flags, LayeredFlags)
    assert (changed.flags[2], 3 in changed.flags, changed.flags[5001]) == \
        ({b'\\Seen'}, False, frozenset())
    assert (first.flags[2], 3 in first.flags, 5001 in first.flags) == \
        (frozenset(), True, False)
    assert len(changed.uids) == len(changed.flags) == 5000
    assert list(changed.flags) == changed.uids == \
        [1, 2, *range(4, 5002)]


def _random_descriptions(seed: int, count: int) -> list[list[Any]]:
    """Deltas a mailbox of UIDs 1 to 3 (MODSEQ 5) could be described
    with: appends, flag changes, expunges and unchanged states."""
    rng = random.Random(seed)
    present, next_uid, modseq = {1, 2, 3}, 4, 5
    replies: list[list[Any]] = []
    for _ in range(count):
        kind = rng.choice(('append', 'flags', 'expunge', 'same'))
        uids: list[int] = []
        if kind == 'append':
            uids = list(range(next_uid, next_uid + rng.randint(1, 3)))
            present.update(uids)
            next_uid += len(uids)
        elif kind != 'same' and present:
            uids = rng.sample(sorted(present), min(len(present), 2))
        if kind == 'expunge':
            present.difference_update(uids)
        if not uids:
            replies.append([[b'7', b'%d' % next_uid, b'%d' % modseq, b'0'],
                            b'same'])
            continue
        modseq += 1
        stored = [None if uid not in present
                  else rng.choice((b'', b'\\Seen', b'\\Seen $Work'))
                  for uid in uids]
        replies.append([[b'7', b'%d' % next_uid, b'%d' % modseq, b'0'],
                        b'delta', [b'%d' % uid for uid in uids], stored])
    return replies


@pytest.mark.parametrize('seed', range(20))
def test_deferred_deltas_build_what_each_delta_built_would(
        seed: int) -> None:
    descriptions = _random_descriptions(seed, 3 * MAX_DEFERRED)
    eager = full(5)
    state = Described.of(eager)
    for number, reply in enumerate(descriptions):
        eager = snapshot_from_reply(reply, eager)
        state = described(reply, state)
        if number % 50 == 49:  # some built on the way, most deferred
            assert state.snapshot() == eager
    built = state.snapshot()
    assert built == eager
    assert list(built.flags) == list(built.uids)
    assert built.changes is not None and eager.changes is not None
    for modseq in range(5, eager.modseq + 1):
        assert built.changes.since(modseq) == eager.changes.since(modseq)
    assert state.snapshot() is built


def test_a_deferred_state_knows_its_head_before_it_is_built() -> None:
    first = Described.of(full(5))
    appended = described(
        [[b'7', b'6', b'6', b'0'], b'delta', [b'4', b'5'], [b'', b'']],
        first)
    claimed = appended.then((7, 6, 6, 5), None)
    assert (claimed.uid_validity, claimed.next_uid, claimed.modseq,
            claimed.recent_uid, claimed.size) == (7, 6, 6, 5, 5)
    snapshot = claimed.snapshot()
    assert (snapshot.uids, snapshot.recent_uid) == ([1, 2, 3, 4, 5], 5)
    assert appended.snapshot().recent_uid == 0

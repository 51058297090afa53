"""The change log the redis backend grows from ``snapshot.lua`` replies,
and the UID list it reuses when only flags changed (snapshots.py)."""

from __future__ import annotations

from pymap.backend.flagtable import LayeredFlags
from pymap.backend.redis.snapshots import snapshot_from_reply
from pymap.interfaces.storage import MailboxSnapshot


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

"""Every bundled backend's snapshots carry a change log that names each
message whose flags changed or that was expunged (what
:class:`~pymap.selected.SelectedView` relies on to skip the others), and
keep the UIDs and flags they were taken with, in a large mailbox too."""

from __future__ import annotations

import random

import pytest

from pymap.backend.flagtable import COPY_LIMIT, LayeredFlags
from pymap.interfaces.storage import FlagSet, MailboxSnapshot
from pymap.testing import BackendFactory

from ..conftest import USER
from .changes import message, random_change


def differing(old: MailboxSnapshot, new: MailboxSnapshot) -> set[int]:
    return {uid for uid in old.uids if old.flags[uid] != new.flags.get(uid)}


def contents(snapshot: MailboxSnapshot
             ) -> tuple[list[int], dict[int, FlagSet]]:
    return list(snapshot.uids), dict(snapshot.flags)


# 4,200 messages are past COPY_LIMIT: the flags of later snapshots are
# laid over those of earlier ones (pymap.backend.flagtable.overlaid).
@pytest.mark.parametrize('seed, count', [(1, 10), (2, 10), (3, 4200)])
async def test_the_log_names_every_changed_message(
        backend: BackendFactory, seed: int, count: int) -> None:
    store = await backend()
    try:
        mailboxes = await store.users.mailboxes(USER)
        inbox = await mailboxes.get_mailbox('INBOX')
        other = await mailboxes.get_mailbox('INBOX')
        await inbox.append([message(n) for n in range(count)])
        rng = random.Random(seed)
        seen = [await inbox.snapshot()]
        as_taken = [contents(seen[0])]
        for _ in range(40):
            await random_change(other, rng)
            if rng.random() < 0.5:
                seen.append(await inbox.snapshot())
                as_taken.append(contents(seen[-1]))
        assert [contents(old) for old in seen] == as_taken
        assert all(sorted(old.flags) == list(old.uids) for old in seen)
        assert count < COPY_LIMIT or \
            any(isinstance(old.flags, LayeredFlags) for old in seen)
        newest = await inbox.snapshot()
        assert newest.changes is not None
        assert newest.changes.modseq == newest.modseq
        for old in seen:
            touched = newest.changes.since(old.modseq)
            assert touched is not None
            assert differing(old, newest) <= touched
    finally:
        await store.close()

"""Every bundled backend's snapshots carry a change log that names each
message whose flags changed or that was expunged (what
:class:`~pymap.selected.SelectedView` relies on to skip the others)."""

from __future__ import annotations

import random

import pytest

from pymap.interfaces.storage import MailboxSnapshot
from pymap.testing import BackendFactory

from ..conftest import USER
from .changes import message, random_change


def differing(old: MailboxSnapshot, new: MailboxSnapshot) -> set[int]:
    return {uid for uid in old.uids if old.flags[uid] != new.flags.get(uid)}


@pytest.mark.parametrize('seed', [1, 2])
async def test_the_log_names_every_changed_message(
        backend: BackendFactory, seed: int) -> None:
    store = await backend()
    try:
        mailboxes = await store.users.mailboxes(USER)
        inbox = await mailboxes.get_mailbox('INBOX')
        other = await mailboxes.get_mailbox('INBOX')
        await inbox.append([message(n) for n in range(10)])
        rng = random.Random(seed)
        seen = [await inbox.snapshot()]
        for _ in range(40):
            await random_change(other, rng)
            if rng.random() < 0.5:
                seen.append(await inbox.snapshot())
        newest = await inbox.snapshot()
        assert newest.changes is not None
        assert newest.changes.modseq == newest.modseq
        for old in seen:
            touched = newest.changes.since(old.modseq)
            assert touched is not None
            assert differing(old, newest) <= touched
    finally:
        await store.close()

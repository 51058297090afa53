"""The UIDVALIDITY of APPENDUID and COPYUID (RFC 4315 §3): a backend that
knows it at the append or copy hands it back with the UIDs
(:class:`AssignedUids`), and the session uses it without reading the
mailbox again; otherwise the session reads it from a snapshot."""

from __future__ import annotations

from typing import cast

from pymap.interfaces.storage import (
    AssignedUids,
    Mailbox,
    MailboxSnapshot,
    assigned_validity,
)
from pymap.testing import BackendFactory

from ..conftest import USER
from .changes import message


class _Unreadable:
    """A mailbox whose state must not be read."""

    async def snapshot(self) -> MailboxSnapshot:
        raise AssertionError('snapshot read')


class _Readable:
    async def snapshot(self) -> MailboxSnapshot:
        return MailboxSnapshot(42, 2, 1, [1], {1: frozenset()}, 0)


async def test_assigned_uids_carry_their_validity() -> None:
    uids = AssignedUids([3, 4], 17)
    assert uids == [3, 4] and uids.uid_validity == 17
    assert await assigned_validity(cast(Mailbox, _Unreadable()), uids) == 17
    pairs = AssignedUids([(1, 3), (2, 4)], 18)
    assert await assigned_validity(cast(Mailbox, _Unreadable()), pairs) \
        == 18


async def test_a_plain_list_takes_the_validity_of_a_snapshot() -> None:
    assert await assigned_validity(cast(Mailbox, _Readable()), [1]) == 42
    assert await assigned_validity(cast(Mailbox, _Readable()),
                                   [(1, 1)]) == 42


async def test_every_backend_reports_the_validity_of_its_mailbox(
        backend: BackendFactory) -> None:
    store = await backend()
    try:
        mailboxes = await store.users.mailboxes(USER)
        await mailboxes.create_mailbox('Archive')
        inbox = await mailboxes.get_mailbox('INBOX')
        archive = await mailboxes.get_mailbox('Archive')
        uids = await inbox.append([message(1), message(2)])
        snapshot = await inbox.snapshot()
        assert uids == snapshot.uids == [1, 2]
        assert await assigned_validity(inbox, uids) == \
            snapshot.uid_validity
        pairs = await inbox.copy_to([2, 1], archive, False)
        target = await archive.snapshot()
        assert pairs == [(2, 1), (1, 2)] and target.uids == [1, 2]
        assert await assigned_validity(archive, pairs) == \
            target.uid_validity
        # Every backend knows it at the append or copy, and says so.
        assert isinstance(uids, AssignedUids)
        assert isinstance(pairs, AssignedUids)
    finally:
        await store.close()

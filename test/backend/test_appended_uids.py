"""APPENDUID's UIDVALIDITY (RFC 4315 §3): a backend that knows it at the
append hands it back with the UIDs (:class:`AppendedUids`), and the
session uses it without reading the mailbox again; otherwise the session
reads it from a snapshot."""

from __future__ import annotations

from typing import cast

import pytest

from pymap.interfaces.storage import (
    AppendedUids,
    Mailbox,
    MailboxSnapshot,
    appended_validity,
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


async def test_appended_uids_carry_their_validity() -> None:
    uids = AppendedUids([3, 4], 17)
    assert uids == [3, 4] and uids.uid_validity == 17
    assert await appended_validity(cast(Mailbox, _Unreadable()), uids) == 17


async def test_a_plain_list_takes_the_validity_of_a_snapshot() -> None:
    assert await appended_validity(cast(Mailbox, _Readable()), [1]) == 42


async def test_every_backend_reports_the_validity_of_its_mailbox(
        backend: BackendFactory, request: pytest.FixtureRequest) -> None:
    store = await backend()
    try:
        mailboxes = await store.users.mailboxes(USER)
        inbox = await mailboxes.get_mailbox('INBOX')
        uids = await inbox.append([message(1), message(2)])
        snapshot = await inbox.snapshot()
        assert uids == snapshot.uids == [1, 2]
        assert await appended_validity(inbox, uids) == \
            snapshot.uid_validity
        # The backends that know it at the append say so.
        knows = request.node.callspec.params['backend'] != 'maildir'
        assert isinstance(uids, AppendedUids) == knows
    finally:
        await store.close()

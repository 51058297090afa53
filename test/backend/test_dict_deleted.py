"""A deleted mailbox of the dict backend behaves as the storage contract
asks, like those of the other backends: its methods raise MailboxNotFound
and the sessions waiting on it wake. A renamed one is the same mailbox."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.dict.store import DictMailboxSet
from pymap.exceptions import MailboxNotFound
from pymap.interfaces.storage import NewMessage

_NEW = NewMessage(b'Subject: x\r\n\r\n', frozenset(),
                  datetime(2024, 1, 1, tzinfo=UTC))


async def _load(mailbox: DictMailbox) -> None:
    async for _ in mailbox.load([1], True):
        pass


async def _summaries(mailbox: DictMailbox) -> None:
    async for _ in mailbox.load_summaries([1]):
        pass


_CALLS: list[Callable[[DictMailbox, DictMailbox], Awaitable[object]]] = [
    lambda box, other: box.snapshot(),
    lambda box, other: box.append([_NEW]),
    lambda box, other: box.copy_to([1], other, False),
    lambda box, other: other.copy_to([1], box, False),
    lambda box, other: _load(box),
    lambda box, other: _summaries(box),
    lambda box, other: box.update_flags([1], frozenset(), 'add'),
    lambda box, other: box.expunge([1]),
    lambda box, other: box.claim_recent(1),
]


@pytest.mark.parametrize('with_child', [False, True])
@pytest.mark.parametrize('call', range(len(_CALLS)))
async def test_deleted_mailbox_raises(call: int, with_child: bool) -> None:
    mailboxes = DictMailboxSet()
    await mailboxes.create_mailbox('Doomed')
    if with_child:  # Doomed stays as a non-selectable parent
        await mailboxes.create_mailbox('Doomed/child')
    doomed = await mailboxes.get_mailbox('Doomed')
    await doomed.append([_NEW])
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([_NEW])
    await mailboxes.delete_mailbox('Doomed')
    with pytest.raises(MailboxNotFound):
        await _CALLS[call](doomed, inbox)
    assert (await inbox.snapshot()).uids == [1]


async def test_deletion_wakes_the_waiters() -> None:
    mailboxes = DictMailboxSet()
    await mailboxes.create_mailbox('Doomed')
    doomed = await mailboxes.get_mailbox('Doomed')
    modseq = (await doomed.snapshot()).modseq
    waiter = asyncio.ensure_future(doomed.wait_for_change(modseq, math.inf))
    await asyncio.sleep(0)
    assert not waiter.done()
    await mailboxes.delete_mailbox('Doomed')
    await asyncio.wait_for(waiter, 5)
    # A wait that starts later ends at once too.
    await asyncio.wait_for(doomed.wait_for_change(modseq, math.inf), 5)


async def test_renamed_mailbox_lives_on() -> None:
    mailboxes = DictMailboxSet()
    await mailboxes.create_mailbox('Old')
    mailbox = await mailboxes.get_mailbox('Old')
    await mailbox.append([_NEW])
    await mailboxes.rename_mailbox('Old', 'New')
    assert await mailboxes.get_mailbox('New') is mailbox
    assert mailbox.name == 'New'
    assert (await mailbox.snapshot()).uids == [1]
    assert await mailbox.update_flags([1], frozenset([b'\\Seen']), 'add') \
        == {1: frozenset([b'\\Seen'])}

"""Loading messages for FETCH (mailbox.py ``load``, load.lua): the records
and the first bytes' worth of contents in one round trip, the rest in MGETs
bounded in bytes; messages come back with CRLF line endings (RFC 3501
section 2.3.4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from pymap.interfaces.storage import Mailbox, NewMessage, StoredMessage

from ..changes import DATE
from . import Pair, Trips, inbox

#: A little more than half the bytes one round trip may bring.
LARGE = 600_000


def new(data: bytes) -> NewMessage:
    return NewMessage(data, frozenset(), DATE)


async def loaded(mailbox: Mailbox, uids: Sequence[int]
                 ) -> list[StoredMessage]:
    return [message async for message in mailbox.load(uids, True)
            if isinstance(message, StoredMessage)]


@pytest.fixture
def mgets(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many keys each MGET of the first backend asked for."""
    client = pair[0].client
    calls: list[int] = []
    mget = client.mget

    async def counted(keys: Sequence[str], *args: Any) -> Any:
        calls.append(len(keys))
        return await mget(keys, *args)
    monkeypatch.setattr(client, 'mget', counted)
    return calls


async def test_a_few_messages_cost_one_round_trip(
        pair: Pair, trips: Trips, mgets: list[int]) -> None:
    mailbox = await inbox(pair[0])
    await mailbox.append([new(b'Subject: %d\r\n\r\nbody\r\n' % n)
                          for n in range(3)])
    trips.clear()
    messages = await loaded(mailbox, [3, 9, 1])
    assert [message.meta.uid for message in messages] == [3, 1]
    assert messages[0].content.data == b'Subject: 2\r\n\r\nbody\r\n'
    assert trips == {'load': 1} and mgets == []


async def test_contents_beyond_the_budget_follow_in_batches(
        pair: Pair, mgets: list[int]) -> None:
    mailbox = await inbox(pair[0])
    datas = [b'Subject: %d\r\n\r\n%s\r\n' % (n, b'x' * LARGE)
             for n in range(4)]
    await mailbox.append([new(data) for data in datas])
    messages = await loaded(mailbox, [1, 2, 3, 4])
    assert [message.content.data for message in messages] == datas
    assert mgets == [1, 1, 1]


async def test_line_endings_are_made_canonical(pair: Pair) -> None:
    mailbox = await inbox(pair[0])
    await mailbox.append([new(b'Subject: lf\n\nbare\n'),
                          new(b'Subject: crlf\r\n\r\nkept\r\n')])
    bare, kept = await loaded(mailbox, [1, 2])
    assert bare.content.data == b'Subject: lf\r\n\r\nbare\r\n'
    assert bare.meta.size == len(bare.content.data)
    assert kept.content.data == b'Subject: crlf\r\n\r\nkept\r\n'
    assert kept.meta.size == len(kept.content.data)

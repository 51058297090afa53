"""Summaries from backends with and without the SummaryLoader capability."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.summaries import load_summaries
from pymap.interfaces.storage import NewMessage, SummaryLoader
from pymap.mime import MessageSummary

DATE = datetime(2022, 2, 2, tzinfo=UTC)


class ContentOnly:
    """A mailbox offering only :meth:`load`, as a plugin might."""

    def __init__(self, inner: DictMailbox) -> None:
        self.load = inner.load


async def _three_messages_one_expunged() -> DictMailbox:
    mailbox = DictMailbox('INBOX')
    await mailbox.append([NewMessage(b'Subject: %d\r\n\r\n' % n,
                                     frozenset(), DATE) for n in range(3)])
    await mailbox.expunge([2])
    return mailbox


async def test_summaries_of_content_without_the_capability() -> None:
    mailbox = ContentOnly(await _three_messages_one_expunged())
    assert not isinstance(mailbox, SummaryLoader)
    loaded = [(meta.uid, summary) async for meta, summary
              in load_summaries(mailbox, [3, 2, 1])]
    assert [(uid, summary.values_of(b'subject'))
            for uid, summary in loaded] == [(3, ('2',)), (1, ('0',))]
    again = [summary async for _, summary in load_summaries(mailbox, [1])]
    assert again[0].header == loaded[1][1].header == b'Subject: 0\r\n\r\n'


async def test_the_dict_backend_loads_summaries_itself() -> None:
    mailbox = await _three_messages_one_expunged()
    assert isinstance(mailbox, SummaryLoader)
    loaded = [(meta.uid, summary.values_of(b'subject'))
              async for meta, summary in mailbox.load_summaries([3, 2, 1])]
    assert loaded == [(3, ('2',)), (1, ('0',))]


async def _summaries(mailbox: DictMailbox,
                     uids: list[int]) -> list[MessageSummary]:
    return [summary async for _, summary in mailbox.load_summaries(uids)]


async def test_the_dict_backend_summarises_after_answering_an_append(
        ) -> None:
    source, target = DictMailbox('INBOX'), DictMailbox('Copies')
    await source.append([NewMessage(b'Subject: lf\n\nbody\n', frozenset(),
                                    DATE)])
    await source.copy_to([1], target, False)  # not summarised yet
    await asyncio.sleep(0)  # the loop's next turn summarises it
    await source.copy_to([1], target, False)  # shares the summary
    first, = await _summaries(source, [1])
    assert (await _summaries(source, [1]))[0] is first
    assert first.header == b'Subject: lf\r\n\r\n'
    made_apart, shared = await _summaries(target, [1, 2])
    assert shared is first
    assert made_apart is not first
    assert made_apart.header == first.header

"""Summaries from backends with and without the SummaryLoader capability."""

from __future__ import annotations

from datetime import UTC, datetime

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.summaries import load_summaries
from pymap.interfaces.storage import NewMessage, SummaryLoader

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

"""Summaries from backends with and without the SummaryLoader capability."""

from __future__ import annotations

from datetime import UTC, datetime

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.summaries import load_summaries
from pymap.interfaces.storage import NewMessage, SummaryLoader

DATE = datetime(2022, 2, 2, tzinfo=UTC)


async def test_summaries_of_content_without_the_capability() -> None:
    mailbox = DictMailbox('INBOX')
    assert not isinstance(mailbox, SummaryLoader)
    await mailbox.append([NewMessage(b'Subject: %d\r\n\r\n' % n,
                                     frozenset(), DATE) for n in range(3)])
    await mailbox.expunge([2])
    loaded = [(meta.uid, summary)
              async for meta, summary in load_summaries(mailbox, [3, 2, 1])]
    assert [(uid, summary.values_of(b'subject'))
            for uid, summary in loaded] == [(3, ('2',)), (1, ('0',))]
    again = [summary async for _, summary in load_summaries(mailbox, [1])]
    assert again[0] is loaded[1][1]

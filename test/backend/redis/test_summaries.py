"""Message summaries of the redis backend: made from the content once per
process, then kept by content digest, which never changes its content."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pymap.backend.redis import RedisBackend
from pymap.backend.redis.mailbox import RedisMailbox
from pymap.backend.summarycodec import pack_summary
from pymap.interfaces.storage import NewMessage, SummaryLoader
from pymap.mime import MessageContent

from ...redis_server import RedisServer
from . import open_backend

DATE = datetime(2024, 5, 6, tzinfo=UTC)
MESSAGES = [b'Subject: one\r\n\r\nfirst\r\n',
            b'From: a@example.com\r\nSubject: two\r\n\r\nsecond\r\n',
            b'Subject: one\r\n\r\nfirst\r\n']


@pytest.fixture
async def backend(redis_server: RedisServer) -> AsyncIterator[RedisBackend]:
    backend = await open_backend(redis_server.url)
    await backend.client.set(backend.keys.prefix + 'john', 'pw')
    yield backend
    await backend.close()


async def _inbox(backend: RedisBackend) -> RedisMailbox:
    mailbox = await (await backend.users.mailboxes('john')).get_mailbox(
        'INBOX')
    assert isinstance(mailbox, RedisMailbox)
    return mailbox


async def test_summaries_are_those_of_the_content(
        backend: RedisBackend) -> None:
    inbox = await _inbox(backend)
    assert isinstance(inbox, SummaryLoader)
    await inbox.append([NewMessage(data, frozenset(), DATE)
                        for data in MESSAGES])
    await inbox.expunge([2])
    loaded = [(meta.uid, pack_summary(summary))
              async for meta, summary in inbox.load_summaries([3, 2, 1, 9])]
    assert loaded == [
        (uid, pack_summary(MessageContent.parse(MESSAGES[uid - 1]).summary))
        for uid in (3, 1)]


async def test_summaries_are_kept_by_digest(
        backend: RedisBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = await _inbox(backend)
    await inbox.append([NewMessage(data, frozenset(), DATE)
                        for data in MESSAGES])
    first = [summary async for _, summary in inbox.load_summaries([1, 2])]

    async def no_content(*args: object) -> None:
        raise AssertionError('content fetched')
    monkeypatch.setattr(RedisMailbox, '_contents', no_content)
    again = [summary async for _, summary
             in inbox.load_summaries([1, 2, 3])]
    assert again == [first[0], first[1], first[0]]  # the same objects

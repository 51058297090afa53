"""Reading some octets of a message (the RangeLoader capability) on every
bundled backend, and FETCH of body parts of a large message reading only
those octets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.fetch import fetch_plan
from pymap.backend.fetch_responses import FetchResponses
from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.interfaces.storage import (
    Mailbox,
    MessageMeta,
    NewMessage,
    RangeLoader,
    StoredMessage,
    SummaryLoader,
)
from pymap.parsing.fetch import parse_fetch_attributes
from pymap.parsing.scanner import Scanner
from pymap.selected import SelectedView
from pymap.testing.conformance.messages import LARGE, LARGE_TEXT, lf_only

from ..redis_server import RedisServer
from .redis import open_backend

DATE = datetime(2024, 5, 6, tzinfo=UTC)
#: The octets of :data:`LARGE` that part 1, its text, lies in.
TEXT_AT = LARGE.index(LARGE_TEXT)


@pytest.fixture(params=['dict', 'maildir', 'redis'])
async def inbox(request: pytest.FixtureRequest,
                tmp_path: Path) -> AsyncIterator[Mailbox]:
    """An empty INBOX of each backend."""
    if request.param == 'dict':
        yield DictMailbox('INBOX')
    elif request.param == 'maildir':
        mailboxes = await MaildirMailboxSet.open(
            MaildirPlusPlus(tmp_path), ContentCache(), fsync=False)
        yield await mailboxes.get_mailbox('INBOX')
    else:
        server: RedisServer = request.getfixturevalue('redis_server')
        backend = await open_backend(server.url)
        await backend.client.set(backend.keys.prefix + 'john', 'pw')
        mailboxes = await backend.users.mailboxes('john')
        yield await mailboxes.get_mailbox('INBOX')
        await backend.close()


async def _append(mailbox: Mailbox, *messages: bytes) -> list[int]:
    return list(await mailbox.append([NewMessage(data, frozenset(), DATE)
                                      for data in messages]))


async def test_ranges_are_octets_of_the_crlf_form(inbox: Mailbox) -> None:
    assert isinstance(inbox, RangeLoader)
    assert isinstance(inbox, SummaryLoader)
    uid, = await _append(inbox, LARGE)
    for start, end in [(0, 10), (TEXT_AT, TEXT_AT + len(LARGE_TEXT)),
                       (len(LARGE) - 7, len(LARGE)), (5, 5)]:
        assert await inbox.load_range(uid, start, end) == LARGE[start:end]
    assert await inbox.load_range(uid + 1, 0, 10) is None


async def test_ranges_of_octets_stored_with_bare_lf(inbox: Mailbox) -> None:
    """Offsets are into the CRLF form whatever form the octets are stored
    in: a backend that stores messages as received makes the range from
    its stored octets up to its end."""
    assert isinstance(inbox, RangeLoader)
    uid, = await _append(inbox, lf_only(LARGE))
    for start, end in [(0, 10), (TEXT_AT, TEXT_AT + len(LARGE_TEXT)),
                       (len(LARGE) - 7, len(LARGE)), (5, 5),
                       (len(LARGE) - 3, len(LARGE) + 9)]:
        assert await inbox.load_range(uid, start, end) == LARGE[start:end]


async def test_no_range_of_a_file_longer_than_its_size(
        tmp_path: Path) -> None:
    """A maildir file that is longer than the RFC822.SIZE it was indexed
    with is not the file the layout was taken from."""
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path), ContentCache(), fsync=False)
    inbox = await mailboxes.get_mailbox('INBOX')
    assert isinstance(inbox, RangeLoader)
    uid, = await _append(inbox, lf_only(LARGE))
    assert await inbox.load_range(uid, 0, 10) == LARGE[:10]
    [path] = (tmp_path / 'cur').iterdir()
    path.write_bytes(LARGE + b'\r\n')
    assert await inbox.load_range(uid, 0, 10) is None


class _Watched:
    """A mailbox that notes which octets are loaded through it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.whole: list[int] = []
        self.batches: list[int] = []
        self.ranges: list[tuple[int, int, int]] = []

    def snapshot(self) -> Any:
        return self._inner.snapshot()

    async def load(self, uids: Sequence[int], content: bool
                   ) -> AsyncIterator[MessageMeta | StoredMessage]:
        if content:
            self.batches.append(len(uids))
        async for message in self._inner.load(uids, content):
            if isinstance(message, StoredMessage):
                self.whole.append(message.meta.uid)
            yield message

    def load_summaries(self, uids: Sequence[int]) -> Any:
        return self._inner.load_summaries(uids)

    async def load_range(self, uid: int, start: int, end: int
                         ) -> bytes | None:
        self.ranges.append((uid, start, end))
        octets: bytes | None = await self._inner.load_range(uid, start, end)
        return octets


class _Whole:
    """A mailbox that loads messages whole, as a backend without the
    capability does."""

    def __init__(self, inner: Any) -> None:
        self.snapshot = inner.snapshot
        self.load = inner.load
        self.load_summaries = inner.load_summaries


class _Collected:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def queue(self, data: bytes) -> None:
        self.chunks.append(data)


async def _fetch(mailbox: Any, uids: list[int], items: bytes) -> bytes:
    attributes = parse_fetch_attributes(Scanner(items, 0))
    view = SelectedView(await mailbox.snapshot(), 0, readonly=True)
    sent = _Collected()
    await FetchResponses(fetch_plan(tuple(attributes)), view).send(
        mailbox, uids, sent)
    return b''.join(sent.chunks)


async def test_parts_of_a_large_message_are_read_alone(
        inbox: Mailbox) -> None:
    small, large, lf = await _append(inbox, b'Subject: small\r\n\r\nhi\r\n',
                                     LARGE, lf_only(LARGE))
    watched = _Watched(inbox)
    items = b'(BODY.PEEK[1] BODY.PEEK[3.1])'
    responses = await _fetch(watched, [small, large, lf], items)
    assert responses == await _fetch(_Whole(inbox), [small, large, lf], items)
    assert responses.count(LARGE_TEXT) == 2
    assert responses.count(b'The report is in the photographs.') == 2
    # The large message's text and report lie 440 KB apart, and one range
    # reads both, whether it is stored with CRLF or bare LF line endings;
    # the small one is loaded whole.
    [(_, start, end)] = [read for read in watched.ranges
                         if read[0] == large]
    assert LARGE[start:end].startswith(LARGE_TEXT)
    assert end - start < len(LARGE) - 100
    assert [(start, end)] == [(low, high) for uid, low, high in watched.ranges
                              if uid == lf]
    assert watched.whole == [small]


async def test_a_part_header_reads_the_header_alone(inbox: Mailbox) -> None:
    uid, = await _append(inbox, LARGE)
    watched = _Watched(inbox)
    responses = await _fetch(watched, [uid], b'(BODY.PEEK[2.MIME])')
    assert responses.endswith(b'Content-Transfer-Encoding: base64'
                              b'\r\n\r\n)\r\n')
    [(_, start, end)] = watched.ranges
    assert end - start == len(b'Content-Type: application/octet-stream; '
                              b'name="photos.tar"\r\n'
                              b'Content-Transfer-Encoding: base64\r\n\r\n')
    assert watched.whole == []


async def test_many_small_messages_keep_their_order() -> None:
    """Messages loaded whole go in batches, each before the large
    message that follows it."""
    mailbox = DictMailbox('INBOX')
    count = 2500
    uids = await _append(mailbox, *(b'\r\n%d' % number
                                    for number in range(count)))
    uids += await _append(mailbox, LARGE, b'\r\nlast')
    watched = _Watched(mailbox)
    responses = await _fetch(watched, uids, b'(BODY.PEEK[1])')
    assert responses.split(b'\r\n', count)[:count] == [
        b'* %d FETCH (BODY[1] "%d")' % (seq, seq - 1)
        for seq in range(1, count + 1)]
    assert responses.endswith(b'* %d FETCH (BODY[1] "%s")\r\n'
                              b'* %d FETCH (BODY[1] "last")\r\n'
                              % (count + 1, LARGE_TEXT, count + 2))
    assert watched.whole == [*uids[:count], uids[-1]]
    assert watched.batches == [1000, 1000, 500, 1]
    assert [uid for uid, _, _ in watched.ranges] == [uids[count]]

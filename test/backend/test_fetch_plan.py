"""FETCH plans: what each command loads, and the same bytes whether a
summary or the whole message answers (RFC 3501 §6.4.5, §7.4.2)."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.fetch import FetchPlan, Loaded, Needs
from pymap.backend.fetch_responses import APART_BYTES, FetchResponses
from pymap.interfaces.storage import MessageMeta, NewMessage, StoredMessage
from pymap.mime import MessageContent
from pymap.parsing.commands import FetchCommand
from pymap.parsing.parser import parse_command
from pymap.selected import SelectedView

CORPUS = sorted((Path(__file__).parents[1] / 'mime' / 'corpus')
                .glob('*.eml'))
SUMMARIZED = (b'(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY '
              b'BODYSTRUCTURE RFC822.HEADER BODY.PEEK[HEADER] '
              b'BODY.PEEK[HEADER.FIELDS (FROM Subject)]<3.40> '
              b'BODY.PEEK[HEADER.FIELDS.NOT (DATE)])')


def plan(items: bytes) -> FetchPlan:
    command = parse_command(b'a FETCH 1 ' + items)
    assert isinstance(command, FetchCommand)
    return FetchPlan(command.attributes)


@pytest.mark.parametrize(('items', 'needs'), [
    (b'(UID FLAGS)', Needs.VIEW),
    (b'FAST', Needs.META),
    (b'ALL', Needs.SUMMARY),
    (SUMMARIZED, Needs.SUMMARY),
    (b'(ENVELOPE BODY.PEEK[])', Needs.CONTENT),
    (b'BODY.PEEK[1.HEADER]', Needs.CONTENT),
    (b'BINARY.SIZE[1]', Needs.CONTENT),
])
def test_needs(items: bytes, needs: Needs) -> None:
    assert plan(items).needs is needs


@pytest.mark.parametrize('path', CORPUS, ids=lambda path: path.name)
def test_summary_answers_as_the_content(path: Path) -> None:
    content = MessageContent.parse(path.read_bytes())
    meta = MessageMeta(7, datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC),
                       content.size)
    fetch = plan(SUMMARIZED)
    from_summary = fetch.render(3, 7, [b'\\Seen'],
                                Loaded(meta, summary=content.summary))
    fresh = MessageContent.parse(path.read_bytes())
    from_content = fetch.render(3, 7, [b'\\Seen'],
                                Loaded(meta, content=fresh))
    assert from_summary == from_content
    assert from_summary.startswith(
        b'* 3 FETCH (UID 7 FLAGS (\\Seen) INTERNALDATE '
        b'" 3-Feb-2024 04:05:06 +0000" RFC822.SIZE %d ENVELOPE ('
        % content.size)
    assert b' BODY[HEADER.FIELDS (FROM SUBJECT)]<3> ' in from_summary


def test_missing_data_is_an_error() -> None:
    with pytest.raises(ValueError, match='INTERNALDATE'):
        plan(b'INTERNALDATE').render(1, 1, [], Loaded())
    with pytest.raises(ValueError, match='ENVELOPE'):
        plan(b'ENVELOPE').render(1, 1, [], Loaded())
    with pytest.raises(ValueError, match='BODY'):
        plan(b'BODY.PEEK[]').render(1, 1, [], Loaded())


@pytest.mark.parametrize('items', [b'BODY.PEEK[]', b'(UID BINARY.PEEK[])',
                                   b'(FLAGS RFC822)'])
def test_message_octets_copied_once(items: bytes) -> None:
    """A large message goes into its response in one copy: fetching it
    needs memory for the response, not for several copies of it."""
    body = b'x' * 76 + b'\r\n'
    content = MessageContent.parse(b'Subject: big\r\n\r\n' + body * 50_000)
    meta = MessageMeta(7, datetime(2024, 2, 3, tzinfo=UTC), content.size)
    fetch = plan(items)
    tracemalloc.start()
    try:
        response = fetch.render(3, 7, [], Loaded(meta, content=content))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.endswith(content.data + b')\r\n')
    assert peak < 1.25 * content.size


class _Collected:
    """Keeps the responses queued, as they were handed over."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def queue(self, data: bytes) -> None:
        self.chunks.append(data)


async def _sent_for(message: bytes) -> tuple[list[bytes], bytes, bytes]:
    """What FETCH responses hand on for one message's ``BODY.PEEK[]``,
    the response they make, and the octets the mailbox loaded."""
    mailbox = DictMailbox('INBOX')
    [uid] = await mailbox.append([NewMessage(message, frozenset(),
                                             datetime.now(UTC))])
    view = SelectedView(await mailbox.snapshot(), 0, readonly=True)
    responses = FetchResponses(plan(b'(UID BODY.PEEK[])'), view)
    sent = _Collected()
    await responses.send(mailbox, [uid], sent)
    [loaded] = [stored async for stored in mailbox.load([uid], True)]
    assert isinstance(loaded, StoredMessage)
    response = b'* 1 FETCH (UID %d BODY[] {%d}\r\n%s)\r\n' \
        % (uid, len(message), message)
    return sent.chunks, response, loaded.content.data


@pytest.mark.parametrize('lines', [50_000, 60], ids=['large', 'a-page'])
async def test_message_octets_leave_uncopied(lines: int) -> None:
    """Message octets of a page or more leave the FETCH responses as the
    very bytes the mailbox loaded, beside the response's other bytes."""
    message = b'Subject: big\r\n\r\n' + (b'x' * 76 + b'\r\n') * lines
    assert len(message) >= APART_BYTES
    chunks, response, octets = await _sent_for(message)
    assert b''.join(chunks) == response
    assert any(chunk is octets for chunk in chunks)


async def test_small_messages_leave_in_one_piece() -> None:
    message = b'Subject: small\r\n\r\n' + b'x' * (APART_BYTES - 100)
    chunks, response, _ = await _sent_for(message)
    assert chunks == [response]

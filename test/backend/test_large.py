"""Costly messages are analysed off the event loop (pymap.backend.large):
whatever FETCH or SEARCH needs parsed of a message of 256 KiB or more, or
with a header section of 16 KiB or more, is parsed in a worker thread, on
every backend, so that the other sessions go on meanwhile. Small
messages are parsed where they always were."""

from __future__ import annotations

import asyncio
import imaplib
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from pymap.backend.dict.mailbox import DictMailbox
from pymap.backend.fetch import FetchPlan
from pymap.backend.large import LARGE_BYTES, LARGE_HEADER_BYTES, is_costly
from pymap.backend.summaries import load_summaries
from pymap.interfaces.storage import NewMessage
from pymap.mime import MessageContent, MessageSummary, content, lines, summary
from pymap.parsing.commands import FetchCommand
from pymap.parsing.parser import parse_command

Connect = Callable[..., imaplib.IMAP4]


def _message(header: bytes = b'', body: bytes = b'hello\r\n') -> bytes:
    return (b'From: a@example.com\r\nSubject: costly\r\n' + header
            + b'MIME-Version: 1.0\r\n'
            b'Content-Type: multipart/mixed; boundary=b\r\n\r\n'
            b'--b\r\nContent-Type: text/plain\r\n\r\n' + body
            + b'\r\n--b\r\nContent-Type: application/octet-stream\r\n'
            b'Content-Transfer-Encoding: base64\r\n\r\nQUJD\r\n--b--\r\n')


LARGE = _message(body=b'word ' * (LARGE_BYTES // 5))
LONG_HEADER = _message(header=b'To: ' + b'b@example.com, ' * (
    LARGE_HEADER_BYTES // 15) + b'c@example.com\r\n')
SMALL = _message()
DATE = datetime(2024, 1, 2, tzinfo=UTC)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[list[tuple[str, str]]]:
    """What was done (``parse``: the MIME structure of a message parsed,
    ``derive``: its summary derived), and the name of the thread it was
    done in."""
    names: list[tuple[str, str]] = []
    parse, derive = content.parse_message, summary.MessageSummary.derive

    def parse_message(*args: object, **kwargs: object) -> object:
        names.append(('parse', threading.current_thread().name))
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    def derive_summary(cls: type[MessageSummary],
                       message: MessageContent) -> MessageSummary:
        names.append(('derive', threading.current_thread().name))
        return derive.__func__(cls, message)  # type: ignore[attr-defined]

    monkeypatch.setattr(content, 'parse_message', parse_message)
    monkeypatch.setattr(summary.MessageSummary, 'derive',
                        classmethod(derive_summary))
    yield names


def _in_workers(threads: list[tuple[str, str]]) -> bool:
    return all(name.startswith('pymap-blocking') for _, name in threads)


def test_a_large_append_is_scanned_in_a_worker(
        connect: Connect, monkeypatch: pytest.MonkeyPatch) -> None:
    """The line endings of a large message (its RFC822.SIZE) are looked
    at in a worker thread, on every backend."""
    scans: list[str] = []
    has_bare_lf = lines._has_bare_lf

    def recorded(raw: bytes, start: int, end: int) -> bool:
        if len(raw) >= LARGE_BYTES:
            scans.append(threading.current_thread().name)
        return has_bare_lf(raw, start, end)

    monkeypatch.setattr(lines, '_has_bare_lf', recorded)
    imap = connect()
    assert imap.append('INBOX', '', None, LARGE.replace(b'\r\n', b'\n'))[0] \
        == 'OK'
    assert scans and all(name.startswith('pymap-blocking')
                         for name in scans), scans
    imap.select('INBOX')
    typ, fetched = imap.fetch('1', '(RFC822.SIZE)')
    assert typ == 'OK' and b'RFC822.SIZE %d' % len(LARGE) in fetched[0]


def test_which_messages_are_costly() -> None:
    assert is_costly(MessageContent.parse(LARGE))
    assert is_costly(MessageContent.parse(LONG_HEADER))
    assert not is_costly(MessageContent.parse(SMALL))


@pytest.mark.parametrize('items', [
    b'(BODY.PEEK[1])', b'(BINARY.PEEK[2])', b'(BODY.PEEK[TEXT])',
    b'(ENVELOPE)', b'(BODYSTRUCTURE)', b'(ENVELOPE BODY.PEEK[1.MIME])'])
@pytest.mark.parametrize('data', [LARGE, LONG_HEADER], ids=['large', 'header'])
def test_a_costly_message_is_parsed_in_a_worker(
        connect: Connect, threads: list[tuple[str, str]], data: bytes,
        items: bytes) -> None:
    imap = connect()
    assert imap.append('INBOX', '', None, data)[0] == 'OK'
    imap.select('INBOX')
    typ, fetched = imap.fetch('1', items.decode())
    assert typ == 'OK' and fetched[0] is not None
    typ, found = imap.search(None, 'TEXT', 'costly')
    assert (typ, found) == ('OK', [b'1'])
    assert threads and _in_workers(threads), threads


def test_a_small_message_is_parsed_at_once(
        connect: Connect, threads: list[tuple[str, str]]) -> None:
    imap = connect()
    assert imap.append('INBOX', '', None, SMALL)[0] == 'OK'
    imap.select('INBOX')
    threads.clear()
    assert imap.fetch('1', '(BODY.PEEK[1])')[0] == 'OK'
    assert threads and not _in_workers(threads), threads


def _plan(items: bytes) -> FetchPlan:
    command = parse_command(b'a FETCH 1 ' + items)
    assert isinstance(command, FetchCommand)
    return FetchPlan(command.attributes)


@pytest.mark.parametrize(('items', 'reads'), [
    (b'(UID FLAGS INTERNALDATE RFC822.SIZE)', False),
    (b'(BODY.PEEK[] RFC822 BODY[]<0.10>)', False),
    (b'(BODY.PEEK[1])', True),
    (b'(BODY.PEEK[HEADER])', True),
    (b'(BINARY.PEEK[])', True),
    (b'(BODY.PEEK[] ENVELOPE)', True),
    (b'(RFC822.TEXT)', True),
])
def test_which_items_read_the_structure(items: bytes, reads: bool) -> None:
    assert _plan(items).reads_structure is reads


async def test_one_summary_making_serves_every_command(
        threads: list[tuple[str, str]]) -> None:
    mailbox = DictMailbox('INBOX')
    uid, = await mailbox.append([NewMessage(LONG_HEADER, frozenset(), DATE)])

    async def summarised() -> MessageSummary:
        (_, found), = [item async for item in mailbox.load_summaries([uid])]
        return found

    first, second, third = await asyncio.gather(
        summarised(), summarised(), summarised())
    assert first is second is third
    assert [done for done, _ in threads].count('derive') == 1
    assert _in_workers(threads)


class _ContentOnly:
    """A mailbox offering only :meth:`load`, as a plugin might."""

    def __init__(self, inner: DictMailbox) -> None:
        self.load = inner.load


async def test_summaries_without_the_capability_are_made_in_a_worker(
        threads: list[tuple[str, str]]) -> None:
    inner = DictMailbox('INBOX')
    await inner.append([NewMessage(LARGE, frozenset(), DATE)])
    made = [found async for _, found
            in load_summaries(_ContentOnly(inner), [1])]
    assert made[0].values_of(b'subject') == ('costly',)
    assert ('derive', 'MainThread') not in threads
    assert any(done == 'derive' for done, _ in threads)
    assert _in_workers(threads)

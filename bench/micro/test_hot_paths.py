"""The per-command and per-message work that dominates a busy server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pymap.backend.flagtable import COPY_LIMIT, FlagTable, LayeredFlags
from pymap.backend.redis.snapshots import described
from pymap.interfaces.storage import ChangeLog, FlagSet, MailboxSnapshot
from pymap.mime import MessageContent
from pymap.mime.lines import to_crlf
from pymap.parsing.framing import CommandFramer, Framed, LiteralRequest
from pymap.parsing.parser import parse_command
from pymap.parsing.response import render_sexp
from pymap.parsing.scanner import Scanner
from pymap.parsing.search import parse_search_keys
from pymap.search import SearchContext, SearchQuery
from pymap.selected import SelectedView

CORPUS = Path(__file__).parents[2] / 'test' / 'mime' / 'corpus'
MESSAGE = (CORPUS / '04-mixed-base64-rfc2231.eml').read_bytes()
FETCH = (b'a1 UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE '
         b'BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)])')
APPEND = b'a2 APPEND INBOX (\\Seen) {%d}\r\n' % len(MESSAGE) + MESSAGE


def test_parse_fetch_command(benchmark: BenchmarkFixture) -> None:
    command = benchmark(parse_command, FETCH)
    assert type(command).__name__ == 'FetchCommand'


def test_frame_and_parse_append(benchmark: BenchmarkFixture) -> None:
    def frame() -> object:
        framer = CommandFramer(65536)
        framer.feed(APPEND + b'\r\n')
        while True:
            event = framer.next_event()
            if isinstance(event, LiteralRequest):
                framer.accept_literal()
            elif isinstance(event, Framed):
                return parse_command(event.data, event.literals)
    assert type(benchmark(frame)).__name__ == 'AppendCommand'


def test_parse_message(benchmark: BenchmarkFixture) -> None:
    content = benchmark(MessageContent.parse, MESSAGE)
    assert content.size > 0


def test_envelope_and_bodystructure(benchmark: BenchmarkFixture) -> None:
    def render() -> bytes:
        content = MessageContent.parse(MESSAGE)
        return render_sexp(content.envelope()) + \
            render_sexp(content.body_structure(extended=True))
    assert benchmark(render).startswith(b'(')


def test_search_text(benchmark: BenchmarkFixture) -> None:
    key = parse_search_keys(Scanner(b'OR SUBJECT report BODY invoice'))
    query = SearchQuery(key, None)
    summaries = [MessageContent.parse(MESSAGE).summary for _ in range(100)]

    def search() -> int:
        return sum(query.matches(SearchContext(
            seq, seq, frozenset(), 100, 100, summary=summary))
            for seq, summary in enumerate(summaries, 1))
    assert benchmark(search) >= 0


def _changed_snapshots(size: int, logged: bool, change: str
                       ) -> tuple[MailboxSnapshot, MailboxSnapshot]:
    """A mailbox of *size* messages before and after one *change*: a
    STORE to one of them, or an APPEND of one more; with or without the
    change log."""
    uids = list(range(1, size + 1))
    flags: dict[int, FlagSet] = {uid: frozenset() for uid in uids}
    log = ChangeLog(1) if logged else None
    old = MailboxSnapshot(1, size + 1, 1, uids, flags, size, log)
    if change == 'store':
        touched = size // 2
        new = MailboxSnapshot(1, size + 1, 2, uids,
                              {**flags, touched: frozenset([b'\\Seen'])},
                              size, log and log.record(2, [touched]))
    else:
        touched = size + 1
        new = MailboxSnapshot(1, size + 2, 2, [*uids, touched],
                              {**flags, touched: frozenset()},
                              size, log and log.record(2, [touched]))
    return old, new


@pytest.mark.parametrize('change', ['store', 'append'])
@pytest.mark.parametrize('logged', [True, False], ids=['log', 'full'])
@pytest.mark.parametrize('size', [2_000, 10_000])
def test_view_update_after_one_change(benchmark: BenchmarkFixture,
                                      size: int, logged: bool,
                                      change: str) -> None:
    """One session's update after a change: a FETCH for a STORE, EXISTS
    and RECENT for an APPEND (each IDLE session pays it on a fan-out)."""
    old, new = _changed_snapshots(size, logged, change)
    new_recent = [] if change == 'store' else [size + 1]

    def fresh_view() -> tuple[tuple[SelectedView], dict[str, object]]:
        return (SelectedView(old, size, readonly=False),), {}

    def update(view: SelectedView) -> int:
        return len(view.update(new, new_recent, allow_expunge=True))
    expected = 1 if change == 'store' else 2
    assert benchmark.pedantic(update, setup=fresh_view,
                              rounds=200) == expected


def test_internaldate(benchmark: BenchmarkFixture) -> None:
    from pymap.parsing.values import format_datetime
    when = datetime(2024, 11, 4, 9, 0, tzinfo=UTC)
    assert benchmark(format_datetime, when).startswith(b'" 4-Nov-2024')


def test_bare_line_feed_scan(benchmark: BenchmarkFixture) -> None:
    """What every APPEND pays for RFC822.SIZE: a 20 KB message with CRLF
    line endings comes back as it is."""
    line = b'A line of text. ' * 4 + b'\r\n'
    message = b'Subject: scan\r\n\r\n' + line * 300
    assert benchmark(to_crlf, message) is message


@pytest.mark.parametrize('layered', [False, True], ids=['dict', 'layered'])
def test_flags_of_every_message(benchmark: BenchmarkFixture,
                                layered: bool) -> None:
    """A FETCH 1:* (FLAGS) reads every message's flags: from a dict, or
    through the layers of a large mailbox's snapshot."""
    table = FlagTable(copy_limit=0 if layered else COPY_LIMIT)
    for uid in range(1, 4097):
        table.put(uid, frozenset())
    uids, flags = table.shared()
    table.put(7, frozenset([b'\\Seen']))
    uids, flags = table.shared()
    assert isinstance(flags, LayeredFlags) is layered

    def read_all() -> int:
        return sum(len(flags.get(uid, ())) for uid in uids)
    assert benchmark(read_all) == 1


@pytest.mark.parametrize('built', ['each', 'last'])
def test_descriptions_of_appends(benchmark: BenchmarkFixture,
                                 built: str) -> None:
    """The redis backend's bookkeeping of 64 APPENDs to a mailbox of 1,000
    messages (``pymap/backend/redis/snapshots.py``): each APPEND's
    snapshot built, as when a session of the process has the mailbox
    selected, or only the last one, as when none has."""
    pairs = [value for uid in range(1, 1001) for value in (b'%d' % uid, b'')]
    start = described([[b'1', b'1001', b'1', b'0'], b'full', pairs], None)
    replies = [[[b'1', b'%d' % (uid + 1), b'%d' % (uid - 999), b'0'],
                b'delta', [b'%d' % uid], [b'']]
               for uid in range(1001, 1065)]

    def describe() -> MailboxSnapshot:
        state = start
        for reply in replies:
            state = described(reply, state)
            if built == 'each':
                state.snapshot()
        return state.snapshot()
    assert len(benchmark(describe).uids) == 1064

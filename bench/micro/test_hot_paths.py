"""The per-command and per-message work that dominates a busy server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from pymap.interfaces.storage import MailboxSnapshot
from pymap.mime import MessageContent
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
                return parse_command(event.data)
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
    contents = [MessageContent.parse(MESSAGE) for _ in range(100)]

    def search() -> int:
        return sum(query.matches(SearchContext(
            seq, seq, frozenset(), 100, 100, content=content))
            for seq, content in enumerate(contents, 1))
    assert benchmark(search) >= 0


def test_view_update_with_one_change(benchmark: BenchmarkFixture) -> None:
    uids = list(range(1, 10_001))
    flags = {uid: frozenset() for uid in uids}
    old = MailboxSnapshot(1, 10_001, 1, uids, flags, 10_000)
    new = MailboxSnapshot(1, 10_002, 2, [*uids, 10_001],
                          {**flags, 10_001: frozenset()}, 10_000)

    def fresh_view() -> tuple[tuple[SelectedView], dict[str, object]]:
        return (SelectedView(old, 10_000, readonly=False),), {}

    def update(view: SelectedView) -> int:
        return len(view.update(new, [10_001], allow_expunge=True))
    assert benchmark.pedantic(update, setup=fresh_view, rounds=100) == 2


def test_internaldate(benchmark: BenchmarkFixture) -> None:
    from pymap.parsing.values import format_datetime
    when = datetime(2024, 11, 4, 9, 0, tzinfo=UTC)
    assert benchmark(format_datetime, when).startswith(b'" 4-Nov-2024')

"""The per-message work of FETCH and SEARCH answered from summaries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from pymap.backend.fetch import FetchPlan, Loaded
from pymap.backend.summarycodec import pack_summary, unpack_summary
from pymap.interfaces.storage import MessageMeta
from pymap.mime import MessageContent
from pymap.parsing.commands import FetchCommand
from pymap.parsing.parser import parse_command

CORPUS = Path(__file__).parents[2] / 'test' / 'mime' / 'corpus'
MESSAGE = (CORPUS / '04-mixed-base64-rfc2231.eml').read_bytes()
FETCH = (b'a1 UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE '
         b'BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)])')


def test_summarise_message(benchmark: BenchmarkFixture) -> None:
    summary = benchmark(lambda: MessageContent.parse(MESSAGE).summary)
    assert summary.size == MessageContent.parse(MESSAGE).size


def test_fetch_headers_from_summaries(benchmark: BenchmarkFixture) -> None:
    command = parse_command(FETCH)
    assert isinstance(command, FetchCommand)
    plan = FetchPlan(command.attributes)
    meta = MessageMeta(1, datetime(2024, 11, 4, 9, 0, tzinfo=UTC), 100)
    loaded = [Loaded(meta, MessageContent.parse(MESSAGE).summary)
              for _ in range(100)]

    def render() -> int:
        return sum(len(plan.render(seq, seq, [b'\\Seen'], item))
                   for seq, item in enumerate(loaded, 1))
    assert benchmark(render) > 0


def test_summary_from_bytes(benchmark: BenchmarkFixture) -> None:
    packed = pack_summary(MessageContent.parse(MESSAGE).summary)
    assert benchmark(unpack_summary, packed).size > 0

"""The maildir backend's share of one IMAP command: the executor round trip,
the change probe, and FETCH BODY[] and STORE of one message at the storage
level, ending with the snapshot for the command's untagged responses."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pymap.backend.command_end import command_end
from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.dirs import make_maildir
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.mailbox import MaildirMailbox
from pymap.backend.maildir.scan import take_probe
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.executor import run_blocking
from pymap.interfaces.storage import NewMessage, StoredMessage

CORPUS = Path(__file__).parents[2] / 'test' / 'mime' / 'corpus'
MESSAGES = [path.read_bytes() for path in sorted(CORPUS.glob('*.eml'))]
#: Messages in the benchmarked mailbox: more than the content cache holds.
INBOX_SIZE = 400
#: Operations per benchmark round.
ROUND = 50


@pytest.fixture
def inbox(tmp_path: Path, loop: asyncio.AbstractEventLoop
          ) -> MaildirMailbox:
    async def fill() -> MaildirMailbox:
        mailboxes = await MaildirMailboxSet.open(
            MaildirPlusPlus(tmp_path), ContentCache(), fsync=False)
        inbox = await mailboxes.get_mailbox('INBOX')
        now = datetime.now(UTC)
        await inbox.append([
            NewMessage(MESSAGES[index % len(MESSAGES)], frozenset(), now)
            for index in range(INBOX_SIZE)])
        return inbox
    return loop.run_until_complete(fill())


def _rounds(loop: asyncio.AbstractEventLoop,
            operation: Callable[[], Awaitable[object]]) -> Callable[[], None]:
    async def run() -> None:
        for _ in range(ROUND):
            await operation()
    return lambda: loop.run_until_complete(run())


def test_executor_round_trip(benchmark: BenchmarkFixture,
                             loop: asyncio.AbstractEventLoop) -> None:
    benchmark(_rounds(loop, lambda: run_blocking(int)))
    assert loop.run_until_complete(run_blocking(int, '7')) == 7


def test_probe(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    probe = benchmark(take_probe, str(tmp_path))
    assert probe.keywords is None


def test_fetch_body(benchmark: BenchmarkFixture,
                    loop: asyncio.AbstractEventLoop,
                    inbox: MaildirMailbox) -> None:
    rng = random.Random(1)
    fetched: list[bytes | None] = []

    async def fetch() -> None:
        uid = rng.randint(1, INBOX_SIZE)
        async for message in inbox.load([uid], True):
            assert isinstance(message, StoredMessage)
            fetched.append(message.content.section((), None))
        with command_end():
            await inbox.snapshot()

    benchmark(_rounds(loop, fetch))
    assert all(fetched)


def test_store(benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop,
               inbox: MaildirMailbox) -> None:
    rng = random.Random(1)
    seen = frozenset([b'\\Seen'])

    async def store() -> None:
        await inbox.snapshot()
        await inbox.update_flags([rng.randint(1, INBOX_SIZE)], seen,
                                 rng.choice(('add', 'remove')))
        with command_end():
            await inbox.snapshot()

    benchmark(_rounds(loop, store))
    snapshot = loop.run_until_complete(inbox.snapshot())
    assert snapshot.uids == list(range(1, INBOX_SIZE + 1))

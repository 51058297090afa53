"""The redis backend's command path in process: packing a command,
queueing it on the shared connection (``pymap/backend/redis/wire.py``),
the first command of a turn of the event loop written at once and the others
of that turn together, and the reply parsed by hiredis and
handed to the caller's future. An in-memory peer answers every command at
once, so the cost shows without Redis and the system calls."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pymap.backend.redis.resp import pack
from pymap.backend.redis.wire import Wire

#: Commands per benchmark round.
ROUND = 200
#: A STORE's script call: the SHA, three keys, the arguments.
STORE = ('EVALSHA', 'f' * 40, 3, 'mbox:meta', 'mbox:flags', 'mbox:log',
         'pymap:changes', 'mbox', 12, 1, 'add', '\\Seen', 42)
#: What flags.lua answers: the UID and flags, and a short description.
REPLY = (b'*2\r\n*2\r\n$2\r\n42\r\n$5\r\n\\Seen\r\n'
         b'*3\r\n:13\r\n:1\r\n*0\r\n')


class _AnsweringPeer(asyncio.Transport):
    """Answers each command written with :data:`REPLY`, on the next turn
    of the loop, as a Redis on the same host would."""

    def __init__(self, wire: Wire) -> None:
        super().__init__()
        self._wire = wire

    def writelines(self, list_of_data: Iterable[bytes | bytearray
                                                 | memoryview]) -> None:
        count = len(list(list_of_data))
        asyncio.get_running_loop().call_soon(
            self._wire.data_received, REPLY * count)

    def abort(self) -> None:
        pass


@pytest.fixture
def wire(loop: asyncio.AbstractEventLoop) -> Wire:
    async def connected() -> Wire:
        wire = Wire(10.0)
        wire.connection_made(_AnsweringPeer(wire))
        return wire
    return loop.run_until_complete(connected())


def test_pack_store_script(benchmark: BenchmarkFixture) -> None:
    packed = benchmark(pack, STORE)
    assert packed.startswith(b'*13\r\n$7\r\nEVALSHA\r\n')


def test_sequential_calls(benchmark: BenchmarkFixture,
                          loop: asyncio.AbstractEventLoop,
                          wire: Wire) -> None:
    """One session's commands, each awaited before the next."""
    async def one_round() -> list[object]:
        return [await wire.call(*STORE) for _ in range(ROUND)]
    replies = benchmark(lambda: loop.run_until_complete(one_round()))
    assert replies[-1] == [[b'42', b'\\Seen'], [13, 1, []]]


def test_concurrent_calls(benchmark: BenchmarkFixture,
                          loop: asyncio.AbstractEventLoop,
                          wire: Wire) -> None:
    """Many sessions' commands at once: the first written at once, the
    others together after it."""
    async def one_round() -> list[object]:
        return list(await asyncio.gather(
            *(wire.call(*STORE) for _ in range(ROUND))))
    replies = benchmark(lambda: loop.run_until_complete(one_round()))
    assert len(replies) == ROUND and replies[0] == replies[-1]

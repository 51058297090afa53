"""Server memory per idle connection, and IDLE fan-out with many clients
in one pymap process.

For each backend, a fresh server per measurement: its resident memory
before and after opening N connections that stay (a) greeted, (b) logged
in with INBOX selected, or (c) in IDLE (RFC 2177); then, with M connections
in IDLE, R APPENDs from another connection, each timed from the moment the
APPEND is sent until every IDLE client has read its ``* n EXISTS``.

    python bench/idle_connections.py [--backends dict,maildir]
        [--connections 5000] [--fanout-connections 10000] [--appends 20]
        [--messages 1000] [--json]

The server runs on CPU 0 (``taskset``) and this client on CPU 1 when the
machine has them. Method and results: doc/performance.md. Benchmarks only;
the test suite runs it tiny and never asserts timings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from servers import BENCH_PASSWORD, BENCH_USER, present_cpu, start_server

STATES = ('greeted', 'selected', 'idle')
#: Seconds any one reply may take before the benchmark gives up.
REPLY_TIMEOUT = 120.0
_LOGIN = b'l LOGIN %s %s\r\n' % (BENCH_USER.encode(), BENCH_PASSWORD.encode())
_STEPS: dict[str, tuple[tuple[bytes, bytes], ...]] = {
    'greeted': (),
    'authenticated': ((_LOGIN, b'l OK'),),
    'selected': ((_LOGIN, b'l OK'), (b's SELECT INBOX\r\n', b's OK')),
    'idle': ((_LOGIN, b'l OK'), (b's SELECT INBOX\r\n', b's OK'),
             (b'i IDLE\r\n', b'+')),
}
_MESSAGE = (b'From: sender@example.com\r\nTo: bench@example.com\r\n'
            b'Subject: fan-out %d\r\n\r\nA short message.\r\n')


class _Round:
    """One APPEND's fan-out: when each IDLE client saw its EXISTS."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.latencies: list[float] = []
        self.done = asyncio.get_running_loop().create_future()
        self.start = time.perf_counter()
        self.answered = math.nan
        self.server_cpu = math.nan

    def record(self) -> None:
        self.latencies.append(time.perf_counter() - self.start)
        if len(self.latencies) >= self.expected and not self.done.done():
            self.done.set_result(None)


class _Client(asyncio.Protocol):
    """One connection, read line by line in callbacks (no task of its
    own, so that ten thousand of them stay cheap)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.round: _Round | None = None
        self._buffer = bytearray()
        self._wanted: tuple[bytes, ...] = ()
        self._reply: asyncio.Future[bytes] | None = None

    def expect(self, *prefixes: bytes) -> asyncio.Future[bytes]:
        """The next line starting with one of *prefixes*."""
        self._wanted = prefixes
        self._reply = asyncio.get_running_loop().create_future()
        return self._reply

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self._reply is not None and not self._reply.done():
            self._reply.set_exception(ConnectionError('server closed'))

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b'\r\n')) >= 0:
            line = bytes(self._buffer[:end])
            del self._buffer[:end + 2]
            self._line(line)

    def _line(self, line: bytes) -> None:
        if self.round is not None and line.endswith(b' EXISTS'):
            self.round.record()
            self.round = None
        reply = self._reply
        if reply is not None and line.startswith(self._wanted):
            self._reply = None
            reply.set_result(line)

    async def command(self, line: bytes, ok: bytes) -> None:
        """Sends *line* and waits for its tagged reply or a continuation
        request, which must start with *ok*."""
        reply = self.expect(line.split(b' ', 1)[0] + b' ', b'+ ')
        assert self.transport is not None
        self.transport.write(line)
        got = await asyncio.wait_for(reply, REPLY_TIMEOUT)
        if not got.startswith(ok):
            raise RuntimeError(f'{line[:20]!r} answered {got!r}')


async def _connect(port: int, state: str) -> _Client:
    client = _Client()
    greeting = client.expect(b'* OK', b'* BYE')
    await asyncio.get_running_loop().create_connection(
        lambda: client, '127.0.0.1', port)
    line = await asyncio.wait_for(greeting, REPLY_TIMEOUT)
    if not line.startswith(b'* OK'):
        raise RuntimeError(f'connection refused: {line!r}')
    for command, ok in _STEPS[state]:
        await client.command(command, ok)
    return client


async def _open(port: int, count: int, state: str,
                parallel: int) -> list[_Client]:
    """*count* connections brought to *state*, *parallel* at a time (the
    listen backlog is finite)."""
    clients: list[_Client] = []

    async def worker(share: int) -> None:
        for _ in range(share):
            clients.append(await _connect(port, state))

    shares = [count // parallel + (i < count % parallel)
              for i in range(min(parallel, count))]
    async with asyncio.TaskGroup() as group:
        for share in shares:
            group.create_task(worker(share))
    return clients


def _close(clients: Sequence[_Client]) -> None:
    for client in clients:
        if client.transport is not None:
            client.transport.abort()


def _cpu_seconds(pid: int) -> float:
    """The CPU time a process has used, user and system."""
    stat = Path(f'/proc/{pid}/stat').read_text()
    fields = stat.rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def _rss_kib(pid: int) -> int:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
    raise RuntimeError('no VmRSS')


@dataclass
class MemoryResult:
    """Server memory before and after opening connections in a state."""

    backend: str
    state: str
    connections: int
    messages: int
    rss_before_kib: int
    rss_after_kib: int
    refusals: int = 0

    @property
    def kib_per_connection(self) -> float:
        """The growth divided by the connections."""
        return (self.rss_after_kib - self.rss_before_kib) / self.connections


@dataclass
class FanoutResult:
    """EXISTS delivery times to every IDLE client over all the timed
    APPENDs, and how long each APPEND took to be answered."""

    backend: str
    connections: int
    messages: int
    appends: int
    latencies: list[float] = field(repr=False)
    answered: list[float] = field(repr=False)
    server_cpu: list[float] = field(repr=False)
    missing: int
    rss_kib: int
    refusals: int = 0


def percentile_ms(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of seconds, in milliseconds."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(0, math.ceil(fraction * len(ordered)) - 1)
    return round(ordered[rank] * 1000, 1)


async def _settled_rss(pid: int, settle: float) -> int:
    await asyncio.sleep(settle)
    return _rss_kib(pid)


def _append_command(tag: bytes, number: int) -> bytes:
    message = _MESSAGE % number
    return b'%s APPEND INBOX {%d+}\r\n%s\r\n' % (tag, len(message),
                                                  message)


async def _fill(port: int, count: int) -> None:
    """Puts *count* messages into INBOX, pipelined."""
    if not count:
        return
    client = await _connect(port, 'authenticated')
    assert client.transport is not None
    client.transport.write(b''.join(_append_command(b'f%d' % number, number)
                                    for number in range(count - 1)))
    await client.command(_append_command(b'last', count - 1), b'last OK')
    _close([client])


async def _memory(backend: str, port: int, pid: int, state: str,
                  args: argparse.Namespace) -> MemoryResult:
    await _fill(port, args.messages)
    _close(await _open(port, args.warmup, state, args.parallel))
    before = await _settled_rss(pid, args.settle)
    clients = await _open(port, args.connections, state, args.parallel)
    after = await _settled_rss(pid, args.settle)
    _close(clients)
    return MemoryResult(backend, state, args.connections, args.messages,
                        before, after)


async def _append_round(appender: _Client, idlers: Sequence[_Client],
                        number: int, pid: int) -> _Round:
    cpu = _cpu_seconds(pid)
    current = _Round(len(idlers))
    for client in idlers:
        client.round = current
    await appender.command(_append_command(b'a%d' % number, number),
                           b'a%d OK' % number)
    current.answered = time.perf_counter() - current.start
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(current.done), REPLY_TIMEOUT)
    for client in idlers:
        client.round = None
    current.server_cpu = _cpu_seconds(pid) - cpu
    return current


async def _fanout(backend: str, port: int, pid: int,
                  args: argparse.Namespace) -> FanoutResult:
    await _fill(port, args.messages)
    idlers = await _open(port, args.fanout_connections, 'idle',
                         args.parallel)
    appender = await _connect(port, 'authenticated')
    rss = await _settled_rss(pid, args.settle)
    result = FanoutResult(backend, len(idlers), args.messages, args.appends,
                          [], [], [], 0, rss)
    for number in range(args.warmup_appends + args.appends):
        done = await _append_round(appender, idlers, number, pid)
        if number >= args.warmup_appends:
            result.latencies += done.latencies
            result.answered.append(done.answered)
            result.server_cpu.append(done.server_cpu)
            result.missing += done.expected - len(done.latencies)
        await asyncio.sleep(args.interval)
    _close([*idlers, appender])
    return result


def _refusals(log: Path) -> int:
    """Connections or logins the server turned away, from its log."""
    text = log.read_text(errors='replace') if log.exists() else ''
    return sum('refused' in line for line in text.splitlines())


def _server_options(args: argparse.Namespace) -> list[str]:
    """Lifts the limits that would refuse the benchmark's clients."""
    most = max(args.connections, args.fanout_connections) + args.warmup + 10
    return ['--max-connections', str(most),
            '--max-connections-per-ip', str(most),
            '--preauth-timeout', '3600', '--autologout', '3600']


def _measure(backend: str, work: Path, args: argparse.Namespace,
             task: str) -> MemoryResult | FanoutResult:
    work.mkdir(parents=True)
    with start_server(f'pymap-{backend}', work, args.server_cpu,
                      args.redis_url, options=_server_options(args)) \
            as server:
        result: MemoryResult | FanoutResult
        if task == 'fanout':
            result = asyncio.run(_fanout(backend, server.port, server.pid,
                                         args))
        else:
            result = asyncio.run(_memory(backend, server.port, server.pid,
                                         task, args))
    result.refusals = _refusals(work / 'server.log')
    return result


def _summary(result: MemoryResult | FanoutResult) -> dict[str, float]:
    if isinstance(result, MemoryResult):
        return {'kib_per_connection': round(result.kib_per_connection, 1)}
    return {'p50_ms': percentile_ms(result.latencies, 0.5),
            'p99_ms': percentile_ms(result.latencies, 0.99),
            'max_ms': percentile_ms(result.latencies, 1.0),
            'append_p50_ms': percentile_ms(result.answered, 0.5),
            'server_cpu_p50_ms': percentile_ms(result.server_cpu, 0.5)}


def _line(result: MemoryResult | FanoutResult,
          summary: dict[str, float]) -> str:
    if isinstance(result, MemoryResult):
        text = (f'{result.backend:8} {result.state:9} '
                f'{result.connections:6} conns  '
                f'{result.rss_before_kib / 1024:7.1f} -> '
                f'{result.rss_after_kib / 1024:7.1f} MiB  '
                f'{summary["kib_per_connection"]:6.1f} KiB/conn')
    else:
        text = (f'{result.backend:8} fan-out   {result.connections:6} idle '
                f'x {result.appends} appends  p50 {summary["p50_ms"]} '
                f'p99 {summary["p99_ms"]} max {summary["max_ms"]} ms '
                f'(APPEND answered in {summary["append_p50_ms"]} ms, '
                f'server CPU {summary["server_cpu_p50_ms"]} ms)  '
                f'missing {result.missing}  '
                f'rss {result.rss_kib / 1024:.1f} MiB')
    if result.refusals:
        text += f'  ({result.refusals} refused: see the server log)'
    return text


def _report(result: MemoryResult | FanoutResult, as_json: bool) -> None:
    summary = _summary(result)
    if as_json:
        entry = {key: value for key, value in asdict(result).items()
                 if key not in ('latencies', 'answered', 'server_cpu')}
        print(json.dumps({**entry, **summary}), flush=True)
    else:
        print(_line(result, summary), flush=True)


def _raise_fd_limit(needed: int) -> None:
    """Raises the open-file limit to the hard limit (the server, started
    later, inherits it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(f'{needed} connections need more than the '
                         f'hard limit of {hard} open files')


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--backends', default='dict,maildir',
                        help='comma list of dict, maildir, redis')
    parser.add_argument('--redis-url', help='for the redis backend')
    parser.add_argument('--connections', type=int, default=5000,
                        help='connections per memory measurement')
    parser.add_argument('--fanout-connections', type=int, default=10000,
                        help='IDLE connections for the fan-out')
    parser.add_argument('--messages', type=int, default=1000,
                        help='messages in INBOX before the connections')
    parser.add_argument('--appends', type=int, default=20,
                        help='APPENDs timed during the fan-out')
    parser.add_argument('--warmup-appends', type=int, default=1,
                        help='APPENDs not timed, first (the server '
                        'collects the garbage of the logins)')
    parser.add_argument('--interval', type=float, default=0.5,
                        help='seconds between APPENDs')
    parser.add_argument('--states', default=','.join(STATES),
                        help='memory measurements to make (comma list)')
    parser.add_argument('--warmup', type=int, default=20,
                        help='connections opened and closed first')
    parser.add_argument('--settle', type=float, default=2.0,
                        help='seconds to wait before reading the RSS')
    parser.add_argument('--parallel', type=int, default=100,
                        help='connections being set up at once')
    parser.add_argument('--server-cpu', type=int, default=0,
                        help='CPU to pin the server to (-1: none)')
    parser.add_argument('--client-cpu', type=int, default=1,
                        help='CPU to pin this client to (-1: none)')
    parser.add_argument('--no-fanout', action='store_true')
    parser.add_argument('--json', action='store_true',
                        help='one JSON object per line')
    return parser.parse_args()


def main() -> None:
    args = _parse_args()
    # Killed, stop the servers on the way out too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    _raise_fd_limit(max(args.connections, args.fanout_connections) + 100)
    args.server_cpu = present_cpu(args.server_cpu)
    client_cpu = present_cpu(args.client_cpu)
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})
    tasks = [state for state in args.states.split(',') if state]
    if not args.no_fanout:
        tasks.append('fanout')
    with tempfile.TemporaryDirectory(prefix='pymap-idle-') as tmp:
        for backend in args.backends.split(','):
            for task in tasks:
                work = Path(tmp) / f'{backend}-{task}'
                _report(_measure(backend, work, args, task), args.json)


if __name__ == '__main__':
    main()

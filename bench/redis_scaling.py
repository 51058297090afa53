"""Whether pymap processes sharing one Redis scale: the yardstick's
``concurrent`` scenario (50 clients doing login, SELECT, FETCH, NOOP,
LOGOUT) against ``pymap --workers 1`` and ``--workers 2`` on one Redis,
alternating, with every worker held to the same CPU budget by
``cpulimit``.

The budget is what makes the comparison possible on a small machine: two
unthrottled workers would each want a whole core, and the client and
redis-server need the rest. With each worker capped at ``--cpu-percent``
of a core there is spare CPU for everything else, so the ratio of the two
rates shows how much one more process adds when both share one Redis.

    python bench/redis_scaling.py [--rounds 2] [--cpu-percent 30]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from servers import (
    BENCH_PASSWORD,
    BENCH_USER,
    YARDSTICK,
    free_port,
    stop,
    wait_for_port,
)


@contextlib.contextmanager
def _redis(work: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        ['redis-server', '--port', str(port), '--bind', '127.0.0.1',
         '--save', '', '--appendonly', 'no', '--dir', str(work)],
        stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        url = f'redis://127.0.0.1:{port}/0'
        subprocess.run(['redis-cli', '-u', url, 'SET', BENCH_USER,
                        BENCH_PASSWORD], check=True, capture_output=True)
        yield url
    finally:
        stop(proc)


def _workers_of(parent: int, count: int) -> list[int]:
    """The PIDs serving connections: the forked children, or the parent
    itself when it serves alone."""
    if count == 1:
        return [parent]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f'/proc/{parent}/task/{parent}/children')
        pids = [int(pid) for pid in children.read_text().split()]
        if len(pids) == count:
            return pids
        time.sleep(0.05)
    raise RuntimeError(f'pymap did not start {count} workers')


def _cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used."""
    ticks = 0
    for pid in pids:
        fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1]
        utime, stime = fields.split()[11:13]
        ticks += int(utime) + int(stime)
    return ticks / os.sysconf('SC_CLK_TCK')


@contextlib.contextmanager
def _pymap(url: str, workers: int,
           percent: int) -> Iterator[tuple[int, list[int]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, '-m', 'pymap', '--host', '127.0.0.1', '--port',
         str(port), '--no-admin', '--max-connections-per-ip', '1000',
         '--workers', str(workers), 'redis', url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    limits: list[subprocess.Popen[bytes]] = []
    try:
        wait_for_port(port)
        pids = _workers_of(proc.pid, workers)
        limits = [subprocess.Popen(
            ['cpulimit', '-q', '-l', str(percent), '-p', str(pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for pid in pids]
        yield port, pids
    finally:
        for limit in limits:
            stop(limit)
        stop(proc)


def _concurrent(port: int, duration: float,
                clients: int) -> tuple[float, float]:
    """Sessions per second, and the seconds the scenario took."""
    result = subprocess.run(
        [sys.executable, str(YARDSTICK), '--port', str(port), '--user',
         BENCH_USER, '--password', BENCH_PASSWORD, '--label', 'scaling',
         '--scenarios', 'concurrent', '--messages', '20', '--duration',
         str(duration), '--clients', str(clients)],
        capture_output=True, text=True, check=True,
        timeout=600)
    for line in result.stdout.splitlines():
        entry = json.loads(line)
        if entry.get('scenario') == 'concurrent':
            if entry['errors']:
                raise RuntimeError(f'concurrent had errors: {entry}')
            return float(entry['ops_s']), float(entry['elapsed_s'])
    raise RuntimeError(f'no concurrent result: {result.stderr}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--duration', type=float, default=10.0)
    parser.add_argument('--clients', type=int, default=50,
                        help='concurrent clients per worker')
    parser.add_argument('--cpu-percent', type=int, default=30,
                        help='the CPU budget of each worker, in percent '
                             'of one core')
    args = parser.parse_args()
    if not shutil.which('cpulimit'):
        raise SystemExit('needs cpulimit (Debian package cpulimit)')
    rates: dict[int, list[float]] = {1: [], 2: []}
    per_cpu: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp, _redis(Path(tmp)) as url:
        for _ in range(args.rounds):
            for workers in (1, 2):
                with _pymap(url, workers, args.cpu_percent) as (port, pids):
                    # The yardstick first seeds INBOX: count the CPU of
                    # the whole run against the sessions it served.
                    before = _cpu_seconds(pids)
                    rate, elapsed = _concurrent(
                        port, args.duration, args.clients * workers)
                    used = _cpu_seconds(pids) - before
                rates[workers].append(rate)
                per_cpu[workers].append(rate * elapsed / used)
                print(f'{workers} worker(s): {rate:,.1f} sessions/s, '
                      f'{used / elapsed:.2f} cores', flush=True)
    one, two = (statistics.median(rates[n]) for n in (1, 2))
    print(json.dumps({
        'cpu_percent_per_worker': args.cpu_percent,
        'one_worker': one, 'two_workers': two,
        'ratio': round(two / one, 2),
        'sessions_per_cpu_second': {
            n: round(statistics.median(per_cpu[n])) for n in (1, 2)}}))


if __name__ == '__main__':
    main()

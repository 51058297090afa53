"""Runs the yardstick (``../shared/bench/imapbench.py``) against pymap on
each backend, the peers that are installed and the null server (the
client's own ceiling, ``null_server.py``), A B A B, with the
server pinned to CPU 0 and the client to CPU 1, and writes the medians to
``doc/performance.md``: throughput, and the server's CPU time per operation.

    python bench/run.py [--rounds 2] [--duration 5] [--servers ...]
        [--old-pymap /path/to/venv/bin/pymap] [--redis-url URL]
        [--scenarios fetch-body,store] [--idle-rounds 50]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from servers import (
    BENCH_PASSWORD,
    BENCH_USER,
    NULL_SERVER,
    ON_DISK,
    ROOT,
    YARDSTICK,
    Server,
    available_servers,
    serves,
    start_server,
)

#: The scenarios that measure throughput, whose server CPU time per
#: operation the second table shows.
THROUGHPUT = ('append', 'fetch-headers', 'fetch-body', 'search-subject',
              'search-body', 'store', 'concurrent')
SCENARIOS = (*THROUGHPUT, 'idle-fanout', 'idle-fanout p50')
#: The yardstick's scenarios (its ``search`` runs both searches).
YARDSTICK_SCENARIOS = ('append', 'fetch-headers', 'fetch-body', 'search',
                       'store', 'concurrent', 'idle-fanout')
#: The scenario that times latency, run without the memory sampler.
LATENCY = 'idle-fanout'
#: The yardstick's deliveries per idle-fanout run.
DEFAULT_IDLE_ROUNDS = 10
Results = dict[str, dict[str, list[float]]]
#: The part of doc/performance.md this script writes; the rest is prose.
BEGIN = '<!-- bench/run.py: begin -->'
END = '<!-- bench/run.py: end -->'


def _measure(server: Server, args: argparse.Namespace) -> dict[str, float]:
    """Every scenario asked for: the throughput scenarios in one run of the
    yardstick, which samples the server's memory and CPU time, and
    idle-fanout in a run of its own without that sampler. The sampler
    reads ``/proc`` in the client's event loop for about 2 ms every 100 ms;
    when that falls inside a delivery, every session's wait grows by as
    much, and the p99 of 50 deliveries is made by the one or two it hits.
    The latency run stores the whole corpus first, as every run of the
    yardstick does, so that each server starts its deliveries as it did
    in one run of every scenario (doc/performance.md, "What the memory
    sampler did to the tail"). The null server runs only the scenarios it
    answers."""
    wanted = [name for name in (args.scenarios.split(',') if args.scenarios
                                else YARDSTICK_SCENARIOS)
              if serves(server.label, name)]
    values: dict[str, float] = {}
    timed = [name for name in wanted if name != LATENCY]
    if timed:
        values |= _yardstick(server, args, timed, [
            '--rss-pid', str(server.pid), '--rss-tree', '--server-cpu', '0'])
    if LATENCY in wanted:
        values |= _yardstick(server, args, [LATENCY], [
            '--idle-rounds', str(args.idle_rounds or DEFAULT_IDLE_ROUNDS)])
    values['peak memory'] = max(values.get('peak memory', 0.0),
                                _high_water_mib(server.pid))
    return values


def _yardstick(server: Server, args: argparse.Namespace,
               scenarios: list[str], options: list[str]) -> dict[str, float]:
    """One run of the yardstick; what it measured, by table row. On a
    server that keeps its mail in files, the yardstick keeps its mailboxes
    (``--keep``), which go with the work directory at the end of the whole
    run: deleting thousands of message files mid-run would slow the next
    server's APPENDs on a file system that holds back freed inodes for a
    while (ext4 without a journal; doc/performance.md, "A maildir
    APPEND"). The others delete theirs, so that a server that keeps mail
    in memory holds one corpus at a time, as in one run of every
    scenario."""
    keep = ['--keep'] if server.label in ON_DISK else []
    argv = [sys.executable, str(YARDSTICK), '--port', str(server.port),
            '--user', BENCH_USER, '--password', BENCH_PASSWORD,
            '--label', server.label, '--duration', str(args.duration),
            '--scenarios', ','.join(scenarios), *keep, *options]
    if shutil.which('taskset'):
        argv = ['taskset', '-c', '1', *argv]
    result = subprocess.run(argv, capture_output=True, text=True,
                            check=False, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(f'{server.label}: {result.stderr.strip()}')
    values: dict[str, float] = {}
    for line in result.stdout.splitlines():
        entry = json.loads(line)
        scenario = entry.get('scenario')
        if scenario == LATENCY:
            values[scenario] = entry['p99_ms']
            values['idle-fanout p50'] = entry['fanout_p50_ms']
        elif scenario:
            values[scenario] = entry['ops_s']
            if entry['ops_s'] and 'server_cpu' in entry:
                values[_cpu_key(scenario)] = _cpu_per_operation(entry)
        if 'rss_peak_kb' in entry:
            values['peak memory'] = max(values.get('peak memory', 0.0),
                                        entry['rss_peak_kb'] / 1024)
    return values


def _high_water_mib(pid: int) -> float:
    """The peak RSS of the process *pid* since it started (VmHWM), in MiB:
    for a server of one process, its peak over the whole run, the
    latency run included."""
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_key(scenario: str) -> str:
    return f'{scenario} cpu'


def _cpu_per_operation(entry: dict[str, float]) -> float:
    """µs of CPU time the server's processes spent per operation: the
    yardstick's ``server_cpu`` (cores busy over the scenario's run) over
    its throughput. Unlike throughput, it leaves out the client's share of
    each round trip and the time the server sat waiting for it."""
    return entry['server_cpu'] / entry['ops_s'] * 1e6


def _run_all(args: argparse.Namespace) -> Results:
    results: Results = {}
    kinds = args.servers or [
        *available_servers(args.redis_url, args.old_pymap), NULL_SERVER]
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # Dovecot's unprivileged processes look in
        for round_number in range(args.rounds):
            for kind in kinds:
                work = Path(tmp) / f'{kind}-{round_number}'
                with start_server(kind, work, 0, args.redis_url,
                                  args.old_pymap) as server:
                    measured = _measure(server, args)
                for key, value in measured.items():
                    results.setdefault(kind, {}).setdefault(
                        key, []).append(value)
                print(kind, json.dumps(measured), flush=True)
    return results


def _table(results: Results) -> str:
    """Throughput, latency and memory, then the server's CPU time per
    operation."""
    return (_rows(results, 'scenario', {row: row for row in
                                        (*SCENARIOS, 'peak memory')})
            + '\n\n'
            + _rows(results, 'server CPU per operation, µs',
                    {_cpu_key(row): row for row in THROUGHPUT}))


def _rows(results: Results, title: str, rows: dict[str, str]) -> str:
    """A table of the medians of *rows* (result key: row name)."""
    kinds = list(results)
    lines = [f'| {title} | ' + ' | '.join(kinds) + ' |',
             '|---|' + '---|' * len(kinds)]
    for key, name in rows.items():
        if not any(results[kind].get(key) for kind in kinds):
            continue  # a scenario left out with --scenarios
        cells = []
        for kind in kinds:
            values = results[kind].get(key)
            cells.append(f'{statistics.median(values):,.1f}'
                         if values else 'n/a')
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def _memory_gib() -> int:
    for line in Path('/proc/meminfo').read_text().splitlines():
        if line.startswith('MemTotal:'):
            return round(int(line.split()[1]) / 1024 / 1024)
    return 0


def _build() -> str:
    """Which build of pymap the servers import (README, "The compiled
    build"): they run this interpreter, with its ``PYTHONPATH``."""
    with tempfile.TemporaryDirectory() as work:
        result = subprocess.run(
            [sys.executable, '-c', 'import pymap; print(pymap.build())'],
            cwd=work, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def _write(results: Results, args: argparse.Namespace) -> None:
    machine = (f'{os.cpu_count()} cores, {_memory_gib()} GiB, '
               f'{platform.machine()}, Python {platform.python_version()}, '
               f'Linux {platform.release()}; pymap {_build()}')
    idle_rounds = args.idle_rounds or \
        f"{DEFAULT_IDLE_ROUNDS}, the yardstick's default"
    ceiling = f'''{NULL_SERVER} is `bench/null_server.py`, a stand-in that
stores messages in a list and answers at once: its column is the most any
server can show to this client on this machine ("The yardstick's own
ceiling"), in the scenarios it serves.

''' if NULL_SERVER in results else ''
    text = f'''{BEGIN}
Measured on {date.today().isoformat()} by `bench/run.py` ({machine}):
server pinned to CPU 0, the yardstick client to CPU 1, medians of
{args.rounds} alternating rounds of {args.duration} s per scenario.
Throughput is operations per second (messages per second for append and
fetch-headers, sessions per second for concurrent); idle-fanout is the p99
latency in ms of every session's wait for a new message, and idle-fanout
p50 the median over the deliveries of the last session's wait (deliveries
per run: {idle_rounds}), timed in a yardstick run of its own that does
not sample the server's memory; peak memory is the server's peak RSS in
MiB, sampled during the other scenarios and, for a server of one
process, its high-water mark over the whole run. On maildir and
Dovecot the yardstick keeps its mailboxes, so that no server's APPENDs
follow thousands of files deleted just before ("A maildir APPEND").
The second table is the CPU time the server's processes spent per
operation, in µs (Redis's own is not counted, for either pymap): a
round trip's time is that plus the client's share and the hand-overs
between them, so this one moves less from round to round than throughput.

{ceiling}{_table(results)}
{END}'''
    page = ROOT / 'doc' / 'performance.md'
    before, rest = page.read_text().split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    page.write_text(before + text + after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--duration', type=float, default=5.0)
    parser.add_argument('--servers', nargs='*')
    parser.add_argument('--old-pymap', metavar='SCRIPT',
                        help="the pymap script of a venv with "
                             "pymap==0.36.7")
    parser.add_argument('--redis-url', metavar='URL',
                        help='a Redis for the redis backend')
    parser.add_argument('--idle-rounds', type=int, metavar='N',
                        help='deliveries in the idle-fanout scenario '
                             "(default: the yardstick's, 10)")
    parser.add_argument('--scenarios', metavar='LIST',
                        help='only these yardstick scenarios (comma '
                             'separated); the table is printed, and '
                             'doc/performance.md is left alone')
    args = parser.parse_args()
    results = _run_all(args)
    if args.scenarios:
        print(_table(results))
    else:
        _write(results, args)


if __name__ == '__main__':
    main()

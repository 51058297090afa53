"""Measures how long one session's FETCH of a costly message makes another
session wait, for pymap on each backend and the peers that are installed
(doc/performance.md, "Costly messages").

For each server and each kind of message, a fresh server is started, and
a pinger (a process of its own, with a blocking socket) sends NOOP after
NOOP, with a short pause between them, while the measuring client
APPENDs the message and then FETCHes from it a few times:

- ``parts``: 9,000 text parts with 400 header lines each (66 MB),
  ``FETCH 1 (BODY.PEEK[5000])``;
- ``to``: a ``To`` field of 2 MB of ``userN <uN@example.com>``,
  ``FETCH 1 (ENVELOPE)``;
- ``base64``: 13 MB of base64 cut by ``=`` into runs of 3 characters,
  ``FETCH 1 (BINARY.PEEK[1])``;
- ``attachment``: not costly but large, a short text and a 40 MB base64
  attachment, ``FETCH 1 (BODY.PEEK[2])``: what the APPEND of an ordinary
  large message costs the other sessions;
- ``text``: the same message, ``FETCH 1 (BODY.PEEK[1])``: its short text,
  which a client opening the message fetches first;
- ``attachment-lf`` and ``text-lf``: the FETCHes of ``attachment`` and
  ``text`` on the same message with bare LF line endings, as a mail
  delivery agent writes it to a maildir.

``--scale`` multiplies those sizes. The table gives, in ms, the APPEND and
the worst NOOP from its start until the server's CPU time stops growing
(pymap's dict backend derives a new message's summary after answering),
then the first FETCH, the median of the later ones, and the p99 and worst
of the NOOPs that overlapped the FETCHes.

    python bench/costly_messages.py [--scale 1] [--fetches 3]
        [--messages parts to base64 attachment text attachment-lf text-lf]
        [--pause 5]
        [--servers ...]
        [--redis-url URL] [--old-pymap /path/to/venv/bin/pymap]
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Sequence
from ctypes import c_double
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

from servers import (
    BENCH_PASSWORD,
    BENCH_USER,
    available_servers,
    start_server,
)

#: Seconds any one response may take (a costly FETCH took seconds).
TIMEOUT = 600.0
#: How often the server's CPU time is read while waiting for it to settle,
#: and the share of that interval below which it counts as settled.
SETTLE_INTERVAL = 0.2
SETTLE_SHARE = 0.25
#: Maps each octet to a base64 character.
_BASE64 = bytes((b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
                 b'0123456789+/') * 4)


@dataclass(frozen=True)
class Message:
    """A pathological message and the FETCH that makes a server work on
    it."""

    data: bytes
    fetch: bytes


def parts_message(scale: float) -> Message:
    """A multipart message of 9,000 text parts (scaled) whose header
    sections are 400 lines each; the FETCH asks for part 5,000 of
    9,000."""
    count = max(2, round(9000 * scale))
    header = b''.join(b'X-H%d: value %d\r\n' % (line, line)
                      for line in range(400))
    pieces = [b'Subject: parts\r\nMIME-Version: 1.0\r\n'
              b'Content-Type: multipart/mixed; boundary=BND\r\n\r\n']
    pieces += [b'--BND\r\n' + header + b'Content-Type: text/plain\r\n\r\n'
               b'part %d\r\n' % number for number in range(1, count + 1)]
    pieces.append(b'--BND--\r\n')
    part = max(1, count * 5 // 9)
    return Message(b''.join(pieces), b'FETCH 1 (BODY.PEEK[%d])' % part)


def to_message(scale: float) -> Message:
    """A message whose ``To`` field holds 2 MB (scaled) of addresses, one
    per folded line; the FETCH asks for its envelope."""
    size = max(1, round(2_000_000 * scale))
    addresses: list[bytes] = []
    total = 0
    for number in itertools.count():
        if total >= size:
            break
        address = b'user%d <u%d@example.com>' % (number, number)
        addresses.append(address)
        total += len(address) + 4  # and the ',\r\n ' between them
    data = (b'To: ' + b',\r\n '.join(addresses)
            + b'\r\nSubject: to\r\n\r\nbody\r\n')
    return Message(data, b'FETCH 1 (ENVELOPE)')


def base64_message(scale: float) -> Message:
    """A message of 13 MB (scaled) of base64 cut by ``=`` into runs of 3
    characters, in lines of 76; the FETCH asks for it decoded."""
    size = max(76, round(13_000_000 * scale))
    runs = random.Random(0).randbytes(size * 3 // 4).translate(_BASE64)
    text = b'='.join(runs[start:start + 3]
                     for start in range(0, len(runs), 3))
    body = b'\r\n'.join(text[start:start + 76]
                        for start in range(0, len(text), 76))
    data = (b'Subject: base64\r\nContent-Type: application/octet-stream\r\n'
            b'Content-Transfer-Encoding: base64\r\n\r\n' + body + b'\r\n')
    return Message(data, b'FETCH 1 (BINARY.PEEK[1])')


def attachment_message(scale: float) -> Message:
    """A short text and an attachment of 40 MB (scaled) of base64 in lines
    of 76; the FETCH asks for the attachment as stored."""
    size = max(76, round(40_000_000 * scale))
    encoded = random.Random(0).randbytes(size * 3 // 4).translate(_BASE64)
    body = b'\r\n'.join(encoded[start:start + 76]
                        for start in range(0, len(encoded), 76))
    data = (b'Subject: attachment\r\nMIME-Version: 1.0\r\n'
            b'Content-Type: multipart/mixed; boundary=BND\r\n\r\n'
            b'--BND\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n'
            b'--BND\r\nContent-Type: application/octet-stream\r\n'
            b'Content-Transfer-Encoding: base64\r\n\r\n' + body
            + b'\r\n--BND--\r\n')
    return Message(data, b'FETCH 1 (BODY.PEEK[2])')


def text_message(scale: float) -> Message:
    """The message of :func:`attachment_message`; the FETCH asks for its
    short text part."""
    return Message(attachment_message(scale).data, b'FETCH 1 (BODY.PEEK[1])')


def _bare_lf(message: Message) -> Message:
    """*message* and its FETCH with every line ending in a bare LF: the
    servers that keep messages as received store it so."""
    return Message(message.data.replace(b'\r\n', b'\n'), message.fetch)


def attachment_lf_message(scale: float) -> Message:
    """:func:`attachment_message` with bare LF line endings."""
    return _bare_lf(attachment_message(scale))


def text_lf_message(scale: float) -> Message:
    """:func:`text_message` with bare LF line endings."""
    return _bare_lf(text_message(scale))


MESSAGES: dict[str, Callable[[float], Message]] = {
    'parts': parts_message,
    'to': to_message,
    'base64': base64_message,
    'attachment': attachment_message,
    'text': text_message,
    'attachment-lf': attachment_lf_message,
    'text-lf': text_lf_message,
}


class Session:
    """An IMAP connection on a blocking socket: a command out, its
    responses read (literals skipped) until the tagged one."""

    def __init__(self, port: int) -> None:
        self._sock = socket.create_connection(('127.0.0.1', port), TIMEOUT)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._file = self._sock.makefile('rb')
        self._tags = itertools.count(1)
        self._response()  # the greeting

    def login(self) -> None:
        self.command(b'LOGIN %s %s' % (BENCH_USER.encode(),
                                       BENCH_PASSWORD.encode()))

    def command(self, line: bytes, literal: bytes | None = None,
                may_fail: bool = False) -> bytes:
        """Runs one command, with *literal* after *line* if given, and
        returns its tagged response's status; raises unless that is OK,
        or with *may_fail*, NO."""
        tag = b'c%d' % next(self._tags)
        if literal is None:
            self._sock.sendall(b'%s %s\r\n' % (tag, line))
        else:
            self._sock.sendall(b'%s %s {%d}\r\n' % (tag, line, len(literal)))
            while not (response := self._response()).startswith(b'+'):
                if response.startswith(tag + b' '):
                    raise RuntimeError(f'{line!r}: {response!r}')
            self._sock.sendall(literal)
            self._sock.sendall(b'\r\n')
        while not (response := self._response()).startswith(tag + b' '):
            pass
        status = response.split(b' ', 2)[1]
        if status != b'OK' and not (may_fail and status == b'NO'):
            raise RuntimeError(f'{line!r}: {response!r}')
        return status

    def _response(self) -> bytes:
        """The first line of the next response, its literals read past."""
        first = line = self._file.readline()
        while line.endswith(b'}\r\n'):
            count = int(line[line.rindex(b'{') + 1:-3])
            if len(self._file.read(count)) != count:
                raise ConnectionError('the server closed the connection')
            line = self._file.readline()
        if not line.endswith(b'\r\n'):
            raise ConnectionError('the server closed the connection')
        return first

    def close(self) -> None:
        self._file.close()
        self._sock.close()


def _ping(port: int, pause: float, ready: Event, stop: Event,
          last_start: c_double, out: Connection) -> None:
    """The pinger: logs in, then NOOP after NOOP, *pause* seconds apart,
    until *stop* is set; sends back each round trip's start and end
    (:func:`time.monotonic`). *last_start* is the start of the last one
    answered."""
    session = Session(port)
    session.login()
    ready.set()
    samples = array('d')
    while not stop.is_set():
        start = time.monotonic()
        session.command(b'NOOP')
        end = time.monotonic()
        samples.extend((start, end))
        last_start.value = start
        time.sleep(pause)
    session.close()
    out.send_bytes(samples.tobytes())


class Pinger:
    """Runs :func:`_ping` in a process of its own, so that the measuring
    client's work does not delay it."""

    def __init__(self, port: int, pause: float) -> None:
        context = multiprocessing.get_context('spawn')
        self._ready = context.Event()
        self._stop = context.Event()
        self._last_start = context.Value('d', 0.0, lock=False)
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_ping, daemon=True, args=(
            port, pause, self._ready, self._stop, self._last_start, sender))
        self._process.start()
        sender.close()
        if not self._ready.wait(60):
            self._process.kill()
            raise TimeoutError('the pinger did not log in')

    def wait_for_one_after(self, moment: float) -> None:
        """Returns once a NOOP that started after *moment* is answered."""
        deadline = time.monotonic() + TIMEOUT
        while self._last_start.value <= moment:
            if not self._process.is_alive() or time.monotonic() > deadline:
                raise RuntimeError('the pinger stopped answering')
            time.sleep(0.001)

    def stop(self) -> list[tuple[float, float]]:
        """Stops the pinger; its round trips as (start, end)."""
        self._stop.set()
        samples = array('d')
        samples.frombytes(self._results.recv_bytes())
        self._process.join(60)
        return list(zip(samples[::2], samples[1::2], strict=True))

    def close(self) -> None:
        """Ends the pinger if it still runs (after a failure)."""
        if self._process.is_alive():
            self._process.kill()
            self._process.join(10)
        self._results.close()


def _cpu_seconds(pid: int) -> float | None:
    """The user and system CPU time *pid* has used, if it can be read."""
    try:
        fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1]
    except OSError:
        return None
    utime, stime = fields.split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf('SC_CLK_TCK')


def _settle(pid: int) -> None:
    """Waits until the server uses less than :data:`SETTLE_SHARE` of a
    CPU for :data:`SETTLE_INTERVAL`: work it does after answering (a
    summary made after an APPEND) is over."""
    deadline = time.monotonic() + TIMEOUT
    before = _cpu_seconds(pid)
    while before is not None and time.monotonic() < deadline:
        time.sleep(SETTLE_INTERVAL)
        now = _cpu_seconds(pid)
        if now is None or now - before < SETTLE_INTERVAL * SETTLE_SHARE:
            return
        before = now


@dataclass(frozen=True)
class Row:
    """One server's times with one message, in ms."""

    server: str
    message: str
    append: float
    append_worst: float
    first_fetch: float
    later_fetch: float | None
    fetch_p99: float
    fetch_worst: float
    #: Whether the server answered the FETCH with NO.
    refused: bool


def _overlapping(samples: Sequence[tuple[float, float]], start: float,
                 end: float) -> list[float]:
    """The round trips, in ms, of the NOOPs that overlapped start to end."""
    return sorted((stop - begin) * 1e3 for begin, stop in samples
                  if begin < end and stop > start)


def _p99(values: Sequence[float]) -> float:
    """The 99th percentile of sorted *values* (nearest rank)."""
    return values[math.ceil(0.99 * len(values)) - 1]


def measure(server: str, port: int, pid: int, name: str, message: Message,
            fetches: int, pause: float) -> Row:
    """APPENDs *message* and FETCHes from it *fetches* times while a
    pinger sends NOOPs."""
    session = Session(port)
    try:
        session.login()
        session.command(b'SELECT INBOX')
        pinger = Pinger(port, pause)
        try:
            append_start = time.monotonic()
            session.command(b'APPEND INBOX', message.data)
            append = time.monotonic() - append_start
            _settle(pid)
            pinger.wait_for_one_after(time.monotonic())
            append_end = fetch_start = time.monotonic()
            took = []
            refused = False
            for _ in range(fetches):
                start = time.perf_counter()
                status = session.command(message.fetch, may_fail=True)
                took.append(time.perf_counter() - start)
                refused = refused or status == b'NO'
            pinger.wait_for_one_after(time.monotonic())
            fetch_end = time.monotonic()
            samples = pinger.stop()
        finally:
            pinger.close()
        session.command(b'LOGOUT')
    finally:
        session.close()
    during_append = _overlapping(samples, append_start, append_end)
    during_fetch = _overlapping(samples, fetch_start, fetch_end)
    return Row(server, name, append * 1e3, during_append[-1],
               took[0] * 1e3,
               statistics.median(took[1:]) * 1e3 if fetches > 1 else None,
               _p99(during_fetch), during_fetch[-1], refused)


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table; a FETCH the server refused is
    marked."""
    def ms(value: float | None) -> str:
        if value is None:
            return 'n/a'
        return f'{value:,.{0 if value >= 100 else 1 if value >= 10 else 2}f}'
    lines = ['| server | message | APPEND ms | worst NOOP ms (APPEND) | '
             'first FETCH ms | later FETCH ms | p99 NOOP ms (FETCH) | '
             'worst NOOP ms (FETCH) |',
             '|---|---|---:|---:|---:|---:|---:|---:|']
    for row in rows:
        message = f'{row.message} (FETCH: NO)' if row.refused \
            else row.message
        lines.append(f'| {row.server} | {message} | ' + ' | '.join(map(ms, (
            row.append, row.append_worst, row.first_fetch, row.later_fetch,
            row.fetch_p99, row.fetch_worst))) + ' |')
    return '\n'.join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--scale', type=float, default=1.0,
                        help='multiplies the messages\' sizes (default: 1)')
    parser.add_argument('--fetches', type=int, default=3,
                        help='FETCHes of each message (default: 3)')
    parser.add_argument('--messages', nargs='+', choices=list(MESSAGES),
                        default=list(MESSAGES), metavar='KIND',
                        help='of: ' + ', '.join(MESSAGES))
    parser.add_argument('--pause', type=float, default=5.0, metavar='MS',
                        help='between the pinger\'s NOOPs (default: 5)')
    parser.add_argument('--servers', nargs='+', metavar='KIND')
    parser.add_argument('--redis-url', metavar='URL')
    parser.add_argument('--old-pymap', metavar='SCRIPT',
                        help="the pymap script of a venv with pymap==0.36.7")
    args = parser.parse_args()
    if args.fetches < 1:
        parser.error('--fetches must be at least 1')
    kinds = args.servers or available_servers(args.redis_url,
                                              args.old_pymap)
    messages = {name: MESSAGES[name](args.scale) for name in args.messages}
    largest = max(len(message.data) for message in messages.values())
    options = ('--max-append', str(2 * largest))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # Dovecot's unprivileged processes look in
        for kind in kinds:
            for name, message in messages.items():
                with start_server(kind, Path(tmp) / f'{kind}-{name}', None,
                                  args.redis_url, args.old_pymap,
                                  options) as server:
                    row = measure(kind, server.port, server.pid, name,
                                  message, args.fetches, args.pause / 1e3)
                rows.append(row)
                print(f'{kind} {name}: FETCH {row.first_fetch:,.1f} ms, '
                      f'worst NOOP {row.fetch_worst:,.1f} ms',
                      file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == '__main__':
    main()

"""Crash safety: ``kill -9`` of the server during a stream of APPENDs (and
flag changes) loses no answered APPEND, never shows a half-written
message, and never corrupts ``dovecot-uidlist``."""

from __future__ import annotations

import contextlib
import imaplib
import itertools
import os
import random
import re
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from pymap.backend.maildir.uidlist import read_uidlist
from pymap.testing.rawclient import RawClient

from .dovecot import IMAP_BINARY, make_workdir, run_dovecot
from .test_cli import pymap_maildir

ROUNDS = 4


def _message(number: int) -> bytes:
    """A message that tells whether it is complete."""
    body = (b'line %d of a message long enough to be written in parts\r\n'
            % number) * (200 + number % 50)
    return (b'Message-Id: <%d@crash>\r\nSubject: %d\r\n\r\n%sEND %d\r\n'
            % (number, number, body, number))


def _append_until_killed(port: int, start: int,
                         answered: dict[int, int]) -> None:
    """APPENDs (and STOREs) until the connection dies; records
    UID → message number for every APPEND answered OK."""
    with contextlib.closing(RawClient('127.0.0.1', port)) as client:
        try:
            client.command(b'l LOGIN crash pw')
            for number in itertools.count(start):
                data = _message(number)
                lines = client.command(
                    b'a APPEND INBOX (\\Seen kw%d) {%d+}\r\n%s'
                    % (number % 5, len(data), data))
                match = re.match(rb'a OK \[APPENDUID \d+ (\d+)\]',
                                 lines[-1])
                if match is None:
                    return
                answered[int(match.group(1))] = number
                client.command(b's SELECT INBOX')
                client.command(b'f UID STORE %s +FLAGS (\\Flagged)'
                               % match.group(1))
        except OSError:
            return


def _wait_for(answered: dict[int, int], count: int) -> None:
    deadline = time.monotonic() + 20
    while len(answered) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def _check(maildir: Path, answered: dict[int, int]) -> None:
    uidlist = read_uidlist(maildir)
    assert uidlist is not None
    uid_of = {base: uid for base, (uid, _) in uidlist.records.items()}
    found = {}
    for subdir in ('cur', 'new'):
        for name in os.listdir(maildir / subdir):
            data = (maildir / subdir / name).read_bytes()
            number = int(re.match(rb'Message-Id: <(\d+)@', data)[1])
            assert data == _message(number), name
            base = name.partition(':')[0]
            if base in uid_of:
                found[uid_of[base]] = number
    for uid, number in answered.items():
        assert found.get(uid) == number, (uid, number)


@pytest.mark.slow
def test_kill_during_appends(tmp_path: Path) -> None:
    users = tmp_path / 'users.txt'
    users.write_text('crash::pw\n')
    maildir = tmp_path / 'crash'
    answered: dict[int, int] = {}
    randomness = random.Random(1)
    for round_ in range(ROUNDS):
        with pymap_maildir(users) as (process, port):
            writer = threading.Thread(target=_append_until_killed, args=(
                port, 1000 * round_, answered))
            writer.start()
            _wait_for(answered, len(answered) + 10)
            time.sleep(randomness.random() * 0.3)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            writer.join(20)
        _check(maildir, answered)
    assert len(answered) >= ROUNDS * 10
    with pymap_maildir(users) as (_, port):
        client = imaplib.IMAP4('127.0.0.1', port, timeout=10)
        client.login('crash', 'pw')
        client.select('INBOX')
        typ, data = client.uid('FETCH', '1:*', '(UID BODY.PEEK[HEADER.FIELDS'
                               ' (MESSAGE-ID)])')
        assert typ == 'OK'
        seen = {int(re.search(rb'UID (\d+)', item[0])[1]):
                int(re.search(rb'<(\d+)@', item[1])[1])
                for item in data if isinstance(item, tuple)}
        client.logout()
    assert answered.items() <= seen.items()
    if IMAP_BINARY.exists():
        _check_with_dovecot(maildir, seen)


def _check_with_dovecot(maildir: Path, seen: dict[int, int]) -> None:
    workdir = make_workdir()
    try:
        shutil.copytree(maildir, workdir / 'mail', symlinks=True)
        session = run_dovecot(workdir, [b's SELECT INBOX',
                                        b'f UID FETCH 1:* (FLAGS)'])
        assert session.tagged(b's').startswith(b'OK'), (
            session.responses[b's'],
            (workdir / 'dovecot.log').read_text(errors='replace'),
            sorted(path.name for path in (workdir / 'mail').iterdir()))
        assert set(session.flags(b'f')) == set(seen), \
            session.responses[b'f'][-2000:]
    finally:
        shutil.rmtree(workdir)

"""Mail delivered outside pymap (an MTA or Dovecot writing into ``new/``)
shows up in SELECT, STATUS, NOOP and IDLE within about a second."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pymap.testing.rawclient import RawClient

from .dovecot import make_workdir, require_dovecot, run_dovecot
from .server import login, maildir_server

MESSAGE = b'From: mta@example.com\nSubject: delivered\n\nHello\n'
#: Seconds an IDLE client may wait for a delivery to be announced.
PUSH_LIMIT = 2.0


def deliver(maildir: Path, name: str, data: bytes = MESSAGE) -> None:
    """Delivers as an MTA does: write into tmp/, rename into new/."""
    os.makedirs(maildir / 'tmp', exist_ok=True)
    (maildir / 'tmp' / name).write_bytes(data)
    os.rename(maildir / 'tmp' / name, maildir / 'new' / name)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[RawClient]:
    with maildir_server(tmp_path) as server:
        client = login(server)
        yield client
        client.close()


def test_select_and_status_see_delivered_mail(client: RawClient,
                                              tmp_path: Path) -> None:
    maildir = tmp_path / 'testuser'
    deliver(maildir, '1700000000.M1P1.mta')
    status = client.command(b's STATUS INBOX (MESSAGES RECENT UIDNEXT)')
    assert status[0] == b'* STATUS INBOX (MESSAGES 1 RECENT 1 UIDNEXT 2)\r\n'
    lines = client.command(b's SELECT INBOX')
    assert b'* 1 EXISTS\r\n' in lines and b'* 1 RECENT\r\n' in lines
    fetch = client.command(b'f FETCH 1 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS'
                           b' (SUBJECT)])')
    assert fetch[0].startswith(b'* 1 FETCH (RFC822.SIZE 52 ')
    deliver(maildir, '1700000001.M1P1.mta')
    assert client.command(b'n NOOP')[:2] == [b'* 2 EXISTS\r\n',
                                             b'* 2 RECENT\r\n']


def test_idle_announces_delivery_within_a_second(client: RawClient,
                                                 tmp_path: Path) -> None:
    client.command(b's SELECT INBOX')
    client.send(b'i IDLE\r\n')
    assert client.readline().startswith(b'+ ')
    started = time.monotonic()
    deliver(tmp_path / 'testuser', '1700000002.M1P1.mta')
    assert client.readline() == b'* 1 EXISTS\r\n'
    assert time.monotonic() - started < PUSH_LIMIT
    assert client.readline() == b'* 1 RECENT\r\n'
    client.send(b'DONE\r\n')
    assert client.until_tagged(b'i')[-1].startswith(b'i OK')


def test_delivery_into_a_folder(client: RawClient,
                                tmp_path: Path) -> None:
    assert client.command(b'c CREATE Lists/python')[-1].startswith(b'c OK')
    deliver(tmp_path / 'testuser' / '.Lists.python', 'list-mail')
    assert client.command(b's STATUS Lists/python (MESSAGES)')[0] == \
        b'* STATUS Lists/python (MESSAGES 1)\r\n'


def test_idle_announces_dovecot_append() -> None:
    require_dovecot()
    workdir = make_workdir()
    try:
        with maildir_server(workdir) as server, \
                contextlib.closing(login(server)) as client:
            client.command(b's SELECT INBOX')
            client.send(b'i IDLE\r\n')
            assert client.readline().startswith(b'+ ')
            started = time.monotonic()
            session = run_dovecot(workdir, [
                b'a APPEND INBOX (\\Flagged) {15}\r\nSubject: dc\r\n\r\n'],
                root=workdir / 'testuser')
            assert b'[APPENDUID ' in session.tagged(b'a')
            assert client.readline() == b'* 1 EXISTS\r\n'
            assert time.monotonic() - started < PUSH_LIMIT + 1
            client.send(b'DONE\r\n')
            client.until_tagged(b'i')
            fetch = client.command(b'f FETCH 1 (FLAGS)')
            assert b'\\Flagged' in fetch[0]
    finally:
        shutil.rmtree(workdir)

"""Testing your own IMAP client against a real pymap server.

This file is an example from pymap's documentation and runs in pymap's CI.
Copy it into your project's tests and replace ``count_unread`` with your
own client code.
"""

from __future__ import annotations

import asyncio
import imaplib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from pymap.backend.dict import DictBackend, DictUsers
from pymap.interfaces.backend import Backend
from pymap.interfaces.storage import NewMessage
from pymap.testing import AsyncServer, ServerThread

MESSAGE = (b'From: bob@example.com\r\nTo: alice@example.com\r\n'
           b'Subject: lunch?\r\n\r\nNoon at the usual place.\r\n')


async def make_backend() -> Backend:
    """An in-memory store with one user and one unread message."""
    users = DictUsers()
    mailboxes = users.add_user('alice', 'secret')
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([NewMessage(MESSAGE, frozenset(),
                                   datetime.now(UTC))])
    return DictBackend(users)


def count_unread(host: str, port: int, user: str, password: str) -> int:
    """The client code under test: how many INBOX messages are unread."""
    client = imaplib.IMAP4(host, port)
    try:
        client.login(user, password)
        client.select('INBOX', readonly=True)
        _, data = client.search(None, 'UNSEEN')
        return len(data[0].split()) if data[0] else 0
    finally:
        client.logout()


@pytest.fixture
def imap_server() -> Iterator[ServerThread]:
    """A real IMAP server on a free loopback port, for one test."""
    with ServerThread(make_backend) as server:
        yield server


def test_count_unread(imap_server: ServerThread) -> None:
    assert count_unread(imap_server.host, imap_server.port,
                        'alice', 'secret') == 1


def test_wrong_password_is_refused(imap_server: ServerThread) -> None:
    with pytest.raises(imaplib.IMAP4.error, match='AUTHENTICATIONFAILED'):
        count_unread(imap_server.host, imap_server.port, 'alice', 'wrong')


async def test_from_asyncio_code() -> None:
    async with AsyncServer(make_backend) as server:
        reader, writer = await asyncio.open_connection(server.host,
                                                       server.port)
        greeting = await reader.readline()
        writer.write(b'a LOGOUT\r\n')
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    assert greeting.startswith(b'* OK ')

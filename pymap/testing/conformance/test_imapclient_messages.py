"""Message commands driven by ``imapclient``: its parser must accept every
FETCH, SEARCH and update response the server sends for realistic mail."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import imapclient
import pytest
from imapclient.exceptions import IMAPClientError

from pymap.testing import ServerThread

from .messages import (
    ALTERNATIVE,
    ATTACHMENT,
    ATTACHMENT_BYTES,
    ATTACHMENT_NOTE,
    ENCODED,
    ENCODED_SUBJECT,
    FORWARD,
    PLAIN,
    PLAIN_BODY,
)

Open = Callable[[], imapclient.IMAPClient]

#: Seconds ``idle_check`` may wait for a pushed update.
PUSH_TIMEOUT = 5.0
MESSAGES = [PLAIN, ALTERNATIVE, ATTACHMENT, FORWARD, ENCODED]


@pytest.fixture
def open_client(server: ServerThread) -> Iterator[Open]:
    clients: list[imapclient.IMAPClient] = []

    def open_one() -> imapclient.IMAPClient:
        client = imapclient.IMAPClient(server.host, server.port, ssl=False,
                                       timeout=10)
        clients.append(client)
        client.login('testuser', 'testpass')
        return client

    yield open_one
    for client in clients:
        with contextlib.suppress(IMAPClientError, OSError):
            client.logout()


@pytest.fixture
def client(open_client: Open) -> imapclient.IMAPClient:
    """A client with :data:`MESSAGES` in INBOX (UIDs 1-5), selected; the
    first is \\Seen and dated."""
    client = open_client()
    client.append('INBOX', PLAIN, (imapclient.SEEN,),
                  datetime(1994, 2, 7, 21, 52, 25, tzinfo=UTC))
    for message in MESSAGES[1:]:
        client.append('INBOX', message)
    client.select_folder('INBOX')
    return client


def test_select_folder_response(open_client: Open) -> None:
    client = open_client()
    client.append('INBOX', PLAIN, ('$Work',))
    info = client.select_folder('INBOX')
    assert info[b'EXISTS'] == 1
    assert info[b'RECENT'] == 1
    assert info[b'UIDNEXT'] == 2
    assert info[b'UIDVALIDITY'] > 0
    assert b'READ-WRITE' in info and b'READ-ONLY' not in info
    assert b'$Work' in info[b'FLAGS']
    assert set(info[b'PERMANENTFLAGS']) >= {b'\\Seen', b'$Work', b'\\*'}
    info = client.select_folder('INBOX', readonly=True)
    assert b'READ-ONLY' in info
    assert info[b'PERMANENTFLAGS'] == ()


def test_fetch_simple_items(client: imapclient.IMAPClient) -> None:
    client.normalise_times = False
    data = client.fetch([1], ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'])
    item = data[1]
    assert item[b'SEQ'] == 1
    assert set(item[b'FLAGS']) == {b'\\Seen', b'\\Recent'}
    assert item[b'RFC822.SIZE'] == len(PLAIN)
    assert item[b'INTERNALDATE'] \
        == datetime(1994, 2, 7, 21, 52, 25, tzinfo=UTC)


def test_fetch_envelope(client: imapclient.IMAPClient) -> None:
    envelope = client.fetch([1], ['ENVELOPE'])[1][b'ENVELOPE']
    assert envelope.subject == b'afternoon meeting'
    assert envelope.message_id == b'<B27397-0100000@Blurdybloop.example>'
    assert envelope.date is not None and envelope.date.year == 1994
    assert [(a.name, a.mailbox, a.host) for a in envelope.from_] \
        == [(b'Fred Foobar', b'foobar', b'Blurdybloop.example')]
    assert [a.mailbox for a in envelope.cc] == [b'alice', b'bob']
    assert [a.mailbox for a in envelope.bcc] == [b'secret']
    assert envelope.in_reply_to is None


def test_fetch_bodystructure(client: imapclient.IMAPClient) -> None:
    data = client.fetch([2, 4], ['BODYSTRUCTURE'])
    alternative = data[2][b'BODYSTRUCTURE']
    assert alternative.is_multipart
    parts, subtype = alternative[0], alternative[1]
    assert subtype == b'alternative'
    assert [(p[0], p[1]) for p in parts] == [(b'text', b'plain'),
                                             (b'text', b'html')]
    forward = data[4][b'BODYSTRUCTURE']
    assert forward.is_multipart
    inner = forward[0][1]
    assert (inner[0], inner[1]) == (b'message', b'rfc822')


def test_fetch_sections(client: imapclient.IMAPClient) -> None:
    data = client.fetch([1, 4], ['BODY.PEEK[]', 'BODY.PEEK[TEXT]',
                                 'BODY.PEEK[HEADER.FIELDS (SUBJECT)]'])
    assert data[1][b'BODY[]'] == PLAIN
    assert data[1][b'BODY[TEXT]'] == PLAIN_BODY
    assert data[4][b'BODY[HEADER.FIELDS (SUBJECT)]'] \
        == b'Subject: Fwd: lunch plans\r\n\r\n'
    nested = client.fetch([4], ['BODY.PEEK[2.1]', 'BODY.PEEK[]<0.4>'])[4]
    assert nested[b'BODY[2.1]'] == b'Shall we try the new ramen place?'
    assert nested[b'BODY[]<0>'] == FORWARD[:4]
    flags = client.get_flags([4])[4]
    assert imapclient.SEEN not in flags


def test_fetch_binary(client: imapclient.IMAPClient) -> None:
    # imapclient cannot parse a literal8, so the NUL-bearing part is only
    # sized here (test_fetch.py reads it raw).
    data = client.fetch([3], ['BINARY.PEEK[2]', 'BINARY.SIZE[3]'])[3]
    assert data[b'BINARY[2]'] == ATTACHMENT_NOTE
    assert data[b'BINARY.SIZE[3]'] == len(ATTACHMENT_BYTES)


def test_fetch_sets_seen(client: imapclient.IMAPClient) -> None:
    data = client.fetch([2], ['BODY[TEXT]'])[2]
    assert imapclient.SEEN in data[b'FLAGS']
    assert imapclient.SEEN in client.get_flags([2])[2]


def test_search(client: imapclient.IMAPClient) -> None:
    assert client.search(['SEEN']) == [1]
    assert client.search(['UNSEEN', 'SUBJECT', 'lunch']) == [4]
    assert client.search(['OR', 'FROM', 'foobar', 'BODY', 'zanzibar']) \
        == [1, 3]
    assert client.search(['SENTBEFORE', datetime(2000, 1, 1).date()]) == [1]
    assert client.search(['LARGER', len(ATTACHMENT) - 1]) == [3]
    assert client.search(['SUBJECT', ENCODED_SUBJECT], 'UTF-8') == [5]
    assert client.search(['BODY', 'Käsekuchen'], 'UTF-8') == [5]
    with pytest.raises(IMAPClientError, match='BADCHARSET'):
        client.search(['SUBJECT', 'x'], 'KOI8-R')


def test_flags(client: imapclient.IMAPClient) -> None:
    added = client.add_flags([2, 3], [imapclient.FLAGGED, b'$Later'])
    assert {uid: set(flags) for uid, flags in added.items()} == {
        2: {imapclient.FLAGGED, b'$Later', imapclient.RECENT},
        3: {imapclient.FLAGGED, b'$Later', imapclient.RECENT}}
    client.remove_flags([3], [b'$Later'])
    client.set_flags([1], [imapclient.ANSWERED])
    flags = {uid: set(f) for uid, f in client.get_flags([1, 2, 3]).items()}
    assert flags == {1: {imapclient.ANSWERED, imapclient.RECENT},
                     2: {imapclient.FLAGGED, b'$Later', imapclient.RECENT},
                     3: {imapclient.FLAGGED, imapclient.RECENT}}
    info = client.select_folder('INBOX')
    assert b'$Later' in info[b'PERMANENTFLAGS']


def test_copy_move_expunge(client: imapclient.IMAPClient) -> None:
    client.create_folder('Archive')
    status = client.folder_status('Archive', ['UIDVALIDITY', 'MESSAGES'])
    assert status[b'MESSAGES'] == 0
    client.copy([1, 2], 'Archive')
    assert client.folder_status('Archive', ['MESSAGES'])[b'MESSAGES'] == 2
    client.move([3], 'Archive')
    assert client.search() == [1, 2, 4, 5]
    client.add_flags([4], [imapclient.DELETED])
    client.expunge()
    assert client.search() == [1, 2, 5]
    client.add_flags([1, 2], [imapclient.DELETED])
    client.uid_expunge([2])
    assert client.search() == [1, 5]
    assert client.folder_status('Archive', ['MESSAGES'])[b'MESSAGES'] == 3


def test_multiappend_of_one_message(open_client: Open) -> None:
    client = open_client()
    typ, data = client.multiappend('INBOX', [{
        'msg': ENCODED, 'flags': (imapclient.SEEN,),
        'date': datetime(2022, 6, 3, 18, 45, tzinfo=UTC)}])
    assert typ == 'OK' and data[0].startswith(b'[APPENDUID ')
    client.select_folder('INBOX')
    assert client.search(['SEEN']) == [1]
    client.normalise_times = False
    data = client.fetch([1], ['BODY.PEEK[]', 'INTERNALDATE'])[1]
    assert data[b'BODY[]'] == ENCODED
    assert data[b'INTERNALDATE'] == datetime(2022, 6, 3, 18, 45,
                                             tzinfo=UTC)


def test_multiappend_of_several_messages(open_client: Open) -> None:
    client = open_client()
    typ, data = client.multiappend('INBOX', [PLAIN, ALTERNATIVE])
    assert typ == 'OK' and b' 1:2]' in data[0]


def wait_for(client: imapclient.IMAPClient,
             wanted: Callable[[tuple[object, ...]], bool]
             ) -> list[tuple[object, ...]]:
    """IDLE updates up to the first one *wanted* accepts; fails when
    nothing arrives within :data:`PUSH_TIMEOUT`."""
    seen: list[tuple[object, ...]] = []
    while not any(wanted(update) for update in seen):
        batch = client.idle_check(timeout=PUSH_TIMEOUT)
        assert batch, f'nothing pushed; so far {seen}'
        seen += batch
    return seen


def test_idle(open_client: Open) -> None:
    idler, writer = open_client(), open_client()
    idler.select_folder('INBOX')
    idler.idle()
    writer.append('INBOX', PLAIN)
    wait_for(idler, lambda update: update[:2] == (1, b'EXISTS'))
    writer.select_folder('INBOX')
    writer.add_flags([1], [imapclient.FLAGGED])
    seen = wait_for(idler, lambda update: update[:2] == (1, b'FETCH'))
    items = next(update[2] for update in seen if update[:2] == (1, b'FETCH'))
    assert isinstance(items, tuple)
    assert imapclient.FLAGGED in items[items.index(b'FLAGS') + 1]
    writer.delete_messages([1])
    writer.expunge()
    wait_for(idler, lambda update: update == (1, b'EXPUNGE'))
    text, _ = idler.idle_done()
    assert text.startswith(b'IDLE')
    assert idler.search() == []

"""A whole session through ``imapclient``, a widely used client library:
its UID-based commands, modified UTF-7 folder names and response parsing
must all agree with the server."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import imapclient
import pytest
from imapclient.exceptions import IMAPClientError

from pymap.testing import OTHER_USER, ServerThread
from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER

Open = Callable[..., imapclient.IMAPClient]


def _message(subject: str, body: str = 'Hello there.') -> bytes:
    return (f'From: alice@example.com\r\nTo: bob@example.com\r\n'
            f'Subject: {subject}\r\nMessage-ID: <{subject}@example.com>\r\n'
            f'\r\n{body}\r\n').encode()


@pytest.fixture
def open_client(server: ServerThread) -> Iterator[Open]:
    """Opens logged-in clients; each is logged out at the end."""
    clients: list[imapclient.IMAPClient] = []

    def open_one(user: str = USER) -> imapclient.IMAPClient:
        client = imapclient.IMAPClient(server.host, server.port, ssl=False,
                                       timeout=10)
        clients.append(client)
        client.login(user, PASSWORD)
        return client

    yield open_one
    for client in clients:
        with contextlib.suppress(IMAPClientError, OSError):
            client.logout()


@pytest.fixture
def client(open_client: Open) -> imapclient.IMAPClient:
    """One logged-in client."""
    return open_client()


def _names(client: imapclient.IMAPClient, pattern: str = '*') -> list[str]:
    return sorted(name for _flags, _delim, name
                  in client.list_folders(pattern=pattern))


def test_capabilities_id_namespace(client: imapclient.IMAPClient) -> None:
    caps = client.capabilities()
    for cap in (b'IMAP4REV1', b'IDLE', b'UIDPLUS', b'MOVE', b'NAMESPACE',
                b'ID', b'ENABLE', b'UNSELECT'):
        assert cap in caps
    assert not any(cap.startswith(b'AUTH=') for cap in caps)
    (fields,) = client.id_({'name': 'pytest'})
    assert fields[:3] == (b'name', b'pymap', b'version')
    assert client.id_() == ((b'name', b'pymap', b'version', fields[3]),)
    namespace = client.namespace()
    assert namespace.personal == (('', '/'),)
    assert namespace.other is None
    assert namespace.shared is None


def test_folder_lifecycle(client: imapclient.IMAPClient) -> None:
    client.create_folder('Projects/2024/Q1')
    assert _names(client) == ['INBOX', 'Projects', 'Projects/2024',
                              'Projects/2024/Q1']
    assert _names(client, 'Projects/%') == ['Projects/2024']
    flags = {name: set(attrs) for attrs, _delim, name
             in client.list_folders()}
    assert flags['Projects'] == {b'\\HasChildren'}
    assert flags['Projects/2024/Q1'] == {b'\\HasNoChildren'}
    assert client.folder_exists('Projects/2024')
    assert not client.folder_exists('Nope')

    client.rename_folder('Projects', 'Archive')
    assert _names(client) == ['Archive', 'Archive/2024', 'Archive/2024/Q1',
                              'INBOX']
    client.delete_folder('Archive/2024/Q1')
    client.delete_folder('Archive/2024')
    client.delete_folder('Archive')
    assert _names(client) == ['INBOX']

    with pytest.raises(IMAPClientError, match='NONEXISTENT'):
        client.delete_folder('Archive')
    with pytest.raises(IMAPClientError, match='ALREADYEXISTS'):
        client.create_folder('INBOX')
    assert client.noop()[0] == b'NOOP completed.'


def test_non_ascii_folders(client: imapclient.IMAPClient) -> None:
    names = ['Entwürfe', '日本語', 'Ελληνικά/Παιδί', 'R&D', 'NIL', 'a "b"']
    for name in names:
        client.create_folder(name)
    listed = _names(client)
    for name in names:
        assert name in listed
    assert 'Ελληνικά' in listed
    client.append('日本語', _message('nihongo'))
    assert client.folder_status('日本語', ['MESSAGES']) == {b'MESSAGES': 1}
    info = client.select_folder('日本語')
    assert info[b'EXISTS'] == 1
    client.rename_folder('Entwürfe', 'Brouillons/Entwürfe')
    assert 'Brouillons/Entwürfe' in _names(client)
    client.subscribe_folder('R&D')
    assert [name for _f, _d, name in client.list_sub_folders()] == ['R&D']


def test_append_select_fetch(client: imapclient.IMAPClient) -> None:
    when = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    result = client.append('INBOX', _message('first'), flags=[b'\\Seen'],
                           msg_time=when)
    assert result.startswith(b'[APPENDUID ')
    client.append('INBOX', _message('second', 'Second body.'),
                  flags=[b'\\Flagged', b'$Label1'])
    info = client.select_folder('INBOX')
    assert info[b'EXISTS'] == 2
    assert info[b'RECENT'] == 2
    assert info[b'UIDNEXT'] == 3
    assert b'$Label1' in info[b'FLAGS']
    assert b'\\*' in info[b'PERMANENTFLAGS']
    assert info[b'READ-WRITE']

    client.normalise_times = False
    data = client.fetch([1, 2], ['FLAGS', 'RFC822.SIZE', 'ENVELOPE',
                                 'INTERNALDATE', 'BODY.PEEK[TEXT]'])
    assert sorted(data) == [1, 2]
    first, second = data[1], data[2]
    assert b'\\Seen' in first[b'FLAGS']
    assert set(second[b'FLAGS']) >= {b'\\Flagged', b'$Label1'}
    assert first[b'RFC822.SIZE'] == len(_message('first'))
    assert first[b'ENVELOPE'].subject == b'first'
    assert first[b'ENVELOPE'].from_[0].mailbox == b'alice'
    assert first[b'INTERNALDATE'] == when
    assert second[b'BODY[TEXT]'] == b'Second body.\r\n'


def test_search_and_flags(client: imapclient.IMAPClient) -> None:
    for number in range(1, 5):
        client.append('INBOX', _message(f'msg{number}', f'number {number}'))
    client.select_folder('INBOX')
    assert client.search(['ALL']) == [1, 2, 3, 4]
    assert client.search(['UNSEEN']) == [1, 2, 3, 4]
    assert client.search(['SUBJECT', 'msg3']) == [3]
    assert client.search(['TEXT', 'number 2'], charset='UTF-8') == [2]
    client.add_flags([1, 2], [b'\\Seen'])
    assert client.search(['SEEN']) == [1, 2]
    assert set(client.get_flags([1])[1]) == {b'\\Seen', b'\\Recent'}
    client.set_flags([3], [b'\\Answered', b'custom'])
    assert set(client.get_flags([3])[3]) == {b'\\Answered', b'custom',
                                             b'\\Recent'}
    client.remove_flags([1], [b'\\Seen'])
    assert client.search(['UNSEEN']) == [1, 3, 4]
    assert client.search(['KEYWORD', 'custom']) == [3]
    with pytest.raises(IMAPClientError, match='BADCHARSET'):
        client.search(['TEXT', 'x'], charset='KOI8-R')


def test_copy_move_expunge(client: imapclient.IMAPClient) -> None:
    client.create_folder('Saved')
    for number in range(3):
        client.append('INBOX', _message(f'm{number}'))
    client.select_folder('INBOX')
    client.copy([1, 2], 'Saved')
    assert client.search(['ALL']) == [1, 2, 3]
    client.move([3], 'Saved')
    assert client.search(['ALL']) == [1, 2]
    assert client.folder_status('Saved', ['MESSAGES', 'UIDNEXT']) == {
        b'MESSAGES': 3, b'UIDNEXT': 4}

    client.delete_messages([1])
    client.expunge([1])
    assert client.search(['ALL']) == [2]
    client.delete_messages([2])
    client.close_folder()
    assert client.folder_status('INBOX', ['MESSAGES']) == {b'MESSAGES': 0}

    with pytest.raises(IMAPClientError, match='TRYCREATE'):
        client.append('Missing', _message('lost'))
    client.select_folder('Saved', readonly=True)
    with pytest.raises(IMAPClientError, match='TRYCREATE'):
        client.copy([1], 'Missing')
    client.unselect_folder()
    with pytest.raises(IMAPClientError):
        client.select_folder('Missing')


def test_status_items(client: imapclient.IMAPClient) -> None:
    client.append('INBOX', _message('a'), flags=[b'\\Seen'])
    client.append('INBOX', _message('b'))
    status = client.folder_status('INBOX', ['MESSAGES', 'RECENT', 'UIDNEXT',
                                            'UIDVALIDITY', 'UNSEEN',
                                            'APPENDLIMIT'])
    assert status[b'MESSAGES'] == 2
    assert status[b'RECENT'] == 2
    assert status[b'UIDNEXT'] == 3
    assert status[b'UNSEEN'] == 1
    assert status[b'APPENDLIMIT'] > 0
    info = client.select_folder('INBOX')
    assert info[b'UIDVALIDITY'] == status[b'UIDVALIDITY']


def test_idle_sees_another_session(open_client: Open) -> None:
    watcher = open_client()
    writer = open_client()
    watcher.select_folder('INBOX')
    watcher.idle()
    try:
        writer.append('INBOX', _message('pushed'))
        responses = watcher.idle_check(timeout=5)
    finally:
        text, _ = watcher.idle_done()
    assert (1, b'EXISTS') in responses
    assert text.startswith(b'IDLE terminated')


def test_users_are_isolated(open_client: Open) -> None:
    mine = open_client()
    theirs = open_client(OTHER_USER)
    mine.create_folder('Mine')
    mine.append('INBOX', _message('private'))
    assert _names(theirs) == ['INBOX']
    assert theirs.folder_status('INBOX', ['MESSAGES']) == {b'MESSAGES': 0}


def test_logout(client: imapclient.IMAPClient) -> None:
    assert client.logout() == b'Logging out.'

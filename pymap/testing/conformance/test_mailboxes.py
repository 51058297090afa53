"""End-to-end checks of the mailbox commands of the authenticated state
(RFC 3501 §6.3): CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST,
LSUB, STATUS, SELECT and APPEND's TRYCREATE, with CHILDREN (RFC 3348) and
response codes (RFC 5530)."""

from __future__ import annotations

import imaplib
import re
from collections.abc import Callable

import pytest
from imapclient.imap_utf7 import encode as utf7_encode

from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER
from pymap.testing.rawclient import RawClient

_LIST_LINE = re.compile(rb'\* (LIST|LSUB) \(([^)]*)\) "/" (.+)\r\n')
_MESSAGE = b'Subject: test\r\n\r\nbody\r\n'


@pytest.fixture
def client(raw: RawClient) -> RawClient:
    """A raw client logged in as ``testuser``."""
    lines = raw.command(b'L LOGIN %s %s' % (USER.encode(), PASSWORD.encode()))
    assert lines[-1].startswith(b'L OK'), lines
    return raw


def _ok(client: RawClient, command: bytes) -> list[bytes]:
    """Runs a command that must succeed; returns its untagged lines."""
    lines = client.command(b't ' + command)
    assert lines[-1].startswith(b't OK '), (command, lines)
    return lines[:-1]


def _fails(client: RawClient, command: bytes, status: bytes = b'NO',
           code: bytes | None = None) -> bytes:
    """Runs a command that must fail; returns its tagged response."""
    lines = client.command(b'f ' + command)
    pattern = b'f %s ' % status
    if code is not None:
        pattern += b'[' + code + b'] '
    assert lines[-1].startswith(pattern), (command, lines)
    assert _ok(client, b'NOOP') == [], 'connection unusable'
    return lines[-1]


def _unquote(name: bytes) -> bytes:
    if name.startswith(b'"') and name.endswith(b'"'):
        return re.sub(rb'\\(.)', rb'\1', name[1:-1])
    return name


def _listing(client: RawClient, reference: bytes = b'""',
             pattern: bytes = b'"*"',
             verb: bytes = b'LIST') -> dict[bytes, set[bytes]]:
    """The names a LIST or LSUB returns, with their attributes."""
    result: dict[bytes, set[bytes]] = {}
    for line in _ok(client, b'%s %s %s' % (verb, reference, pattern)):
        match = _LIST_LINE.fullmatch(line)
        assert match is not None and match.group(1) == verb, line
        name = _unquote(match.group(3))
        assert name not in result, f'{name!r} listed twice'
        result[name] = set(match.group(2).split())
    return result


def _status(client: RawClient, mailbox: bytes,
            items: bytes = b'MESSAGES') -> dict[bytes, int]:
    lines = _ok(client, b'STATUS %s (%s)' % (mailbox, items))
    assert len(lines) == 1, lines
    match = re.fullmatch(rb'\* STATUS (.+) \(([^)]*)\)\r\n', lines[0])
    assert match is not None, lines
    assert _unquote(match.group(1)) == _unquote(mailbox)
    values = match.group(2).split()
    return {key: int(value)
            for key, value in zip(values[::2], values[1::2], strict=True)}


def _append(client: RawClient, mailbox: bytes, flags: bytes = b'',
            message: bytes = _MESSAGE) -> list[bytes]:
    return client.command(b'a APPEND %s %s{%d+}\r\n%s' % (
        mailbox, flags, len(message), message))


def _appended(client: RawClient, mailbox: bytes, count: int = 1) -> None:
    for _ in range(count):
        lines = _append(client, mailbox)
        assert lines[-1].startswith(b'a OK [APPENDUID '), lines


# -- CREATE -------------------------------------------------------------------


def test_create_and_list(client: RawClient) -> None:
    assert _listing(client) == {b'INBOX': {b'\\HasNoChildren'}}
    _ok(client, b'CREATE Archive')
    assert _listing(client) == {b'INBOX': {b'\\HasNoChildren'},
                                b'Archive': {b'\\HasNoChildren'}}
    assert _status(client, b'Archive') == {b'MESSAGES': 0}


def test_create_hierarchy_creates_parents(client: RawClient) -> None:
    _ok(client, b'CREATE a/b/c')
    assert _listing(client) == {
        b'INBOX': {b'\\HasNoChildren'},
        b'a': {b'\\HasChildren'},
        b'a/b': {b'\\HasChildren'},
        b'a/b/c': {b'\\HasNoChildren'},
    }
    _ok(client, b'SELECT a/b')
    _fails(client, b'CREATE a/b', code=b'ALREADYEXISTS')
    _fails(client, b'CREATE a', code=b'ALREADYEXISTS')


def test_create_below_existing_parent(client: RawClient) -> None:
    _ok(client, b'CREATE work')
    _appended(client, b'work')
    _ok(client, b'CREATE work/2024')
    assert _listing(client)[b'work'] == {b'\\HasChildren'}
    assert _status(client, b'work') == {b'MESSAGES': 1}


def test_create_trailing_delimiter(client: RawClient) -> None:
    _ok(client, b'CREATE folder/')
    listing = _listing(client)
    assert b'folder' in listing
    assert b'folder/' not in listing
    _fails(client, b'CREATE folder', code=b'ALREADYEXISTS')


def test_create_existing_is_alreadyexists(client: RawClient) -> None:
    _ok(client, b'CREATE Drafts')
    _fails(client, b'CREATE Drafts', code=b'ALREADYEXISTS')
    _fails(client, b'CREATE "Drafts"', code=b'ALREADYEXISTS')
    assert list(_listing(client)) == [b'Drafts', b'INBOX']


@pytest.mark.parametrize('name', [b'INBOX', b'inbox', b'"InBox"'])
def test_create_inbox_is_alreadyexists(client: RawClient,
                                       name: bytes) -> None:
    _fails(client, b'CREATE ' + name, code=b'ALREADYEXISTS')


def test_create_inbox_child(client: RawClient) -> None:
    _ok(client, b'CREATE inbox/sub')
    listing = _listing(client)
    assert listing[b'INBOX'] == {b'\\HasChildren'}
    assert listing[b'INBOX/sub'] == {b'\\HasNoChildren'}


@pytest.mark.parametrize('name', ['Entwürfe', '日本語', 'a&b', 'Ünï/cödé'])
def test_create_non_ascii_round_trip(client: RawClient, name: str) -> None:
    encoded = utf7_encode(name)
    quoted = b'"' + encoded + b'"'
    _ok(client, b'CREATE ' + quoted)
    listing = _listing(client)
    assert encoded in listing, listing
    _appended(client, quoted)
    assert _status(client, quoted) == {b'MESSAGES': 1}
    _ok(client, b'SELECT ' + quoted)


@pytest.mark.parametrize('name', [
    'My Folder', 'say "hi"', 'back\\slash', 'star*', '100%', 'br]acket',
    'cur{ly', 'pa(ren)', 'NIL', 'nil', 'a.b+c'])
def test_create_special_characters_round_trip(connect: Callable[
        ..., imaplib.IMAP4], name: str) -> None:
    client = connect()
    quoted = '"' + name.replace('\\', '\\\\').replace('"', '\\"') + '"'
    assert client.create(quoted)[0] == 'OK'
    typ, data = client.list('""', '*')
    assert typ == 'OK'
    listed = [_unquote(line.split(b' "/" ', 1)[1]) for line in data
              if isinstance(line, bytes)]
    assert name.encode() in listed, data
    assert client.select(quoted)[0] == 'OK'
    typ, data = client.status(quoted, '(MESSAGES)')
    assert typ == 'OK'
    assert isinstance(data[0], bytes)
    assert data[0].endswith(b' (MESSAGES 0)')


def test_create_non_ascii_wire_form(client: RawClient) -> None:
    _ok(client, b'CREATE Entw&APw-rfe')
    _ok(client, b'CREATE &ZeVnLIqe-')
    listing = _listing(client)
    assert b'Entw&APw-rfe' in listing
    assert b'&ZeVnLIqe-' in listing


@pytest.mark.parametrize('name', [b'""', b'a//b', b'"/lead"', b'"//"'])
def test_create_invalid_name(client: RawClient, name: bytes) -> None:
    _fails(client, b'CREATE ' + name, code=b'CANNOT')
    assert list(_listing(client)) == [b'INBOX']


@pytest.mark.parametrize('name', [b'"caf\xc3\xa9"', b'"&A-"',
                                  b'"&,,,,-"'])
def test_create_undecodable_name_is_bad(client: RawClient,
                                        name: bytes) -> None:
    _fails(client, b'CREATE ' + name, status=b'BAD')
    assert list(_listing(client)) == [b'INBOX']


@pytest.mark.parametrize('name', [b'"&Jjo!"', b'"&AGE-"', b'"a&b"'])
def test_create_malformed_modutf7_is_bad(client: RawClient,
                                         name: bytes) -> None:
    """RFC 3501 §5.1.3: ``&`` must open a shifted run closed by ``-``
    (``&-`` for ``&`` itself), and printable ASCII must not be
    shifted."""
    _fails(client, b'CREATE ' + name, status=b'BAD')
    assert list(_listing(client)) == [b'INBOX']


# -- DELETE -------------------------------------------------------------------


def test_delete(client: RawClient) -> None:
    _ok(client, b'CREATE Junk')
    _appended(client, b'Junk', 2)
    _ok(client, b'DELETE Junk')
    assert b'Junk' not in _listing(client)
    _fails(client, b'STATUS Junk (MESSAGES)', code=b'NONEXISTENT')
    _ok(client, b'CREATE Junk')
    assert _status(client, b'Junk') == {b'MESSAGES': 0}


def test_delete_nonexistent(client: RawClient) -> None:
    _fails(client, b'DELETE nosuch', code=b'NONEXISTENT')


@pytest.mark.parametrize('name', [b'INBOX', b'inbox'])
def test_delete_inbox_refused(client: RawClient, name: bytes) -> None:
    _appended(client, b'INBOX')
    _fails(client, b'DELETE ' + name)
    assert _status(client, b'INBOX') == {b'MESSAGES': 1}


def test_delete_with_children_becomes_noselect(client: RawClient) -> None:
    _ok(client, b'CREATE foo/bar')
    _appended(client, b'foo')
    _appended(client, b'foo/bar', 2)
    _ok(client, b'DELETE foo')
    listing = _listing(client)
    assert listing[b'foo'] == {b'\\Noselect', b'\\HasChildren'}
    assert listing[b'foo/bar'] == {b'\\HasNoChildren'}
    assert _status(client, b'foo/bar') == {b'MESSAGES': 2}
    _fails(client, b'SELECT foo')
    _ok(client, b'SELECT foo/bar')
    _ok(client, b'UNSELECT')
    # RFC 3501 §6.3.4: a \Noselect name with inferiors cannot be deleted.
    _fails(client, b'DELETE foo')
    assert b'foo/bar' in _listing(client)


def test_delete_noselect_after_children(client: RawClient) -> None:
    """The sequence of RFC 3501 §6.3.4's second example."""
    _ok(client, b'CREATE foo/bar')
    _ok(client, b'DELETE foo')
    _fails(client, b'DELETE foo')
    _ok(client, b'DELETE foo/bar')
    assert _listing(client, pattern=b'foo*') == {
        b'foo': {b'\\Noselect', b'\\HasNoChildren'}}
    _ok(client, b'DELETE foo')
    assert list(_listing(client)) == [b'INBOX']


def test_create_over_noselect_name(client: RawClient) -> None:
    """A name kept only for its inferiors can become a mailbox again."""
    _ok(client, b'CREATE foo/bar')
    _ok(client, b'DELETE foo')
    _ok(client, b'CREATE foo')
    assert _listing(client)[b'foo'] == {b'\\HasChildren'}
    assert _status(client, b'foo') == {b'MESSAGES': 0}
    _fails(client, b'CREATE foo', code=b'ALREADYEXISTS')


def test_delete_child_keeps_parent(client: RawClient) -> None:
    _ok(client, b'CREATE p/c')
    _ok(client, b'DELETE p/c')
    assert _listing(client) == {b'INBOX': {b'\\HasNoChildren'},
                                b'p': {b'\\HasNoChildren'}}


# -- RENAME -------------------------------------------------------------------


def test_rename(client: RawClient) -> None:
    _ok(client, b'CREATE old')
    _appended(client, b'old', 3)
    _ok(client, b'RENAME old new')
    listing = _listing(client)
    assert b'old' not in listing
    assert listing[b'new'] == {b'\\HasNoChildren'}
    assert _status(client, b'new') == {b'MESSAGES': 3}
    _fails(client, b'SELECT old', code=b'NONEXISTENT')


def test_rename_moves_children(client: RawClient) -> None:
    _ok(client, b'CREATE a/b/c')
    _appended(client, b'a/b/c')
    _ok(client, b'RENAME a x')
    assert _listing(client) == {
        b'INBOX': {b'\\HasNoChildren'},
        b'x': {b'\\HasChildren'},
        b'x/b': {b'\\HasChildren'},
        b'x/b/c': {b'\\HasNoChildren'},
    }
    assert _status(client, b'x/b/c') == {b'MESSAGES': 1}


def test_rename_creates_new_parents(client: RawClient) -> None:
    _ok(client, b'CREATE leaf')
    _ok(client, b'RENAME leaf p/q/leaf')
    listing = _listing(client)
    assert listing[b'p'] == {b'\\HasChildren'}
    assert listing[b'p/q'] == {b'\\HasChildren'}
    assert listing[b'p/q/leaf'] == {b'\\HasNoChildren'}
    assert b'leaf' not in listing


def test_rename_inbox_moves_messages(client: RawClient) -> None:
    _appended(client, b'INBOX', 2)
    _ok(client, b'CREATE INBOX/keep')
    _ok(client, b'RENAME INBOX saved')
    listing = _listing(client)
    assert b'INBOX' in listing
    assert b'saved' in listing
    assert b'INBOX/keep' in listing
    assert _status(client, b'saved') == {b'MESSAGES': 2}
    assert _status(client, b'INBOX') == {b'MESSAGES': 0}
    lines = _ok(client, b'SELECT INBOX')
    assert b'* 0 EXISTS\r\n' in lines
    _ok(client, b'SELECT saved')
    fetched = b''.join(_ok(client, b'FETCH 1:* (BODY.PEEK[TEXT])'))
    assert fetched.count(b'body\r\n') == 2


def test_rename_inbox_into_own_child(client: RawClient) -> None:
    """Renaming INBOX only moves its messages (RFC 3501 §6.3.5), so a
    name below INBOX is a valid destination."""
    _appended(client, b'INBOX', 2)
    _ok(client, b'RENAME INBOX INBOX/old')
    listing = _listing(client)
    assert listing[b'INBOX'] == {b'\\HasChildren'}
    assert listing[b'INBOX/old'] == {b'\\HasNoChildren'}
    assert _status(client, b'INBOX/old') == {b'MESSAGES': 2}
    assert _status(client, b'INBOX') == {b'MESSAGES': 0}


def test_rename_target_exists(client: RawClient) -> None:
    _ok(client, b'CREATE one')
    _ok(client, b'CREATE two')
    _fails(client, b'RENAME one two', code=b'ALREADYEXISTS')
    _fails(client, b'RENAME one INBOX', code=b'ALREADYEXISTS')
    assert {b'one', b'two'} <= set(_listing(client))


def test_rename_source_missing(client: RawClient) -> None:
    _fails(client, b'RENAME nosuch other', code=b'NONEXISTENT')
    assert b'other' not in _listing(client)


def test_rename_into_own_child_refused(client: RawClient) -> None:
    _ok(client, b'CREATE loop')
    _fails(client, b'RENAME loop loop/inner')
    assert list(_listing(client)) == [b'INBOX', b'loop']


# -- SUBSCRIBE, UNSUBSCRIBE, LSUB ---------------------------------------------


def test_subscribe_and_lsub(client: RawClient) -> None:
    _ok(client, b'CREATE news/tech')
    assert _listing(client, verb=b'LSUB') == {}
    _ok(client, b'SUBSCRIBE news/tech')
    _ok(client, b'SUBSCRIBE INBOX')
    assert _listing(client, verb=b'LSUB') == {b'INBOX': set(),
                                              b'news/tech': set()}
    _ok(client, b'UNSUBSCRIBE news/tech')
    assert _listing(client, verb=b'LSUB') == {b'INBOX': set()}


def test_lsub_percent_returns_unsubscribed_parent(client: RawClient
                                                  ) -> None:
    """RFC 3501 §6.3.9: with ``foo/bar`` subscribed but not ``foo``,
    ``%`` returns ``foo`` flagged ``\\Noselect``."""
    _ok(client, b'CREATE news/tech/deep')
    _ok(client, b'CREATE news/sport')
    _ok(client, b'SUBSCRIBE news/tech/deep')
    _ok(client, b'SUBSCRIBE news/sport')
    _ok(client, b'SUBSCRIBE INBOX')
    assert _listing(client, pattern=b'%', verb=b'LSUB') == {
        b'INBOX': set(), b'news': {b'\\Noselect'}}
    assert _listing(client, pattern=b'news/%', verb=b'LSUB') == {
        b'news/sport': set(), b'news/tech': {b'\\Noselect'}}
    assert _listing(client, pattern=b'*', verb=b'LSUB') == {
        b'INBOX': set(), b'news/sport': set(), b'news/tech/deep': set()}
    _ok(client, b'SUBSCRIBE news')
    assert _listing(client, pattern=b'%', verb=b'LSUB') == {
        b'INBOX': set(), b'news': set()}


def test_unsubscribe_not_subscribed(client: RawClient) -> None:
    _fails(client, b'UNSUBSCRIBE INBOX')


def test_lsub_deleted_mailbox_is_noselect(client: RawClient) -> None:
    _ok(client, b'CREATE gone')
    _ok(client, b'SUBSCRIBE gone')
    _ok(client, b'DELETE gone')
    assert _listing(client, verb=b'LSUB') == {b'gone': {b'\\Noselect'}}


def test_lsub_empty_pattern(client: RawClient) -> None:
    lines = _ok(client, b'LSUB "" ""')
    assert lines == [b'* LSUB (\\Noselect) "/" ""\r\n']


# -- LIST patterns ------------------------------------------------------------


@pytest.fixture
def tree(client: RawClient) -> RawClient:
    """A small hierarchy: a, a/b, a/b/c, a/d, x, INBOX/sub."""
    for name in (b'a/b/c', b'a/d', b'x', b'INBOX/sub'):
        _ok(client, b'CREATE ' + name)
    return client


@pytest.mark.parametrize(('reference', 'pattern', 'names'), [
    (b'""', b'*', [b'INBOX', b'INBOX/sub', b'a', b'a/b', b'a/b/c', b'a/d',
                   b'x']),
    (b'""', b'%', [b'INBOX', b'a', b'x']),
    (b'""', b'a/%', [b'a/b', b'a/d']),
    (b'""', b'a/*', [b'a/b', b'a/b/c', b'a/d']),
    (b'""', b'%/%', [b'INBOX/sub', b'a/b', b'a/d']),
    (b'""', b'*c', [b'a/b/c']),
    (b'""', b'a%', [b'a']),
    (b'""', b'inbox', [b'INBOX']),
    (b'""', b'Inbox/*', [b'INBOX/sub']),
    (b'""', b'nomatch*', []),
    (b'a/', b'%', [b'a/b', b'a/d']),
    (b'a/', b'*', [b'a/b', b'a/b/c', b'a/d']),
    (b'a', b'%', [b'a/b', b'a/d']),
    (b'a/b/', b'c', [b'a/b/c']),
    (b'"a/"', b'x', []),
])
def test_list_patterns(tree: RawClient, reference: bytes, pattern: bytes,
                       names: list[bytes]) -> None:
    listing = _listing(tree, reference, b'"%s"' % pattern)
    assert sorted(listing) == sorted(names)


def test_list_children_attributes(tree: RawClient) -> None:
    listing = _listing(tree)
    assert listing[b'a'] == {b'\\HasChildren'}
    assert listing[b'a/b'] == {b'\\HasChildren'}
    assert listing[b'a/b/c'] == {b'\\HasNoChildren'}
    assert listing[b'a/d'] == {b'\\HasNoChildren'}
    assert listing[b'INBOX'] == {b'\\HasChildren'}
    assert listing[b'x'] == {b'\\HasNoChildren'}


def test_list_empty_pattern_gives_delimiter(client: RawClient) -> None:
    assert _ok(client, b'LIST "" ""') == [b'* LIST (\\Noselect) "/" ""\r\n']


def test_list_unquoted_wildcards(tree: RawClient) -> None:
    assert sorted(_listing(tree, b'""', b'%')) == [b'INBOX', b'a', b'x']
    assert _ok(tree, b'LIST "" *')[0].startswith(b'* LIST ')


def test_list_literal_pattern(tree: RawClient) -> None:
    assert sorted(_listing(tree, b'""', b'{3+}\r\na/%')) == [b'a/b',
                                                             b'a/d']


def test_list_imaplib(imap: imaplib.IMAP4) -> None:
    assert imap.create('Reports/2024')[0] == 'OK'
    typ, data = imap.list('Reports/', '%')
    assert typ == 'OK'
    assert data == [b'(\\HasNoChildren) "/" Reports/2024']


# -- STATUS -------------------------------------------------------------------


def test_status_all_items(client: RawClient) -> None:
    _ok(client, b'CREATE box')
    assert _append(client, b'box', b'(\\Seen) ')[-1].startswith(b'a OK')
    _appended(client, b'box', 2)
    status = _status(client, b'box', b'MESSAGES RECENT UIDNEXT UIDVALIDITY '
                                     b'UNSEEN APPENDLIMIT')
    assert list(status) == [b'MESSAGES', b'RECENT', b'UIDNEXT',
                            b'UIDVALIDITY', b'UNSEEN', b'APPENDLIMIT']
    assert status[b'MESSAGES'] == 3
    assert status[b'RECENT'] == 3
    assert status[b'UIDNEXT'] == 4
    assert status[b'UIDVALIDITY'] > 0
    assert status[b'UNSEEN'] == 2
    assert status[b'APPENDLIMIT'] > 0
    lines = _ok(client, b'SELECT box')
    assert b'* OK [UIDVALIDITY %d] UIDs valid.\r\n' \
        % status[b'UIDVALIDITY'] in lines
    _ok(client, b'UNSELECT')
    assert _status(client, b'box', b'RECENT UIDNEXT') == {
        b'RECENT': 0, b'UIDNEXT': 4}


def test_status_nonexistent(client: RawClient) -> None:
    _fails(client, b'STATUS nosuch (MESSAGES)', code=b'NONEXISTENT')


@pytest.mark.parametrize('items', [b'(BOGUS)', b'()', b'MESSAGES'])
def test_status_bad_items(client: RawClient, items: bytes) -> None:
    _fails(client, b'STATUS INBOX ' + items, status=b'BAD')


def test_status_non_ascii_name(client: RawClient) -> None:
    _ok(client, b'CREATE "&ZeVnLIqe-"')
    lines = _ok(client, b'STATUS "&ZeVnLIqe-" (MESSAGES)')
    assert lines == [b'* STATUS &ZeVnLIqe- (MESSAGES 0)\r\n']


# -- SELECT and APPEND to missing mailboxes -----------------------------------


def test_select_nonexistent_leaves_authenticated(client: RawClient) -> None:
    _ok(client, b'SELECT INBOX')
    _ok(client, b'UID FETCH 1:* FLAGS')
    _fails(client, b'SELECT nosuch', code=b'NONEXISTENT')
    _fails(client, b'UID FETCH 1:* FLAGS', status=b'BAD')
    _ok(client, b'LIST "" "*"')


def test_examine_is_read_only(client: RawClient) -> None:
    _appended(client, b'INBOX')
    lines = client.command(b'e EXAMINE INBOX')
    assert lines[-1].startswith(b'e OK [READ-ONLY] ')
    _fails(client, b'STORE 1 +FLAGS (\\Seen)')


def test_append_nonexistent_is_trycreate(client: RawClient) -> None:
    lines = _append(client, b'nosuch')
    assert lines[-1].startswith(b'a NO [TRYCREATE] '), lines
    assert b'nosuch' not in _listing(client)
    _ok(client, b'CREATE nosuch')
    assert _append(client, b'nosuch')[-1].startswith(b'a OK [APPENDUID ')


def test_copy_to_nonexistent_is_trycreate(client: RawClient) -> None:
    _appended(client, b'INBOX')
    _ok(client, b'SELECT INBOX')
    _fails(client, b'COPY 1 nosuch', code=b'TRYCREATE')
    _fails(client, b'MOVE 1 nosuch', code=b'TRYCREATE')
    assert _status(client, b'INBOX') == {b'MESSAGES': 1}


def test_mailboxes_are_per_user(client: RawClient,
                                connect: Callable[..., imaplib.IMAP4]
                                ) -> None:
    _ok(client, b'CREATE private')
    other = connect('otheruser')
    typ, data = other.list()
    assert typ == 'OK'
    assert data == [b'(\\HasNoChildren) "/" INBOX']


def test_refused_name_leaves_no_parents_behind(imap: imaplib.IMAP4) -> None:
    # Backends differ on whether ".." may be a hierarchy level (a maildir
    # refuses it); either way CREATE must be all or nothing.
    typ, _ = imap.create('fresh/../escape')
    typ_list, listing = imap.list('""', 'fresh*')
    assert typ_list == 'OK'
    if typ == 'NO':
        assert listing == [None]
    else:
        names = {line.rsplit(b' ', 1)[-1] for line in listing
                 if isinstance(line, bytes)}
        assert names == {b'fresh', b'fresh/..', b'fresh/../escape'}

"""A mailbox is bound to the folder it was opened on: once that folder is
deleted and another created under the same name, the old mailbox raises
MailboxNotFound (a session that selected it gets ``BYE``, RFC 2180 §3.2)
and never touches the new folder's messages. And an
APPEND's INTERNALDATE is the one its file holds, or the APPEND leaves
nothing behind."""

from __future__ import annotations

import asyncio
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import pytest

from pymap.backend.maildir import folder as folder_module
from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.exceptions import MailboxNotFound, TemporaryFailure
from pymap.interfaces.storage import MessageMeta, NewMessage
from pymap.testing.rawclient import RawClient

from .leftovers import left_in_tmp
from .server import login, maildir_server

DATE = datetime(2022, 2, 2, 2, 2, 2, tzinfo=UTC)


def _message(data: bytes) -> NewMessage:
    return NewMessage(data, frozenset(), DATE)


async def _open(root: Path) -> MaildirMailboxSet:
    return await MaildirMailboxSet.open(
        MaildirPlusPlus(root), ContentCache(), fsync=False)


async def _assert_gone(mailbox: Any) -> None:
    """Every method of *mailbox* raises :exc:`MailboxNotFound`."""
    with pytest.raises(MailboxNotFound):
        await mailbox.snapshot()
    with pytest.raises(MailboxNotFound):
        await mailbox.update_flags([1, 2], frozenset([b'\\Deleted']), 'add')
    with pytest.raises(MailboxNotFound):
        await mailbox.expunge([1, 2])
    with pytest.raises(MailboxNotFound):
        [item async for item in mailbox.load([1], True)]
    with pytest.raises(MailboxNotFound):
        [item async for item in mailbox.load([1], False)]
    with pytest.raises(MailboxNotFound):
        [item async for item in mailbox.load_summaries([1])]
    with pytest.raises(MailboxNotFound):
        await mailbox.append([_message(b'Subject: late\n\n')])
    with pytest.raises(MailboxNotFound):
        await mailbox.claim_recent(10)


@pytest.mark.parametrize('same_process', [True, False])
async def test_a_replaced_mailbox_is_gone(tmp_path: Path,
                                          same_process: bool) -> None:
    """Session A holds ``rz2``; B (in this process, or another one with
    its own mailbox set) deletes it, creates it again and appends."""
    root = tmp_path / 'mail'
    here = await _open(root)
    there = here if same_process else await _open(root)
    await here.create_mailbox('rz2')
    old = await here.get_mailbox('rz2')
    await old.append([_message(b'Subject: one\n\n'),
                      _message(b'Subject: two\n\n')])
    before = await old.snapshot()
    assert before.uids == [1, 2]

    await there.delete_mailbox('rz2')
    await there.create_mailbox('rz2')
    new = await there.get_mailbox('rz2')
    assert new is not old
    assert await new.append([_message(b'Subject: new\n\n')]) == [1]
    new_validity = (await new.snapshot()).uid_validity
    assert new_validity != before.uid_validity

    await _assert_gone(old)
    started = time.monotonic()
    await old.wait_for_change(before.modseq, 5)
    assert time.monotonic() - started < 1

    # The new folder's message survived, and this process opens it too.
    reopened = await here.get_mailbox('rz2')
    assert reopened is not old
    snapshot = await reopened.snapshot()
    assert (snapshot.uid_validity, snapshot.uids) == (new_validity, [1])
    (meta,) = [item async for item in reopened.load([1], False)]
    assert isinstance(meta, MessageMeta)
    assert len(os.listdir(reopened.path / 'cur')) == 1


async def test_an_idle_wait_ends_when_the_mailbox_is_replaced(
        tmp_path: Path) -> None:
    root = tmp_path / 'mail'
    here, there = await _open(root), await _open(root)
    await here.create_mailbox('rz2')
    old = await here.get_mailbox('rz2')
    await old.append([_message(b'Subject: one\n\n')])
    modseq = (await old.snapshot()).modseq
    waiter = asyncio.ensure_future(old.wait_for_change(modseq, 30.0))
    await asyncio.sleep(0.05)
    await there.delete_mailbox('rz2')
    await there.create_mailbox('rz2')
    await asyncio.wait_for(waiter, 5)
    with pytest.raises(MailboxNotFound):
        await old.snapshot()


async def test_a_new_uidvalidity_of_the_same_folder_ends_the_mailbox(
        tmp_path: Path) -> None:
    """A lost uidlist gives the messages new UIDs: sessions bound to the
    old ones must not use them."""
    mailboxes = await _open(tmp_path / 'mail')
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([_message(b'Subject: one\n\n')])
    validity = (await inbox.snapshot()).uid_validity
    (inbox.path / 'dovecot-uidlist').unlink()
    with pytest.raises(MailboxNotFound):
        await inbox.snapshot()
    fresh = await mailboxes.get_mailbox('INBOX')
    assert fresh is not inbox
    snapshot = await fresh.snapshot()
    assert snapshot.uid_validity > validity and snapshot.uids == [1]


def _append(client: RawClient, tag: bytes, mailbox: bytes, data: bytes,
            date: bytes | None = None) -> list[bytes]:
    quoted = b' "%s"' % date if date is not None else b''
    client.send(b'%s APPEND %s ()%s {%d+}\r\n%s\r\n'
                % (tag, mailbox, quoted, len(data), data))
    return client.until_tagged(tag)


_BYE = b'* BYE Selected mailbox was deleted.\r\n'


@pytest.mark.parametrize('line', [
    b'n NOOP', b'f FETCH 1:* (UID FLAGS)', b'u STORE 1:* +FLAGS (\\Deleted)',
    b'e EXPUNGE'])
def test_imap_sessions_on_a_replaced_mailbox(tmp_path: Path,
                                             line: bytes) -> None:
    with maildir_server(tmp_path) as server:
        a, b = login(server), login(server)
        try:
            assert a.command(b'c CREATE rz2')[-1].startswith(b'c OK')
            for tag in (b'a1', b'a2'):
                assert _append(a, tag, b'rz2', b'Subject: old\r\n\r\n'
                               )[-1].startswith(tag + b' OK')
            a.command(b's SELECT rz2')
            assert b.command(b'd DELETE rz2')[-1].startswith(b'd OK')
            assert b.command(b'c CREATE rz2')[-1].startswith(b'c OK')
            assert _append(b, b'a3', b'rz2', b'Subject: new\r\n\r\n'
                           )[-1].startswith(b'a3 OK')

            # Nothing of the new folder reaches A: it is told to go.
            assert a.command(line) == [_BYE, b'']
            a.close()

            lines = b.command(b's SELECT rz2')
            assert b'* 1 EXISTS\r\n' in lines
            fetch = b.command(b'f FETCH 1 (UID FLAGS BODY.PEEK[HEADER])')
            assert fetch[0].startswith(b'* 1 FETCH (UID 1 FLAGS (\\Recent) ')
            assert b'Subject: new' in b''.join(fetch)
            # A selects the new mailbox afresh.
            a = login(server)
            lines = a.command(b's SELECT rz2')
            assert b'* 1 EXISTS\r\n' in lines and lines[-1].startswith(b's OK')
        finally:
            a.close()
            b.close()


def test_imap_idle_on_a_replaced_mailbox(tmp_path: Path) -> None:
    with maildir_server(tmp_path) as server:
        a, b = login(server), login(server)
        try:
            assert a.command(b'c CREATE rz2')[-1].startswith(b'c OK')
            assert _append(a, b'a1', b'rz2', b'Subject: old\r\n\r\n'
                           )[-1].startswith(b'a1 OK')
            a.command(b's SELECT rz2')
            a.send(b'i IDLE\r\n')
            assert a.readline().startswith(b'+ ')
            assert b.command(b'd DELETE rz2')[-1].startswith(b'd OK')
            assert b.command(b'c CREATE rz2')[-1].startswith(b'c OK')
            assert _append(b, b'a2', b'rz2', b'Subject: new\r\n\r\n'
                           )[-1].startswith(b'a2 OK')
            # IDLE hears of the deletion, not of the new folder's
            # messages, and the connection ends.
            a.sock.settimeout(5)
            assert a.readline() == _BYE
            assert a.readline() == b''
            assert b.command(b'l LOGOUT')[-1].startswith(b'l OK')
        finally:
            a.close()
            b.close()


_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def _internal_date(client: RawClient) -> bytes:
    lines = client.command(b'f UID FETCH 1 (INTERNALDATE)')
    assert lines[-1].startswith(b'f OK'), lines
    match = _INTERNALDATE.search(lines[0])
    assert match is not None, lines
    return match.group(1)


@pytest.mark.parametrize('date', [b'01-Jan-1900 00:00:00 +0000',
                                  b'01-Jan-2500 00:00:00 +0000'])
def test_append_date_survives_a_restart(tmp_path: Path, date: bytes
                                        ) -> None:
    """Whatever the file system clamps a date to (ext4 holds 1901 to
    2446), the session that appended sees what a restart reads."""
    with maildir_server(tmp_path) as server:
        client = login(server)
        assert _append(client, b'a', b'INBOX', b'Subject: old\r\n\r\n',
                       date)[-1].startswith(b'a OK')
        client.command(b's SELECT INBOX')
        appended = _internal_date(client)
        client.close()
    with maildir_server(tmp_path) as server:
        client = login(server)
        client.command(b's SELECT INBOX')
        assert _internal_date(client) == appended
        client.close()


def _failing_utime(*args: object, **kwargs: object) -> NoReturn:
    raise OSError(22, 'Invalid argument')


def test_append_leaves_no_temp_file_when_the_date_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_os = SimpleNamespace(**{name: getattr(os, name)
                                 for name in dir(os)
                                 if not name.startswith('__')})
    fake_os.utime = _failing_utime
    monkeypatch.setattr(folder_module, 'os', fake_os)
    with maildir_server(tmp_path) as server:
        client = login(server)
        lines = _append(client, b'a', b'INBOX', b'Subject: x\r\n\r\n',
                        b'01-Jan-1900 00:00:00 +0000')
        assert lines[-1].startswith(b'a NO '), lines
        assert left_in_tmp(tmp_path / 'testuser') == []
        assert os.listdir(tmp_path / 'testuser' / 'cur') == []
        assert client.command(b'n NOOP')[-1].startswith(b'n OK')
        client.close()


async def test_write_temp_cleans_up_on_any_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mailboxes = await _open(tmp_path / 'mail')
    inbox = await mailboxes.get_mailbox('INBOX')
    fake_os = SimpleNamespace(**{name: getattr(os, name)
                                 for name in dir(os)
                                 if not name.startswith('__')})
    fake_os.utime = _failing_utime
    monkeypatch.setattr(folder_module, 'os', fake_os)
    with pytest.raises(TemporaryFailure):
        await inbox.append([_message(b'Subject: x\n\n')])
    assert left_in_tmp(inbox.path) == []

    def overflow(*args: object, **kwargs: object) -> NoReturn:
        raise OverflowError('timestamp out of range for platform time_t')

    fake_os.utime = overflow
    with pytest.raises(OverflowError):
        await inbox.append([_message(b'Subject: x\n\n')])
    assert left_in_tmp(inbox.path) == []
    assert (await inbox.snapshot()).uids == []

"""Interoperability with a real Dovecot on the same maildir: what one
writes, the other reads with the same UIDVALIDITY, UIDs, flags, keywords,
folders and subscriptions, and both may take turns on the same files.

Dovecot runs pre-authenticated (see :mod:`.dovecot`). Without it the tests
are skipped, unless ``PYMAP_TEST_STRICT=1``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.layout import FsLayout, Layout, MaildirPlusPlus
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.interfaces.storage import NewMessage, StoredMessage

from .dovecot import make_workdir, require_dovecot, run_dovecot

DATE = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
MESSAGES = [
    (b'Subject: one\n\nLF line endings\n', {b'\\Seen', b'$Label1'}),
    (b'Subject: two\r\n\r\nCRLF line endings\r\n', {b'\\Flagged', b'foo'}),
    (b'Subject: three\r\n\r\nexpunged\r\n', {b'\\Deleted'}),
    (b'Subject: four\n\nno flags\n', set()),
]


@pytest.fixture
def workdir() -> Iterator[Path]:
    require_dovecot()
    path = make_workdir()
    yield path
    shutil.rmtree(path)


async def _open(workdir: Path, layout: type[Layout] = MaildirPlusPlus
                ) -> MaildirMailboxSet:
    """A mailbox set as a freshly started server has it."""
    return await MaildirMailboxSet.open(layout(workdir / 'mail'),
                                        ContentCache(), fsync=True)


async def _fill(workdir: Path) -> MaildirMailboxSet:
    mailboxes = await _open(workdir)
    for name in ('a.b', 'a.b/c', 'Entwürfe'):
        await mailboxes.create_mailbox(name)
    for name in ('a.b/c', 'INBOX'):
        await mailboxes.set_subscribed(name, True)
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([NewMessage(data, frozenset(flags), DATE)
                        for data, flags in MESSAGES])
    await inbox.expunge([3])
    child = await mailboxes.get_mailbox('a.b/c')
    await child.append([NewMessage(b'Subject: child\n\n', frozenset(),
                                   DATE)])
    return mailboxes


async def test_dovecot_reads_what_pymap_wrote(workdir: Path) -> None:
    mailboxes = await _fill(workdir)
    inbox = await (await _open(workdir)).get_mailbox('INBOX')
    snapshot = await inbox.snapshot()
    child = await (await mailboxes.get_mailbox('a.b/c')).snapshot()
    output = run_dovecot(workdir, [
        b's SELECT INBOX',
        b'f UID FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE)',
        b'b UID FETCH 1:* (BODY.PEEK[])',
        b'l LIST "" *', b'u LSUB "" *',
        b'c STATUS "a.b/c" (MESSAGES UIDNEXT UIDVALIDITY)'])
    assert output.code(b's', b'UIDVALIDITY') == snapshot.uid_validity
    assert output.code(b's', b'UIDNEXT') == snapshot.next_uid == 5
    assert output.flags(b'f') == {
        1: {b'\\Seen', b'$Label1'}, 2: {b'\\Flagged', b'foo'}, 4: set()}
    fetch = output.untagged(b'f')
    assert all(b'INTERNALDATE "02-Jan-2020 03:04:05 +0000"' in line
               for line in fetch if b'FETCH' in line)
    assert b'RFC822.SIZE 33' in fetch[0]
    assert output.bodies(b'b') == {
        1: MESSAGES[0][0].replace(b'\n', b'\r\n'), 2: MESSAGES[1][0],
        4: MESSAGES[3][0].replace(b'\n', b'\r\n')}
    assert sorted(output.untagged(b'l')) == [
        b'* LIST (\\HasChildren) "/" a.b',
        b'* LIST (\\HasNoChildren) "/" Entw&APw-rfe',
        b'* LIST (\\HasNoChildren) "/" INBOX',
        b'* LIST (\\HasNoChildren) "/" a.b/c']
    assert sorted(output.untagged(b'u')) == [
        b'* LSUB () "/" INBOX', b'* LSUB () "/" a.b/c']
    assert output.untagged(b'c') == [
        b'* STATUS a.b/c (MESSAGES 1 UIDNEXT 2 UIDVALIDITY %d)'
        % child.uid_validity]


async def test_pymap_reads_what_dovecot_wrote(workdir: Path) -> None:
    (workdir / 'mail').mkdir()
    output = run_dovecot(workdir, [
        b'c1 CREATE "x.y/z"', b'c2 CREATE "&AMQ-rger"',
        b'u1 SUBSCRIBE "x.y/z"',
        b'a1 APPEND INBOX (\\Seen $Label1 kw) {14}\r\nSubject: a\r\n\r\n',
        b'a2 APPEND INBOX (\\Draft other) {14}\r\nSubject: b\r\n\r\n',
        b'a3 APPEND INBOX () {14}\r\nSubject: c\r\n\r\n',
        b'a4 APPEND "x.y/z" (\\Answered) {14}\r\nSubject: d\r\n\r\n',
        b's SELECT INBOX', b'f1 STORE 3 +FLAGS (\\Deleted late)',
        b'f2 STORE 1 -FLAGS (kw)', b'e EXPUNGE',
        b'f UID FETCH 1:* (FLAGS)'])
    assert output.tagged(b'e').startswith(b'OK')
    validity = output.code(b's', b'UIDVALIDITY')
    mailboxes = await _open(workdir)
    assert [(entry.name, entry.selectable)
            for entry in await mailboxes.list_mailboxes()] == [
        ('INBOX', True), ('x.y', False), ('x.y/z', True), ('Ärger', True)]
    assert await mailboxes.get_subscriptions() == {'x.y/z'}
    inbox = await mailboxes.get_mailbox('INBOX')
    snapshot = await inbox.snapshot()
    assert snapshot.uid_validity == validity
    assert snapshot.next_uid == 4
    assert dict(snapshot.flags) == output.flags(b'f') == {
        1: {b'\\Seen', b'$Label1'}, 2: {b'\\Draft', b'other'}}
    loaded = [item async for item in inbox.load([2], True)]
    assert isinstance(loaded[0], StoredMessage)
    # Dovecot stores LF line endings (mail_save_crlf = no); sizes count
    # CRLF all the same.
    assert loaded[0].content.raw == b'Subject: b\n\n'
    assert loaded[0].meta.size == 14
    child = await (await mailboxes.get_mailbox('x.y/z')).snapshot()
    assert dict(child.flags) == {1: {b'\\Answered'}}


async def test_taking_turns_on_the_same_maildir(workdir: Path) -> None:
    mailboxes = await _open(workdir)
    inbox = await mailboxes.get_mailbox('INBOX')
    assert await inbox.append([NewMessage(b'Subject: p1\n\n',
                                          frozenset({b'pk'}), DATE)]) == [1]
    output = run_dovecot(workdir, [
        b'a APPEND INBOX (dk) {15}\r\nSubject: d1\r\n\r\n',
        b's SELECT INBOX', b'f STORE 1 +FLAGS (\\Seen)'])
    assert b'[APPENDUID ' in output.tagged(b'a')
    assert b' 2]' in output.tagged(b'a')
    await inbox.snapshot()
    assert await inbox.update_flags([2], frozenset({b'pk2'}), 'add') == {
        2: {b'dk', b'pk2'}}
    assert await inbox.append([NewMessage(b'Subject: p2\n\n',
                                          frozenset(), DATE)]) == [3]
    output = run_dovecot(workdir, [
        b's SELECT INBOX', b'e UID STORE 3 +FLAGS (\\Deleted)',
        b'x EXPUNGE', b'a APPEND INBOX {15}\r\nSubject: d2\r\n\r\n',
        b'f UID FETCH 1:* (FLAGS)'])
    assert b' 4]' in output.tagged(b'a')
    snapshot = await inbox.snapshot()
    assert snapshot.uids == [1, 2, 4]
    assert dict(snapshot.flags) == output.flags(b'f') == {
        1: {b'pk', b'\\Seen'}, 2: {b'dk', b'pk2'}, 4: set()}
    restarted = await (await _open(workdir)).get_mailbox('INBOX')
    assert (await restarted.snapshot()).flags == snapshot.flags
    keywords = (workdir / 'mail' / 'dovecot-keywords').read_text()
    assert sorted(keywords.split()[1::2]) == ['dk', 'pk', 'pk2']


async def test_mail_delivered_to_new_is_shared(workdir: Path) -> None:
    mailboxes = await _open(workdir)
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.snapshot()
    new = workdir / 'mail' / 'new'
    (new / '1600000000.M1P1.mta,S=15').write_bytes(b'Subject: mta\n\n')
    snapshot = await inbox.snapshot()
    assert snapshot.uids == [1]
    (new / '1600000001.M1P1.mta').write_bytes(b'Subject: mta2\n\n')
    output = run_dovecot(workdir, [b's SELECT INBOX',
                                   b'f UID FETCH 1:* (FLAGS)'])
    assert sorted(output.flags(b'f')) == [1, 2]
    assert (await inbox.snapshot()).uids == [1, 2]
    assert os.listdir(new) == []


async def test_fs_layout(workdir: Path) -> None:
    mailboxes = await _open(workdir, FsLayout)
    await mailboxes.create_mailbox('a.b')
    await mailboxes.create_mailbox('a.b/c')
    child = await mailboxes.get_mailbox('a.b/c')
    await child.append([NewMessage(b'Subject: fs\n\n', frozenset(), DATE)])
    output = run_dovecot(workdir, [
        b'l LIST "" *', b'c CREATE "d/e"',
        b's STATUS "a.b/c" (MESSAGES)'], fs=True)
    assert sorted(output.untagged(b'l')) == [
        b'* LIST (\\HasChildren) "/" a.b',
        b'* LIST (\\HasNoChildren) "/" INBOX',
        b'* LIST (\\HasNoChildren) "/" a.b/c']
    assert output.untagged(b's') == [b'* STATUS a.b/c (MESSAGES 1)']
    names = [entry.name for entry in
             await (await _open(workdir, FsLayout)).list_mailboxes()]
    assert names == ['INBOX', 'a.b', 'a.b/c', 'd', 'd/e']
    assert re.fullmatch(rb'OK .*', output.tagged(b'c'))

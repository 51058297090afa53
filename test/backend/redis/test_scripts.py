"""The Lua scripts and their loader (pymap/backend/redis/scripts/,
scripts.py): EVALSHA with EVAL fallback, content addressed by SHA-256 and
reference counted, and every change atomic and logged."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from pymap.backend.redis import RedisBackend
from pymap.backend.redis.errors import translated
from pymap.backend.redis.mailbox import RedisMailbox
from pymap.backend.redis.scripts import STAGED_SECONDS, Script, Scripts
from pymap.backend.redis.store import RedisMailboxSet
from pymap.exceptions import MailboxNotFound, TemporaryFailure
from pymap.interfaces.storage import NewMessage

from ...redis_server import RedisServer
from . import command_calls, open_backend, overheard

DATE = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def message(body: bytes = b'hello', *flags: bytes) -> NewMessage:
    return NewMessage(b'Subject: t\r\n\r\n' + body + b'\r\n',
                      frozenset(flags), DATE)


@pytest.fixture
async def backend(redis_server: RedisServer) -> AsyncIterator[RedisBackend]:
    backend = await open_backend(redis_server.url)
    yield backend
    await backend.close()


@pytest.fixture
async def mailboxes(backend: RedisBackend) -> RedisMailboxSet:
    await backend.client.set(backend.keys.prefix + 'john', 'pw')
    return await backend.users.mailboxes('john')


async def refs(backend: RedisBackend) -> dict[bytes, bytes]:
    user = backend.keys.user('john')
    return await backend.client.hgetall(user.refs)


async def test_every_script_compiles(backend: RedisBackend) -> None:
    for script in vars(Scripts()).values():
        assert isinstance(script, Script)
        sha = await backend.client.script_load(script.source)
        assert sha == script.sha


async def test_eval_fallback_after_script_flush(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    assert await inbox.append([message()]) == [1]
    await backend.client.script_flush()
    assert await inbox.append([message()]) == [2]


async def test_content_is_addressed_by_sha256_and_shared(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    data = message().data
    digest = hashlib.sha256(data).hexdigest()
    content_key = backend.keys.user('john').content(digest)
    await inbox.append([message(), message()])
    assert await backend.client.get(content_key) == data
    assert await refs(backend) == {digest.encode(): b'2'}
    assert await inbox.expunge([1]) == [1]
    assert await backend.client.exists(content_key) == 1
    assert await inbox.expunge([2, 3]) == [2]
    assert await backend.client.exists(content_key) == 0
    assert await refs(backend) == {}


async def staged_keys(backend: RedisBackend) -> list[bytes]:
    pattern = backend.keys.user('john').staged('*')
    return [key async for key in backend.client.scan_iter(match=pattern)]


async def test_staged_content_is_taken_or_dropped(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    """Contents reach append.lua under staged keys (scripts.py); none is
    left behind, whether it became the stored content or the user had it
    already (twice in one MULTIAPPEND, then once more)."""
    inbox = await mailboxes.get_mailbox('INBOX')
    data = message().data
    digest = hashlib.sha256(data).hexdigest()
    assert await inbox.append([message(), message()]) == [1, 2]
    assert await inbox.append([message()]) == [3]
    assert await staged_keys(backend) == []
    content_key = backend.keys.user('john').content(digest)
    assert await backend.client.get(content_key) == data
    assert await backend.client.ttl(content_key) == -1
    assert await refs(backend) == {digest.encode(): b'3'}


async def test_append_to_a_deleted_mailbox_drops_its_staged_content(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    await mailboxes.create_mailbox('Gone')
    gone = await mailboxes.get_mailbox('Gone')
    await mailboxes.delete_mailbox('Gone')
    with pytest.raises(MailboxNotFound):
        await gone.append([message(b'1'), message(b'2')])
    assert await staged_keys(backend) == []
    assert await refs(backend) == {}


async def test_expired_staged_content_changes_nothing(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    """A staged content gone before append.lua ran (expired, or evicted
    under memory pressure) fails the whole APPEND as a temporary failure
    and drops the other staged contents."""
    inbox = await mailboxes.get_mailbox('INBOX')
    assert isinstance(inbox, RedisMailbox)
    user = backend.keys.user('john')
    present, missing = user.staged('present'), user.staged('missing')
    await backend.client.set(present, b'x')
    before = await inbox.snapshot()
    per_message = ['0' * 64, 1, DATE.isoformat(), b'']
    with pytest.raises(TemporaryFailure), translated():
        await Scripts().append(
            backend.client, [*inbox._keys.all, user.refs],
            [backend.keys.channel, user.base, inbox.namespace, 0, -1, -1,
             2, *per_message, present, *per_message, missing])
    assert await staged_keys(backend) == []
    assert await refs(backend) == {}
    after = await backend.client.hgetall(inbox._keys.meta)
    assert int(after[b'uidnext']) == before.next_uid
    assert int(after[b'modseq']) == before.modseq


async def test_staged_values_expire_unless_taken(
        backend: RedisBackend) -> None:
    """A value staged for a script that does not take it (the process
    died before its script ran) expires by itself."""
    key = backend.keys.user('john').staged('left')
    assert await Scripts().snapshot(
        backend.client, ['a', 'b', 'c'], [-1, -1], [(key, b'x')]) is None
    assert 0 < await backend.client.ttl(key) <= STAGED_SECONDS


async def test_copy_counts_references_and_move_keeps_them(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    await mailboxes.create_mailbox('Trash')
    inbox = await mailboxes.get_mailbox('INBOX')
    trash = await mailboxes.get_mailbox('Trash')
    await inbox.append([message(b'a', b'\\Seen')])
    assert await inbox.copy_to([1, 7], trash, move=False) == [(1, 1)]
    assert list((await refs(backend)).values()) == [b'2']
    assert await trash.copy_to([1], inbox, move=True) == [(1, 2)]
    assert list((await refs(backend)).values()) == [b'2']
    assert (await inbox.snapshot()).flags == {1: {b'\\Seen'},
                                               2: {b'\\Seen'}}
    assert (await trash.snapshot()).uids == []


async def test_flag_modes_and_modseq(mailboxes: RedisMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([message(b'a', b'\\Seen'), message(b'b')])
    modseq = (await inbox.snapshot()).modseq
    assert await inbox.update_flags([1, 2, 9], frozenset([b'$Work']),
                                    'add') == {
        1: {b'\\Seen', b'$Work'}, 2: {b'$Work'}}
    assert await inbox.update_flags([1], frozenset([b'\\Seen']),
                                    'remove') == {1: {b'$Work'}}
    assert await inbox.update_flags([2], frozenset([b'\\Flagged']),
                                    'replace') == {2: {b'\\Flagged'}}
    changed = (await inbox.snapshot()).modseq
    assert changed == modseq + 3
    assert await inbox.update_flags([2], frozenset([b'\\Flagged']),
                                    'add') == {2: {b'\\Flagged'}}
    assert (await inbox.snapshot()).modseq == changed


async def test_uidnext_and_recent(mailboxes: RedisMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([message(), message(b'x')])
    await inbox.expunge([2])
    assert await inbox.append([message(b'y')]) == [3]
    snapshot = await inbox.snapshot()
    assert (snapshot.next_uid, snapshot.uids) == (4, [1, 3])
    assert await inbox.claim_recent(3) == 0
    assert await inbox.claim_recent(2) == 3
    assert (await inbox.snapshot()).recent_uid == 3


async def test_repeated_move_copy_expunge(
        mailboxes: RedisMailboxSet) -> None:
    """The original pymap's redis backend broke appends after a MOVE."""
    await mailboxes.create_mailbox('Other')
    inbox = await mailboxes.get_mailbox('INBOX')
    other = await mailboxes.get_mailbox('Other')
    for round_ in range(5):
        uids = await inbox.append([message(b'%d' % round_)] * 3)
        await inbox.copy_to(uids[:1], other, move=True)
        await inbox.copy_to(uids[1:2], other, move=False)
        await inbox.expunge(uids[1:])
    assert (await inbox.snapshot()).uids == []
    assert (await other.snapshot()).uids == list(range(1, 11))
    assert await inbox.append([message()]) == [16]


async def test_deleted_mailbox_refuses_changes(
        mailboxes: RedisMailboxSet) -> None:
    await mailboxes.create_mailbox('Gone')
    gone = await mailboxes.get_mailbox('Gone')
    await mailboxes.delete_mailbox('Gone')
    assert isinstance(gone, RedisMailbox)
    for call in (gone.snapshot(), gone.append([message()]),
                 gone.update_flags([1], frozenset(), 'add'),
                 gone.expunge([1]), gone.claim_recent(1)):
        with pytest.raises(MailboxNotFound):
            await call


async def test_multiappend_is_all_or_nothing(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    assert await inbox.append([message(b'1'), message(b'2'),
                               message(b'3')]) == [1, 2, 3]
    assert isinstance(inbox, RedisMailbox)
    entries = await backend.client.lrange(inbox.namespace + 'log', 0, -1)
    assert entries == [b'1 2 3']


async def test_a_current_caller_gets_its_delta_without_the_log(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    """A change script answers a caller that knew the state just before
    with the UIDs it touched itself: no read of the change log, and no
    trim of a log still shorter than its limit."""
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([message(b'1')])
    await inbox.snapshot()
    await backend.client.config_resetstat()
    await inbox.append([message(b'2'), message(b'3')])
    await inbox.update_flags([1, 3], frozenset([b'\\Seen']), 'add')
    snapshot = await inbox.snapshot()
    assert snapshot.uids == [1, 2, 3]
    assert snapshot.flags[2] == frozenset()
    assert snapshot.flags[3] == frozenset([b'\\Seen'])
    stats = await backend.client.info('commandstats')
    assert stats['cmdstat_evalsha']['calls'] == 2
    assert not {'cmdstat_lrange', 'cmdstat_llen', 'cmdstat_ltrim'} & {
        *stats}


async def test_snapshot_reply_kinds(backend: RedisBackend,
                                    mailboxes: RedisMailboxSet) -> None:
    inbox = await mailboxes.get_mailbox('INBOX')
    assert isinstance(inbox, RedisMailbox)
    await inbox.append([message(b'1'), message(b'2')])
    keys = [inbox.namespace + name for name in ('meta', 'flags', 'log')]
    snapshot = Script('snapshot')

    async def kind(modseq: int, validity: int) -> bytes:
        reply = await snapshot(backend.client, keys, [modseq, validity])
        kind: bytes = reply[1]
        return kind

    validity = (await inbox.snapshot()).uid_validity
    assert await kind(-1, -1) == b'full'
    head_only = await snapshot(backend.client, keys, ['head', -1])
    assert head_only == [[b'%d' % validity, b'3', b'1', b'0'], b'head']
    assert await kind(1, validity) == b'same'
    assert await kind(1, validity + 1) == b'full'
    await inbox.expunge([1])
    assert await kind(1, validity) == b'delta'
    reply = await snapshot(backend.client, keys, [1, validity])
    assert reply[2:] == [[b'1'], [None]]
    for _ in range(1001):
        await inbox.update_flags([2], frozenset([b'\\Seen']), 'replace')
        await inbox.update_flags([2], frozenset(), 'replace')
    modseq = (await inbox.snapshot()).modseq
    # The log keeps the last 1000 changes at least, trimmed back to 1000
    # once 100 more came.
    length = await backend.client.llen(keys[2])
    assert 1000 <= length <= 1100
    assert await kind(modseq - length, validity) == b'delta'
    assert await kind(modseq - length - 1, validity) == b'full'


async def test_large_modseqs_are_announced_as_digits(
        redis_server: RedisServer, backend: RedisBackend,
        mailboxes: RedisMailboxSet) -> None:
    """A MODSEQ (RFC 7162 allows 63 bits) goes out as its digits: Lua's
    own conversion of a number to text printed 10^15 as "1e+15", which
    no process read as a MODSEQ."""
    inbox = await mailboxes.get_mailbox('INBOX')
    assert isinstance(inbox, RedisMailbox)
    await inbox.append([message()])
    await backend.client.hset(inbox._keys.meta, 'modseq', 10 ** 15)
    heard = await overheard(
        redis_server.url, backend.keys.channel,
        lambda: inbox.update_flags([1], frozenset([b'\\Seen']), 'add'))
    assert heard == f'{inbox.namespace} {10 ** 15 + 1}'.encode()


async def test_append_describes_its_messages_from_what_it_stored(
        backend: RedisBackend, mailboxes: RedisMailboxSet) -> None:
    """append.lua's answer holds the new messages' flags without reading
    them back, and the counters it wrote without reading the mailbox's
    again: the snapshot built from it equals a full read."""
    inbox = await mailboxes.get_mailbox('INBOX')
    await inbox.append([message(b'first')])
    await inbox.snapshot()
    reads = {name: await command_calls(backend, name)
             for name in ('hget', 'hmget')}
    uids = await inbox.append([message(b'second', b'\\Seen', b'$a'),
                               message(b'third')])
    assert {name: await command_calls(backend, name) - count
            for name, count in reads.items()} == {'hget': 0, 'hmget': 1}
    described = await inbox.snapshot()
    assert uids == [2, 3] and described.next_uid == 4
    assert described.flags[2] == {b'\\Seen', b'$a'}
    assert described.flags[3] == frozenset()
    backend.context.snapshots.gone(inbox.namespace)
    full = await inbox.snapshot()
    assert (full.uid_validity, full.next_uid, full.modseq, list(full.uids),
            dict(full.flags)) == (
        described.uid_validity, described.next_uid, described.modseq,
        list(described.uids), dict(described.flags))

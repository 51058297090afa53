"""When a cached mailbox id is used without a round trip
(pymap/backend/redis/namecache.py): only while the listener stayed
subscribed and heard of no move of the user's names; a RENAME or DELETE by
this process is seen at once, one elsewhere once its announcement is
heard."""

from __future__ import annotations

from typing import Any

import pytest

from pymap.backend.redis import RedisBackend
from pymap.backend.redis.namecache import NameCache
from pymap.backend.redis.store import RedisMailboxSet
from pymap.exceptions import MailboxNotFound

from . import Pair, heard


@pytest.fixture
def cache() -> NameCache:
    cache = NameCache()
    cache.subscribed()
    return cache


def cached(cache: NameCache, user: str, name: str, mailbox_id: str) -> None:
    cache.put(cache.reading(), user, name, mailbox_id)


def test_an_id_read_is_used_until_the_names_move(cache: NameCache) -> None:
    cached(cache, 'u1:', 'INBOX', 'a')
    cached(cache, 'u2:', 'INBOX', 'b')
    assert cache.fresh('u1:', 'INBOX') == 'a'
    cache.changed('u1:')
    assert cache.fresh('u1:', 'INBOX') is None
    assert cache.fresh('u2:', 'INBOX') == 'b'


def test_a_move_heard_during_a_reading_spoils_it(cache: NameCache) -> None:
    began = cache.reading()
    cache.changed('u2:')
    cache.put(began, 'u1:', 'INBOX', 'a')
    assert cache.fresh('u1:', 'INBOX') is None


def test_nothing_is_trusted_without_the_listener() -> None:
    cache = NameCache()
    cached(cache, 'u1:', 'INBOX', 'a')
    assert cache.fresh('u1:', 'INBOX') is None
    cache.subscribed()
    cached(cache, 'u1:', 'INBOX', 'a')
    cache.unsubscribed()
    assert cache.fresh('u1:', 'INBOX') is None


def test_old_ids_are_not_trusted() -> None:
    cache = NameCache(trust_seconds=0.0)
    cache.subscribed()
    cached(cache, 'u1:', 'INBOX', 'a')
    assert cache.fresh('u1:', 'INBOX') is None


def test_the_least_recently_used_users_go_first() -> None:
    cache = NameCache(max_users=2)
    cache.subscribed()
    cached(cache, 'u1:', 'INBOX', 'a')
    cached(cache, 'u2:', 'INBOX', 'b')
    assert cache.fresh('u1:', 'INBOX') == 'a'
    cached(cache, 'u3:', 'INBOX', 'c')
    assert cache.fresh('u2:', 'INBOX') is None
    assert cache.fresh('u1:', 'INBOX') == 'a'
    assert cache.fresh('u3:', 'INBOX') == 'c'


# -- against Redis -------------------------------------------------------


def count_reads(backend: RedisBackend,
                monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names *backend*'s client reads ids of, from now on."""
    names: list[str] = []
    hget = backend.client.hget

    async def counted(key: str, field: str) -> Any:
        names.append(field)
        return await hget(key, field)
    monkeypatch.setattr(backend.client, 'hget', counted)
    return names


async def john(backend: RedisBackend) -> RedisMailboxSet:
    mailboxes = await backend.users.mailboxes('john')
    assert isinstance(mailboxes, RedisMailboxSet)
    return mailboxes


async def test_a_name_used_again_costs_no_round_trip(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    mailboxes = await john(pair[0])
    reads = count_reads(pair[0], monkeypatch)
    first = await mailboxes.get_mailbox('INBOX')
    again = await mailboxes.get_mailbox('INBOX')
    assert again.namespace == first.namespace
    assert reads == ['INBOX']


async def test_a_rename_here_is_seen_at_once(pair: Pair) -> None:
    mailboxes = await john(pair[0])
    await mailboxes.create_mailbox('Old')
    old = await mailboxes.get_mailbox('Old')
    await mailboxes.rename_mailbox('Old', 'New')
    with pytest.raises(MailboxNotFound):
        await mailboxes.get_mailbox('Old')
    assert (await mailboxes.get_mailbox('New')).namespace == old.namespace


async def test_a_rename_elsewhere_is_seen_once_heard(pair: Pair) -> None:
    here, there = await john(pair[0]), await john(pair[1])
    await here.create_mailbox('Old')
    old = await here.get_mailbox('Old')
    await there.rename_mailbox('Old', 'New')
    await heard(pair[0])
    with pytest.raises(MailboxNotFound):
        await here.get_mailbox('Old')
    assert (await here.get_mailbox('New')).namespace == old.namespace


async def test_a_name_deleted_and_made_again_elsewhere_gets_its_new_id(
        pair: Pair) -> None:
    here, there = await john(pair[0]), await john(pair[1])
    await here.create_mailbox('Box')
    old = await here.get_mailbox('Box')
    await there.delete_mailbox('Box')
    await there.create_mailbox('Box')
    await heard(pair[0])
    new = await here.get_mailbox('Box')
    assert new.namespace != old.namespace
    assert (await new.snapshot()).next_uid == 1

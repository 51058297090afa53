"""One user's mailboxes and subscriptions in the redis backend: the
storage contract's :class:`~pymap.interfaces.storage.MailboxSet`
(doc/redis.md, "Key layout")."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence

from pymap.exceptions import MailboxConflict, MailboxNotFound
from pymap.interfaces.storage import MailboxEntry

from .connection import as_text
from .context import StoreContext
from .errors import guarded
from .keys import UserKeys
from .mailbox import RedisMailbox
from .purge import mark_pending, purge_user

__all__ = ['RedisMailboxSet']

_INBOX = 'INBOX'


class RedisMailboxSet:
    """Mailbox names map to mailbox ids in one hash; an empty id marks a
    non-selectable parent kept for its children (RFC 3501 §6.3.4). Use
    :meth:`open`, which makes sure INBOX exists."""

    def __init__(self, context: StoreContext, keys: UserKeys) -> None:
        self._context = context
        self._keys = keys

    @classmethod
    @guarded
    async def open(cls, context: StoreContext,
                   keys: UserKeys) -> RedisMailboxSet:
        """The user's mailbox set, creating INBOX on first use and
        finishing any purge left behind."""
        mailboxes = cls(context, keys)
        _, trash = await mailboxes._create(_INBOX)
        if trash:
            await purge_user(context, keys)
        return mailboxes

    async def _create(self, name: str) -> tuple[bool, int]:
        keys = self._keys
        created, trash = await self._context.scripts.create(
            self._context.client,
            [keys.mailboxes, keys.uidvalidity, keys.trash],
            [keys.base, name, int(time.time()), secrets.token_hex(8)])
        return bool(created), int(trash)

    @guarded
    async def list_mailboxes(self) -> Sequence[MailboxEntry]:
        names = await self._context.client.hgetall(self._keys.mailboxes)
        return [MailboxEntry(as_text(name), bool(mailbox_id))
                for name, mailbox_id in names.items()]

    @guarded
    async def get_mailbox(self, name: str) -> RedisMailbox:
        """The mailbox by the id its name has now: the cached id when the
        name cache vouches for it, else one round trip."""
        mailbox_id = self._context.names.fresh(self._keys.base, name) \
            or await self._read_id(name)
        return RedisMailbox(self._context, self._keys.mailbox(mailbox_id),
                            name)

    async def _read_id(self, name: str) -> str:
        names = self._context.names
        began = names.reading()
        mailbox_id = await self._context.client.hget(self._keys.mailboxes,
                                                     name)
        if not mailbox_id:
            raise MailboxNotFound()
        names.put(began, self._keys.base, name, as_text(mailbox_id))
        return as_text(mailbox_id)

    @guarded
    async def create_mailbox(self, name: str) -> None:
        created, _ = await self._create(name)
        if not created:
            raise MailboxConflict()

    @guarded
    async def delete_mailbox(self, name: str) -> None:
        keys = self._keys
        await mark_pending(self._context, keys)
        mailbox_id = await self._context.scripts.delete(
            self._context.client, [keys.mailboxes, keys.trash],
            [keys.base, name, self._context.notifier.route])
        self._context.names.changed(keys.base)
        if mailbox_id:  # the sessions of this process know at once
            namespace = keys.mailbox(as_text(mailbox_id)).base
            self._context.snapshots.gone(namespace)
            self._context.notifier.wake(namespace)
        await purge_user(self._context, keys)
        if mailbox_id is None:
            raise MailboxNotFound()

    @guarded
    async def rename_mailbox(self, source: str, destination: str) -> None:
        result = await self._context.scripts.rename(
            self._context.client, [self._keys.mailboxes],
            [source, destination, self._keys.base,
             self._context.notifier.route])
        self._context.names.changed(self._keys.base)
        if result == 0:
            raise MailboxNotFound()
        if result < 0:
            raise MailboxConflict()

    @guarded
    async def get_subscriptions(self) -> frozenset[str]:
        names = await self._context.client.smembers(
            self._keys.subscriptions)
        return frozenset(as_text(name) for name in names)

    @guarded
    async def set_subscribed(self, name: str, subscribed: bool) -> None:
        client = self._context.client
        if subscribed:
            await client.sadd(self._keys.subscriptions, name)
        else:
            await client.srem(self._keys.subscriptions, name)

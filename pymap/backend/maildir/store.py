"""The :class:`~pymap.interfaces.storage.MailboxSet` of the maildir
backend: one user's maildirs (see :mod:`.layout`) and subscriptions.

Mailbox objects are shared by every session of the user in this process,
so that they share one index, one lock and one ``\\Recent`` mark.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from pathlib import Path

from pymap.exceptions import MailboxNotFound
from pymap.interfaces.storage import DELIMITER, MailboxEntry

from .cache import ContentCache
from .dirs import make_maildir
from .disk import on_disk
from .folder import MaildirFolder
from .layout import Layout
from .mailbox import MaildirMailbox
from .subscriptions import read_subscriptions, set_subscribed

__all__ = ['MaildirMailboxSet']


def _prepare_root(root: Path, fsync: bool) -> None:
    root.mkdir(parents=True, exist_ok=True)
    make_maildir(root, root, fsync, folder=False)


def _is_mailbox(path: Path) -> bool:
    return (path / 'cur').is_dir()


class MaildirMailboxSet:
    """The mailboxes under one mail root.

    Args:
        layout: The name ↔ directory mapping of the root.
        cache: Parsed messages shared by the backend.
        fsync: Whether writes are flushed to stable storage.
    """

    def __init__(self, layout: Layout, cache: ContentCache,
                 fsync: bool) -> None:
        self._layout = layout
        self._cache = cache
        self._fsync = fsync
        self._mailboxes: dict[str, MaildirMailbox] = {}
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, layout: Layout, cache: ContentCache,
                   fsync: bool) -> MaildirMailboxSet:
        """Opens the root, creating it and its INBOX when missing."""
        await on_disk(_prepare_root, layout.root, fsync)
        return cls(layout, cache, fsync)

    async def list_mailboxes(self) -> Sequence[MailboxEntry]:
        return await on_disk(self._layout.scan)

    async def get_mailbox(self, name: str) -> MaildirMailbox:
        path = self._layout.path_of(name)
        mailbox = self._mailboxes.get(name)
        # Unless the kernel vouches for it, the folder may have been
        # replaced by another process: the index then finds another
        # UIDVALIDITY, and the name gets a new mailbox object.
        if mailbox is not None and mailbox.path == path \
                and not mailbox.gone and (mailbox.vouched_present()
                                          or await mailbox.still_there()):
            return mailbox
        if not await on_disk(_is_mailbox, path):
            raise MailboxNotFound()
        if mailbox is None or mailbox.path != path or mailbox.gone:
            folder = MaildirFolder(path, self._layout.root, self._fsync)
            mailbox = MaildirMailbox(name, folder, self._cache)
            self._mailboxes[name] = mailbox
        return mailbox

    async def create_mailbox(self, name: str) -> None:
        async with self._lock:
            await on_disk(self._layout.create, name, self._fsync)

    async def delete_mailbox(self, name: str) -> None:
        async with self._lock:
            await on_disk(self._layout.delete, name)
            mailbox = self._mailboxes.pop(name, None)
            if mailbox is not None:
                # Sessions that selected it must not go on with a mailbox
                # created under the same name later.
                mailbox.mark_gone()

    async def rename_mailbox(self, source: str, destination: str) -> None:
        prefix = source + DELIMITER
        async with self._lock, contextlib.AsyncExitStack() as stack:
            moving = sorted(name for name in self._mailboxes
                            if name == source or name.startswith(prefix))
            for name in moving:
                await stack.enter_async_context(self._mailboxes[name].lock)
            await on_disk(self._layout.rename, source, destination)
            for name in moving:
                mailbox = self._mailboxes.pop(name)
                new_name = destination + name[len(source):]
                mailbox.relocate(new_name, self._layout.path_of(new_name))
                self._mailboxes[new_name] = mailbox

    async def get_subscriptions(self) -> frozenset[str]:
        return frozenset(await on_disk(read_subscriptions,
                                            self._layout))

    async def set_subscribed(self, name: str, subscribed: bool) -> None:
        await on_disk(set_subscribed, self._layout, name, subscribed,
                           self._fsync)

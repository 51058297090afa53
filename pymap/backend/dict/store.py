"""One user's mailbox set in the dict backend."""

from __future__ import annotations

from collections.abc import Sequence

from pymap.exceptions import MailboxConflict, MailboxNotFound
from pymap.interfaces.storage import DELIMITER, MailboxEntry

from .mailbox import DictMailbox

__all__ = ['DictMailboxSet']


class DictMailboxSet:
    """Mailboxes by name; ``None`` marks a non-selectable parent kept for
    its children after DELETE (RFC 3501 §6.3.4)."""

    def __init__(self) -> None:
        self._mailboxes: dict[str, DictMailbox | None] = {
            'INBOX': DictMailbox('INBOX')}
        self._subscribed: set[str] = set()

    async def list_mailboxes(self) -> Sequence[MailboxEntry]:
        return [MailboxEntry(name, mailbox is not None)
                for name, mailbox in self._mailboxes.items()]

    async def get_mailbox(self, name: str) -> DictMailbox:
        mailbox = self._mailboxes.get(name)
        if mailbox is None:
            raise MailboxNotFound()
        return mailbox

    async def create_mailbox(self, name: str) -> None:
        if self._mailboxes.get(name) is not None:
            raise MailboxConflict()
        self._mailboxes[name] = DictMailbox(name)

    async def delete_mailbox(self, name: str) -> None:
        if name not in self._mailboxes:
            raise MailboxNotFound()
        prefix = name + DELIMITER
        if any(other.startswith(prefix) for other in self._mailboxes):
            mailbox = self._mailboxes[name]
            self._mailboxes[name] = None
        else:
            mailbox = self._mailboxes.pop(name)
        if mailbox is not None:
            mailbox.delete()  # the sessions that hold it find it gone

    async def rename_mailbox(self, source: str, destination: str) -> None:
        if source not in self._mailboxes:
            raise MailboxNotFound()
        if destination in self._mailboxes:
            raise MailboxConflict()
        prefix = source + DELIMITER
        for name in list(self._mailboxes):
            if name == source or name.startswith(prefix):
                new_name = destination + name[len(source):]
                mailbox = self._mailboxes.pop(name)
                if mailbox is not None:
                    mailbox.rename(new_name)
                self._mailboxes[new_name] = mailbox

    async def get_subscriptions(self) -> frozenset[str]:
        return frozenset(self._subscribed)

    async def set_subscribed(self, name: str, subscribed: bool) -> None:
        if subscribed:
            self._subscribed.add(name)
        else:
            self._subscribed.discard(name)

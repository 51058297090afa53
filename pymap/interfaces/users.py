"""User management, for the admin service: what a backend offers besides
IMAP login. Each backend keeps users its own way (dict: memory, maildir:
the users file, redis: keys)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .storage import MailboxSet

__all__ = ['UserRecord', 'UserStore']


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A user as the admin service shows it: never the password or its
    hash. *etag* changes whenever the user's record changes, for
    optimistic concurrency."""

    name: str
    etag: str
    mailbox_path: str | None = None


class UserStore(Protocol):
    """Creates, reads, changes and deletes users."""

    async def list_users(self) -> Sequence[str]:
        """Every user name, sorted."""
        ...

    async def get_user(self, name: str) -> UserRecord:
        """Raises :exc:`~pymap.exceptions.UserNotFound`."""
        ...

    async def set_user(self, name: str, password: str,
                       etag: str | None = None) -> UserRecord:
        """Creates or replaces a user; the password is hashed with the
        backend's scheme. With *etag*, fails with
        :exc:`~pymap.exceptions.EntityConflict` unless the stored record
        still has that tag (``''`` means: must not exist yet)."""
        ...

    async def change_password(self, name: str, password: str) -> UserRecord:
        """Sets a new password; raises
        :exc:`~pymap.exceptions.UserNotFound`."""
        ...

    async def delete_user(self, name: str) -> None:
        """Removes the user and all of the user's mail."""
        ...

    async def mailboxes(self, name: str) -> MailboxSet:
        """The user's mailboxes, without a password: for delivery and
        mailbox management by the admin service."""
        ...

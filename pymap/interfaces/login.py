"""Authentication: what the IMAP layer asks of a backend to turn SASL
credentials into a user's mail store."""

from __future__ import annotations

from typing import Protocol

from pysasl.creds.server import ServerCredentials

from .storage import MailboxSet

__all__ = ['Identity', 'Login']


class Identity(Protocol):
    """An authenticated user."""

    @property
    def name(self) -> str:
        """The login name."""
        ...

    async def mailbox_set(self) -> MailboxSet:
        """The user's mailboxes."""
        ...


class Login(Protocol):
    """Verifies credentials (RFC 3501 §6.2.2, §6.2.3)."""

    async def authenticate(self, credentials: ServerCredentials) -> Identity:
        """Returns the identity, or raises
        :exc:`~pymap.exceptions.AuthenticationFailed`."""
        ...

"""The storage contract: what a backend must keep, and nothing IMAP-ish.

Sequence numbers, FETCH rendering, SEARCH, untagged updates and ``\\Recent``
bookkeeping live once above this, in :mod:`pymap.backend`. A backend
implements :class:`MailboxSet` (one per user) and :class:`Mailbox`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from pymap.mime import MessageContent

__all__ = [
    'DELIMITER', 'FlagSet', 'Mailbox', 'MailboxEntry', 'MailboxSet',
    'MailboxSnapshot', 'MessageMeta', 'NewMessage', 'StoreMode',
    'StoredMessage',
]

#: The hierarchy delimiter of mailbox names handed to storage.
DELIMITER = '/'

#: A message's permanent flags and keywords (never ``\\Recent``).
FlagSet = frozenset[bytes]

StoreMode = Literal['replace', 'add', 'remove']


@dataclass(frozen=True, slots=True)
class MailboxEntry:
    """A mailbox name in the user's hierarchy. A non-selectable entry is a
    parent kept only for its children (``\\Noselect``, RFC 3501 §6.3.4)."""

    name: str
    selectable: bool = True


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to add: raw bytes, flags, and INTERNALDATE."""

    data: bytes = field(repr=False)
    flags: FlagSet
    internal_date: datetime


@dataclass(frozen=True, slots=True)
class MessageMeta:
    """What FETCH can answer without loading content: RFC822.SIZE and
    INTERNALDATE."""

    uid: int
    internal_date: datetime
    size: int


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message loaded for FETCH or SEARCH, parsed once."""

    meta: MessageMeta
    content: MessageContent


@dataclass(frozen=True, slots=True)
class MailboxSnapshot:
    """The state of a mailbox at one moment.

    Attributes:
        uid_validity: RFC 3501 §2.3.1.1 UIDVALIDITY.
        next_uid: The UID the next message will get (UIDNEXT).
        modseq: Grows with every change; equal values mean nothing changed.
        uids: Every UID, ascending.
        flags: Flags by UID, for every UID.
        recent_uid: Messages with a UID above this are still ``\\Recent``
            for the next session that claims them.
    """

    uid_validity: int
    next_uid: int
    modseq: int
    uids: Sequence[int]
    flags: Mapping[int, FlagSet]
    recent_uid: int


class Mailbox(Protocol):
    """One mailbox's messages. Every method is atomic with respect to the
    others, across all sessions (and processes) sharing the store."""

    @property
    def name(self) -> str:
        """The mailbox's full name."""
        ...

    async def snapshot(self) -> MailboxSnapshot:
        """The current state."""
        ...

    async def append(self, messages: Sequence[NewMessage]) -> list[int]:
        """Adds messages atomically (all or none); returns their UIDs."""
        ...

    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        """Copies (or moves, RFC 6851) the messages that still exist to
        *target*, a mailbox of the same user; returns (source UID,
        target UID) pairs."""
        ...

    def load(self, uids: Sequence[int],
             content: bool) -> AsyncIterator[MessageMeta | StoredMessage]:
        """Yields each existing message in *uids* in order, loaded one at a
        time: :class:`StoredMessage` if *content*, else
        :class:`MessageMeta`. Missing UIDs are skipped."""
        ...

    async def update_flags(self, uids: Sequence[int], flags: FlagSet,
                           mode: StoreMode) -> dict[int, FlagSet]:
        """Changes the flags of the existing messages in *uids*; returns
        their new flags."""
        ...

    async def expunge(self, uids: Sequence[int]) -> list[int]:
        """Removes the messages; returns the UIDs that were removed."""
        ...

    async def claim_recent(self, up_to_uid: int) -> int:
        """Atomically raises the recent mark to *up_to_uid* and returns the
        old mark: this session gets ``\\Recent`` for the UIDs in between,
        no other session does (RFC 3501 §2.3.2)."""
        ...

    async def wait_for_change(self, modseq: int, timeout: float) -> None:
        """Returns when the mailbox's modseq passes *modseq*, or after
        *timeout* seconds. Pushed by the store, not polled."""
        ...


class MailboxSet(Protocol):
    """One user's mailboxes and subscriptions."""

    async def list_mailboxes(self) -> Sequence[MailboxEntry]:
        """Every mailbox, INBOX included."""
        ...

    async def get_mailbox(self, name: str) -> Mailbox:
        """Opens a selectable mailbox; raises
        :exc:`~pymap.exceptions.MailboxNotFound`."""
        ...

    async def create_mailbox(self, name: str) -> None:
        """Creates a mailbox (its parents already exist); raises
        :exc:`~pymap.exceptions.MailboxConflict` when it exists."""
        ...

    async def delete_mailbox(self, name: str) -> None:
        """Deletes a mailbox and its messages. One with children stays as
        a non-selectable entry; RFC 3501 §6.3.4."""
        ...

    async def rename_mailbox(self, source: str, destination: str) -> None:
        """Renames a mailbox and its children (not INBOX)."""
        ...

    async def get_subscriptions(self) -> frozenset[str]:
        """The subscribed names."""
        ...

    async def set_subscribed(self, name: str, subscribed: bool) -> None:
        """Adds or removes a subscription."""
        ...

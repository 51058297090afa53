"""The storage contract: what a backend must keep, and nothing IMAP-ish.

Sequence numbers, FETCH rendering, SEARCH, untagged updates and ``\\Recent``
bookkeeping live once above this, in :mod:`pymap.backend`. A backend
implements :class:`MailboxSet` (one per user) and :class:`Mailbox`.
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterator,
    Awaitable,
    Iterable,
    Mapping,
    Sequence,
)
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

from pymap.mime import MessageContent, MessageSummary

__all__ = [
    'DELIMITER', 'AssignedUids', 'ChangeLog', 'FlagSet', 'Mailbox',
    'MailboxEntry', 'MailboxSet', 'MailboxSnapshot', 'MessageMeta',
    'NewMessage', 'RangeLoader', 'StoreMode', 'StoredMessage',
    'SummaryLoader', 'assigned_validity',
]

#: The hierarchy delimiter of mailbox names handed to storage.
DELIMITER = '/'

#: A message's permanent flags and keywords (never ``\\Recent``).
FlagSet = frozenset[bytes]

_T = TypeVar('_T')

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


@dataclass(slots=True)
class StoredMessage:
    """A message loaded for FETCH or SEARCH, parsed once. Made for each
    message loaded, so not frozen (a frozen dataclass's ``__init__`` is
    several times slower); nothing changes it afterwards."""

    meta: MessageMeta
    content: MessageContent


#: A :class:`ChangeLog` forgets its oldest changes when it holds twice this
#: many changes and UIDs together, keeping at most this many.
CHANGE_LOG_LIMIT = 1000


@dataclass(frozen=True, slots=True, eq=False)
class ChangeLog:
    """Which messages each recent change of a mailbox touched, so that a
    session can send its untagged EXPUNGE and FETCH FLAGS responses
    (RFC 3501 §7.4.1, §7.4.2) by looking at those messages only.

    An immutable chain, newest change first: *uids* (flags changed,
    messages expunged; added UIDs may be listed too) were touched after
    the MODSEQ of *previous* and up to *modseq*. The oldest link has no
    *previous*: it marks how far back the log reaches. Start one with
    ``ChangeLog(modseq)`` and add changes with :meth:`record`.

    Attributes:
        modseq: The MODSEQ this log is complete up to.
        uids: The UIDs the newest change touched.
        previous: The log before the newest change.
        weight: Changes and UIDs in the chain, to bound its size.
    """

    modseq: int
    uids: tuple[int, ...] = ()
    previous: ChangeLog | None = field(default=None, repr=False)
    weight: int = 0

    def record(self, modseq: int, uids: Iterable[int]) -> ChangeLog:
        """This log with one more change: *uids* touched at *modseq*,
        which must be higher than :attr:`modseq`. The oldest changes are
        forgotten beyond ``CHANGE_LOG_LIMIT``."""
        if modseq <= self.modseq:
            raise ValueError(f'modseq {modseq} is not after {self.modseq}')
        touched = tuple(uids)
        log = ChangeLog(modseq, touched, self,
                        self.weight + 1 + len(touched))
        return log if log.weight <= 2 * CHANGE_LOG_LIMIT else log._trimmed()

    def _trimmed(self) -> ChangeLog:
        kept: list[ChangeLog] = []
        weight = 0
        oldest: ChangeLog = self
        while oldest.previous is not None and \
                weight + 1 + len(oldest.uids) <= CHANGE_LOG_LIMIT:
            kept.append(oldest)
            weight += 1 + len(oldest.uids)
            oldest = oldest.previous
        log = ChangeLog(oldest.modseq)
        for link in reversed(kept):
            log = ChangeLog(link.modseq, link.uids, log,
                            log.weight + 1 + len(link.uids))
        return log

    def since(self, modseq: int) -> AbstractSet[int] | None:
        """The UIDs touched after *modseq*, or ``None`` when the log does
        not reach back that far (or *modseq* is past :attr:`modseq`)."""
        if modseq > self.modseq:
            return None
        touched: set[int] = set()
        log = self
        while log.modseq > modseq:
            if log.previous is None:
                return None
            touched.update(log.uids)
            log = log.previous
        return touched


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
        changes: What changed up to *modseq* (its :attr:`ChangeLog.modseq`
            equals *modseq*), if the backend keeps a log; without one,
            sessions compare every message.
    """

    uid_validity: int
    next_uid: int
    modseq: int
    uids: Sequence[int]
    flags: Mapping[int, FlagSet]
    recent_uid: int
    changes: ChangeLog | None = field(default=None, repr=False,
                                      compare=False)


class AssignedUids(list[_T]):
    """What :meth:`Mailbox.append` (the new UIDs) or
    :meth:`Mailbox.copy_to` (source and target UID pairs) returns, with
    the UIDVALIDITY the new UIDs were assigned under, which APPENDUID and
    COPYUID report (RFC 4315 §3).

    A backend may return a plain list instead; the session then reads the
    UIDVALIDITY from a snapshot of the mailbox taken afterwards. That
    costs a backend that builds its snapshots only when asked, and could
    report the UIDVALIDITY of a mailbox deleted and created again in
    between.
    """

    __slots__ = ('uid_validity',)

    def __init__(self, items: Iterable[_T], uid_validity: int) -> None:
        super().__init__(items)
        self.uid_validity = uid_validity


class Mailbox(Protocol):
    """One mailbox's messages. Every method is atomic with respect to the
    others, across all sessions (and processes) sharing the store."""

    @property
    def name(self) -> str:
        """The mailbox's full name."""
        ...

    def snapshot(self) -> Awaitable[MailboxSnapshot]:
        """The current state. An ``async def`` does; a backend that has
        the state at hand may return an awaitable that is done already
        (:func:`pymap.backend.ready.ready`), which costs a session less
        than a coroutine's frame: every session in IDLE takes one per
        change. Like the other methods, it raises
        :exc:`~pymap.exceptions.MailboxNotFound` once the mailbox is
        deleted, when called or when awaited."""
        ...

    async def append(self, messages: Sequence[NewMessage]) -> list[int]:
        """Adds messages atomically (all or none); returns their UIDs,
        as :class:`AssignedUids` when the backend knows the UIDVALIDITY
        they were assigned under."""
        ...

    async def copy_to(self, uids: Sequence[int], target: Mailbox,
                      move: bool) -> list[tuple[int, int]]:
        """Copies (or moves, RFC 6851) the messages that still exist to
        *target*, a mailbox of the same user; returns (source UID,
        target UID) pairs, as :class:`AssignedUids` when the backend knows
        the target's UIDVALIDITY they were assigned under."""
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

    def wait_for_change(self, modseq: int, timeout: float
                        ) -> Awaitable[object]:
        """Done when the mailbox's modseq passes *modseq* (its result
        means nothing), or when the mailbox is deleted (every method then
        raises :exc:`~pymap.exceptions.MailboxNotFound`, and a session in
        IDLE ends with ``BYE``), or after *timeout* seconds (never, for
        ``math.inf``: IDLE waits so, and thousands of sessions may).
        Pushed by the store, not polled. An ``async def`` does; so does
        the future of a :class:`~pymap.backend.idle.ChangeSignal`, handed
        back as it is, without a frame of the backend's around it to
        resume when one change wakes every session."""
        ...


@runtime_checkable
class SummaryLoader(Protocol):
    """An optional capability of a :class:`Mailbox`: loading each
    message's :class:`~pymap.mime.summary.MessageSummary`, which answers
    SEARCH (RFC 3501 §6.4.4) and the FETCH items that need no body octets
    (ENVELOPE, BODYSTRUCTURE, header sections), more cheaply than loading
    the message (from a cache, say). Without it, the session loads the
    content and summarises it."""

    def load_summaries(self, uids: Sequence[int]) -> AsyncIterator[
            tuple[MessageMeta, MessageSummary]]:
        """Yields each existing message in *uids* in order, as
        :meth:`Mailbox.load` does, with its summary. Missing UIDs are
        skipped."""
        ...


@runtime_checkable
class RangeLoader(Protocol):
    """An optional capability of a :class:`Mailbox` that also has
    :class:`SummaryLoader`: reading some octets of a message without the
    rest. A FETCH of body parts of a large message (``BODY[2]``,
    ``BINARY[1]``; RFC 3501 §6.4.5, RFC 3516 §4.2) then reads only the
    parts asked for, where the summary's layout (:mod:`pymap.mime.layout`)
    says they lie. Without it, the session loads the whole message."""

    async def load_range(self, uid: int, start: int, end: int
                         ) -> bytes | None:
        """The octets ``start`` to ``end`` (exclusive) of the message in
        CRLF form, the form whose length is its RFC822.SIZE. A backend
        that stores lines ending in a bare LF as they came can make them
        from the stored octets up to ``end``
        (:func:`~pymap.mime.lines.crlf_range`). None when the message is
        gone, or when the backend cannot read those octets apart: the
        session then loads it whole."""
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


async def assigned_validity(mailbox: Mailbox, assigned: list[Any]) -> int:
    """The UIDVALIDITY of the UIDs that *mailbox*'s :meth:`~Mailbox.append`
    returned, or that a :meth:`~Mailbox.copy_to` into *mailbox* returned
    (RFC 4315 §3, APPENDUID and COPYUID)."""
    if isinstance(assigned, AssignedUids):
        return assigned.uid_validity
    return (await mailbox.snapshot()).uid_validity

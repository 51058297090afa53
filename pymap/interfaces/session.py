"""What the IMAP layer asks of an authenticated session.

Every command handler is a coroutine. It hands its untagged responses
(``bytes``, CRLF included) to an :class:`Untagged` as they are ready, and
returns one :class:`Done` that carries the tagged ``OK``'s text and
response code. A refusal is raised as an
:exc:`~pymap.exceptions.IMAPError` instead; the untagged responses queued
before it still go out, ahead of the tagged ``NO`` or ``BAD``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from pymap.parsing.commands import (
    AppendCommand,
    CheckCommand,
    CloseCommand,
    CopyCommand,
    CreateCommand,
    DeleteCommand,
    ExpungeCommand,
    FetchCommand,
    ListCommand,
    NamespaceCommand,
    NoOpCommand,
    RenameCommand,
    SearchCommand,
    SelectCommand,
    StatusCommand,
    StoreCommand,
    SubscribeCommand,
    UnselectCommand,
    UnsubscribeCommand,
)

__all__ = ['Done', 'Session', 'Untagged']


@dataclass(frozen=True, slots=True)
class Done:
    """The successful end of a command: tagged ``OK`` text and code."""

    text: str = 'Completed.'
    code: bytes | None = None


class Untagged(Protocol):
    """Where a command's untagged responses go (RFC 3501 §2.2.2): queued
    to leave with the tagged response in one send, or sent earlier once
    enough have gathered (a long FETCH), waiting while the client reads
    slowly."""

    async def queue(self, data: bytes) -> None:
        """Adds *data*, one or more whole responses, to what is sent."""
        ...


class Session(Protocol):
    """An authenticated IMAP session (RFC 3501 §6.3, §6.4)."""

    @property
    def selected(self) -> bool:
        """Whether a mailbox is selected."""
        ...

    async def noop(self, cmd: NoOpCommand, out: Untagged) -> Done:
        """NOOP / CHECK: report pending updates."""
        ...

    async def selected_deleted(self) -> bool:
        """Whether the selected mailbox was deleted, by another session or
        process, since it was selected; the session is then no longer in
        the selected state."""
        ...

    async def select(self, cmd: SelectCommand, out: Untagged) -> Done:
        """SELECT / EXAMINE."""
        ...

    async def create(self, cmd: CreateCommand, out: Untagged) -> Done:
        """CREATE."""
        ...

    async def delete(self, cmd: DeleteCommand, out: Untagged) -> Done:
        """DELETE."""
        ...

    async def rename(self, cmd: RenameCommand, out: Untagged) -> Done:
        """RENAME."""
        ...

    async def subscribe(self, cmd: SubscribeCommand, out: Untagged) -> Done:
        """SUBSCRIBE."""
        ...

    async def unsubscribe(self, cmd: UnsubscribeCommand,
                          out: Untagged) -> Done:
        """UNSUBSCRIBE."""
        ...

    async def list_mailboxes(self, cmd: ListCommand, out: Untagged) -> Done:
        """LIST / LSUB."""
        ...

    async def namespace(self, cmd: NamespaceCommand, out: Untagged) -> Done:
        """NAMESPACE."""
        ...

    async def status(self, cmd: StatusCommand, out: Untagged) -> Done:
        """STATUS."""
        ...

    async def append(self, cmd: AppendCommand, out: Untagged) -> Done:
        """APPEND."""
        ...

    async def check(self, cmd: CheckCommand, out: Untagged) -> Done:
        """CHECK."""
        ...

    async def close(self, cmd: CloseCommand, out: Untagged) -> Done:
        """CLOSE."""
        ...

    async def unselect(self, cmd: UnselectCommand, out: Untagged) -> Done:
        """UNSELECT."""
        ...

    async def expunge(self, cmd: ExpungeCommand, out: Untagged) -> Done:
        """EXPUNGE / UID EXPUNGE."""
        ...

    async def search(self, cmd: SearchCommand, out: Untagged) -> Done:
        """SEARCH / UID SEARCH."""
        ...

    async def fetch(self, cmd: FetchCommand, out: Untagged) -> Done:
        """FETCH / UID FETCH."""
        ...

    async def store(self, cmd: StoreCommand, out: Untagged) -> Done:
        """STORE / UID STORE."""
        ...

    async def copy(self, cmd: CopyCommand, out: Untagged) -> Done:
        """COPY / MOVE and their UID forms."""
        ...

    async def idle(self, timeout: float) -> list[bytes]:
        """Waits up to *timeout* seconds (``math.inf``: without a limit)
        for a change to the selected mailbox and returns the untagged
        updates (RFC 2177), sent in one write."""
        ...

"""What the IMAP layer asks of an authenticated session.

Every command handler is an async iterator of output: untagged response
lines (``bytes``, CRLF included) as they are ready, ending with one
:class:`Done` that carries the tagged ``OK``'s text and response code. A
refusal is raised as an :exc:`~pymap.exceptions.IMAPError` instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
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

__all__ = ['Done', 'Output', 'Session']


@dataclass(frozen=True, slots=True)
class Done:
    """The successful end of a command: tagged ``OK`` text and code."""

    text: str = 'Completed.'
    code: bytes | None = None


Output = AsyncIterator[bytes | Done]


class Session(Protocol):
    """An authenticated IMAP session (RFC 3501 §6.3, §6.4)."""

    @property
    def selected(self) -> bool:
        """Whether a mailbox is selected."""
        ...

    def noop(self, cmd: NoOpCommand) -> Output:
        """NOOP / CHECK: report pending updates."""
        ...

    def select(self, cmd: SelectCommand) -> Output:
        """SELECT / EXAMINE."""
        ...

    def create(self, cmd: CreateCommand) -> Output:
        """CREATE."""
        ...

    def delete(self, cmd: DeleteCommand) -> Output:
        """DELETE."""
        ...

    def rename(self, cmd: RenameCommand) -> Output:
        """RENAME."""
        ...

    def subscribe(self, cmd: SubscribeCommand) -> Output:
        """SUBSCRIBE."""
        ...

    def unsubscribe(self, cmd: UnsubscribeCommand) -> Output:
        """UNSUBSCRIBE."""
        ...

    def list_mailboxes(self, cmd: ListCommand) -> Output:
        """LIST / LSUB."""
        ...

    def namespace(self, cmd: NamespaceCommand) -> Output:
        """NAMESPACE."""
        ...

    def status(self, cmd: StatusCommand) -> Output:
        """STATUS."""
        ...

    def append(self, cmd: AppendCommand) -> Output:
        """APPEND."""
        ...

    def check(self, cmd: CheckCommand) -> Output:
        """CHECK."""
        ...

    def close(self, cmd: CloseCommand) -> Output:
        """CLOSE."""
        ...

    def unselect(self, cmd: UnselectCommand) -> Output:
        """UNSELECT."""
        ...

    def expunge(self, cmd: ExpungeCommand) -> Output:
        """EXPUNGE / UID EXPUNGE."""
        ...

    def search(self, cmd: SearchCommand) -> Output:
        """SEARCH / UID SEARCH."""
        ...

    def fetch(self, cmd: FetchCommand) -> Output:
        """FETCH / UID FETCH."""
        ...

    def store(self, cmd: StoreCommand) -> Output:
        """STORE / UID STORE."""
        ...

    def copy(self, cmd: CopyCommand) -> Output:
        """COPY / MOVE and their UID forms."""
        ...

    async def idle(self, timeout: float) -> list[bytes]:
        """Waits up to *timeout* seconds (``math.inf``: without a limit)
        for a change to the selected mailbox and returns the untagged
        updates (RFC 2177), sent in one write."""
        ...

"""Connection states (RFC 3501 §3) and the one table of which command may
run in which state, with the dispatch registry to session handlers."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pymap.interfaces.session import Done, Session, Untagged
from pymap.parsing.commands import (
    AppendCommand,
    AuthenticateCommand,
    CapabilityCommand,
    CheckCommand,
    CloseCommand,
    Command,
    CopyCommand,
    CreateCommand,
    DeleteCommand,
    EnableCommand,
    ExamineCommand,
    ExpungeCommand,
    FetchCommand,
    IdCommand,
    IdleCommand,
    ListCommand,
    LoginCommand,
    LogoutCommand,
    LsubCommand,
    MoveCommand,
    NamespaceCommand,
    NoOpCommand,
    RenameCommand,
    SearchCommand,
    SelectCommand,
    StartTLSCommand,
    StatusCommand,
    StoreCommand,
    SubscribeCommand,
    UnselectCommand,
    UnsubscribeCommand,
)

__all__ = ['ALLOWED', 'SESSION_HANDLERS', 'State', 'allowed_in']


class State(enum.Enum):
    """RFC 3501 §3 connection states (logout ends the loop)."""

    NOT_AUTHENTICATED = 'not authenticated'
    AUTHENTICATED = 'authenticated'
    SELECTED = 'selected'


# Tuples, not sets: a member of one is found by identity, where a set
# would first hash the state in Python code (enum's __hash__).
_ANY = tuple(State)
_NOT_AUTH = (State.NOT_AUTHENTICATED,)
_AUTH = (State.AUTHENTICATED, State.SELECTED)
_SELECTED = (State.SELECTED,)

#: Which states each command is valid in.
ALLOWED: dict[type[Command], tuple[State, ...]] = {
    CapabilityCommand: _ANY, NoOpCommand: _ANY, LogoutCommand: _ANY,
    IdCommand: _ANY,
    StartTLSCommand: _NOT_AUTH, AuthenticateCommand: _NOT_AUTH,
    LoginCommand: _NOT_AUTH,
    EnableCommand: _AUTH, SelectCommand: _AUTH, ExamineCommand: _AUTH,
    CreateCommand: _AUTH, DeleteCommand: _AUTH, RenameCommand: _AUTH,
    SubscribeCommand: _AUTH, UnsubscribeCommand: _AUTH, ListCommand: _AUTH,
    LsubCommand: _AUTH, NamespaceCommand: _AUTH, StatusCommand: _AUTH,
    AppendCommand: _AUTH, IdleCommand: _AUTH,
    CheckCommand: _SELECTED, CloseCommand: _SELECTED,
    UnselectCommand: _SELECTED, ExpungeCommand: _SELECTED,
    SearchCommand: _SELECTED, FetchCommand: _SELECTED,
    StoreCommand: _SELECTED, CopyCommand: _SELECTED, MoveCommand: _SELECTED,
}


def allowed_in(command: Command, state: State) -> bool:
    """Whether *command* may run in *state*."""
    return state in ALLOWED[type(command)]


_C = TypeVar('_C', bound=Command)
Handler = Callable[[Session, Any, Untagged], Awaitable[Done]]


def _entry(cls: type[_C],
           handler: Callable[[Session, _C, Untagged], Awaitable[Done]]
           ) -> tuple[type[Command], Handler]:
    return cls, handler


#: Commands handled by the authenticated session, each checked by mypy
#: against the handler's argument type.
SESSION_HANDLERS: dict[type[Command], Handler] = dict([
    _entry(NoOpCommand, lambda s, c, o: s.noop(c, o)),
    _entry(SelectCommand, lambda s, c, o: s.select(c, o)),
    _entry(ExamineCommand, lambda s, c, o: s.select(c, o)),
    _entry(CreateCommand, lambda s, c, o: s.create(c, o)),
    _entry(DeleteCommand, lambda s, c, o: s.delete(c, o)),
    _entry(RenameCommand, lambda s, c, o: s.rename(c, o)),
    _entry(SubscribeCommand, lambda s, c, o: s.subscribe(c, o)),
    _entry(UnsubscribeCommand, lambda s, c, o: s.unsubscribe(c, o)),
    _entry(ListCommand, lambda s, c, o: s.list_mailboxes(c, o)),
    _entry(LsubCommand, lambda s, c, o: s.list_mailboxes(c, o)),
    _entry(NamespaceCommand, lambda s, c, o: s.namespace(c, o)),
    _entry(StatusCommand, lambda s, c, o: s.status(c, o)),
    _entry(AppendCommand, lambda s, c, o: s.append(c, o)),
    _entry(CheckCommand, lambda s, c, o: s.check(c, o)),
    _entry(CloseCommand, lambda s, c, o: s.close(c, o)),
    _entry(UnselectCommand, lambda s, c, o: s.unselect(c, o)),
    _entry(ExpungeCommand, lambda s, c, o: s.expunge(c, o)),
    _entry(SearchCommand, lambda s, c, o: s.search(c, o)),
    _entry(FetchCommand, lambda s, c, o: s.fetch(c, o)),
    _entry(StoreCommand, lambda s, c, o: s.store(c, o)),
    _entry(CopyCommand, lambda s, c, o: s.copy(c, o)),
    _entry(MoveCommand, lambda s, c, o: s.copy(c, o)),
])

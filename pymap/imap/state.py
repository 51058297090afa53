"""Connection states (RFC 3501 §3) and the one table of which command may
run in which state, with the dispatch registry to session handlers."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from pymap.interfaces.session import Output, Session
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


_ANY = frozenset(State)
_NOT_AUTH = frozenset({State.NOT_AUTHENTICATED})
_AUTH = frozenset({State.AUTHENTICATED, State.SELECTED})
_SELECTED = frozenset({State.SELECTED})

#: Which states each command is valid in.
ALLOWED: dict[type[Command], frozenset[State]] = {
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
Handler = Callable[[Session, Any], Output]


def _entry(cls: type[_C], handler: Callable[[Session, _C], Output]
           ) -> tuple[type[Command], Handler]:
    return cls, handler


#: Commands handled by the authenticated session, each checked by mypy
#: against the handler's argument type.
SESSION_HANDLERS: dict[type[Command], Handler] = dict([
    _entry(NoOpCommand, lambda s, c: s.noop(c)),
    _entry(SelectCommand, lambda s, c: s.select(c)),
    _entry(ExamineCommand, lambda s, c: s.select(c)),
    _entry(CreateCommand, lambda s, c: s.create(c)),
    _entry(DeleteCommand, lambda s, c: s.delete(c)),
    _entry(RenameCommand, lambda s, c: s.rename(c)),
    _entry(SubscribeCommand, lambda s, c: s.subscribe(c)),
    _entry(UnsubscribeCommand, lambda s, c: s.unsubscribe(c)),
    _entry(ListCommand, lambda s, c: s.list_mailboxes(c)),
    _entry(LsubCommand, lambda s, c: s.list_mailboxes(c)),
    _entry(NamespaceCommand, lambda s, c: s.namespace(c)),
    _entry(StatusCommand, lambda s, c: s.status(c)),
    _entry(AppendCommand, lambda s, c: s.append(c)),
    _entry(CheckCommand, lambda s, c: s.check(c)),
    _entry(CloseCommand, lambda s, c: s.close(c)),
    _entry(UnselectCommand, lambda s, c: s.unselect(c)),
    _entry(ExpungeCommand, lambda s, c: s.expunge(c)),
    _entry(SearchCommand, lambda s, c: s.search(c)),
    _entry(FetchCommand, lambda s, c: s.fetch(c)),
    _entry(StoreCommand, lambda s, c: s.store(c)),
    _entry(CopyCommand, lambda s, c: s.copy(c)),
    _entry(MoveCommand, lambda s, c: s.copy(c)),
])

"""Typed IMAP commands (RFC 3501 §6 and the extensions pymap offers).

Every command is a dataclass; the parser produces exactly one of these,
or an :class:`InvalidCommand`, for any input, and nothing changes them
afterwards. They are not frozen, as they are made once per command: a
frozen dataclass's ``__init__`` sets each field through
``object.__setattr__``, which cost a FETCH about 4% of its instructions
in all. For the same reason the commands clients send most often
(:class:`FetchCommand`) spell out their ``__init__``: mypyc compiles that
one, where it leaves a dataclass's generated ``__init__`` to the
interpreter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .fetch import FetchAttribute
from .search import SearchKey
from .sequence import SequenceSet
from .values import Flag

__all__ = [
    'AppendCommand', 'AppendMessage', 'AuthenticateCommand',
    'CapabilityCommand', 'CheckCommand', 'CloseCommand', 'Command',
    'CopyCommand', 'CreateCommand', 'DeleteCommand', 'EnableCommand',
    'ExamineCommand', 'ExpungeCommand', 'FetchCommand', 'IdCommand',
    'IdleCommand', 'InvalidCommand', 'ListCommand', 'LoginCommand',
    'LogoutCommand', 'LsubCommand', 'MoveCommand', 'NamespaceCommand',
    'NoOpCommand', 'RenameCommand', 'SearchCommand', 'SelectCommand',
    'StartTLSCommand', 'StatusCommand', 'StoreCommand', 'SubscribeCommand',
    'UnselectCommand', 'UnsubscribeCommand',
]

StoreMode = Literal['replace', 'add', 'remove']


@dataclass(slots=True)
class Command:
    """Base of every command: the client's tag."""

    tag: bytes


@dataclass(slots=True)
class InvalidCommand:
    """Input that is not a valid command, answered with ``BAD``. *tag* is
    ``b'*'`` when no tag could be read; *verb* is set when it was known."""

    tag: bytes
    verb: bytes | None
    reason: str


@dataclass(slots=True)
class CapabilityCommand(Command):
    """CAPABILITY (§6.1.1)."""


@dataclass(slots=True)
class NoOpCommand(Command):
    """NOOP (§6.1.2)."""


@dataclass(slots=True)
class LogoutCommand(Command):
    """LOGOUT (§6.1.3)."""


@dataclass(slots=True)
class IdCommand(Command):
    """ID (RFC 2971): client identification, NIL or field/value pairs."""

    params: Mapping[str, str | None] | None


@dataclass(slots=True)
class StartTLSCommand(Command):
    """STARTTLS (§6.2.1)."""


@dataclass(slots=True)
class AuthenticateCommand(Command):
    """AUTHENTICATE (§6.2.2) with an optional SASL-IR initial response
    (RFC 4959), still base64-encoded; ``b'='`` means an empty one."""

    mechanism: bytes
    initial: bytes | None = field(default=None, repr=False)


@dataclass(slots=True)
class LoginCommand(Command):
    """LOGIN (§6.2.3). The repr hides the password."""

    username: bytes
    password: bytes = field(repr=False)


@dataclass(slots=True)
class EnableCommand(Command):
    """ENABLE (RFC 5161)."""

    capabilities: tuple[bytes, ...]


@dataclass(slots=True)
class SelectCommand(Command):
    """SELECT (§6.3.1)."""

    mailbox: str

    @property
    def readonly(self) -> bool:
        """EXAMINE opens read-only."""
        return False


@dataclass(slots=True)
class ExamineCommand(SelectCommand):
    """EXAMINE (§6.3.2): SELECT, read-only."""

    @property
    def readonly(self) -> bool:
        return True


@dataclass(slots=True)
class CreateCommand(Command):
    """CREATE (§6.3.3)."""

    mailbox: str


@dataclass(slots=True)
class DeleteCommand(Command):
    """DELETE (§6.3.4)."""

    mailbox: str


@dataclass(slots=True)
class RenameCommand(Command):
    """RENAME (§6.3.5)."""

    source: str
    destination: str


@dataclass(slots=True)
class SubscribeCommand(Command):
    """SUBSCRIBE (§6.3.6)."""

    mailbox: str


@dataclass(slots=True)
class UnsubscribeCommand(Command):
    """UNSUBSCRIBE (§6.3.7)."""

    mailbox: str


@dataclass(slots=True)
class ListCommand(Command):
    """LIST (§6.3.8): reference name and wildcard pattern, decoded from
    modified UTF-7."""

    reference: str
    pattern: str


@dataclass(slots=True)
class LsubCommand(ListCommand):
    """LSUB (§6.3.9): LIST restricted to subscriptions."""


@dataclass(slots=True)
class NamespaceCommand(Command):
    """NAMESPACE (RFC 2342)."""


@dataclass(slots=True)
class StatusCommand(Command):
    """STATUS (§6.3.10)."""

    mailbox: str
    items: tuple[bytes, ...]


@dataclass(slots=True)
class AppendMessage:
    """One message of APPEND (MULTIAPPEND, RFC 3502, allows several)."""

    data: bytes = field(repr=False)
    flags: tuple[Flag, ...] = ()
    internal_date: datetime | None = None
    binary: bool = False


@dataclass(slots=True)
class AppendCommand(Command):
    """APPEND (§6.3.11)."""

    mailbox: str
    messages: tuple[AppendMessage, ...]


@dataclass(slots=True)
class IdleCommand(Command):
    """IDLE (RFC 2177)."""


@dataclass(slots=True)
class CheckCommand(Command):
    """CHECK (§6.4.1)."""


@dataclass(slots=True)
class CloseCommand(Command):
    """CLOSE (§6.4.2)."""


@dataclass(slots=True)
class UnselectCommand(Command):
    """UNSELECT (RFC 3691)."""


@dataclass(slots=True)
class ExpungeCommand(Command):
    """EXPUNGE (§6.4.3), or UID EXPUNGE (RFC 4315) with a UID set."""

    uid_set: SequenceSet | None = None


@dataclass(slots=True)
class SearchCommand(Command):
    """SEARCH / UID SEARCH (§6.4.4)."""

    key: SearchKey
    charset: str | None = None
    uid: bool = False


@dataclass(slots=True, init=False)
class FetchCommand(Command):
    """FETCH / UID FETCH (§6.4.5)."""

    seq_set: SequenceSet
    attributes: tuple[FetchAttribute, ...]
    uid: bool

    def __init__(self, tag: bytes, seq_set: SequenceSet,
                 attributes: tuple[FetchAttribute, ...],
                 uid: bool = False) -> None:
        self.tag = tag
        self.seq_set = seq_set
        self.attributes = attributes
        self.uid = uid


@dataclass(slots=True)
class StoreCommand(Command):
    """STORE / UID STORE (§6.4.6)."""

    seq_set: SequenceSet
    mode: StoreMode
    silent: bool
    flags: tuple[Flag, ...]
    uid: bool = False


@dataclass(slots=True)
class CopyCommand(Command):
    """COPY / UID COPY (§6.4.7)."""

    seq_set: SequenceSet
    mailbox: str
    uid: bool = False


@dataclass(slots=True)
class MoveCommand(CopyCommand):
    """MOVE / UID MOVE (RFC 6851)."""

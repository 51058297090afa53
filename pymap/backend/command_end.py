"""The end of an IMAP command, as a backend may see it.

A session ends every command with the untagged responses that report what
changed in the selected mailbox (RFC 3501 §7.3.1, §7.4.1), taken from a
fresh :meth:`~pymap.interfaces.storage.Mailbox.snapshot`. A backend that
already brought its view of the store up to date earlier in the same
command (while it changed or read messages) may skip doing so again for
that snapshot: what other processes change meanwhile is reported at the
end of the next command instead. Any other snapshot must show every change
this process made, and every change of other processes that the backend
has been told of (a backend told by notifications, like redis, may be one
notification behind; IMAP reports such changes at a later command anyway).
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from types import TracebackType

__all__ = ['at_command_end', 'command_end']

_at_end: ContextVar[bool] = ContextVar('_at_end', default=False)


def command_end() -> _CommandEnd:
    """Marks the snapshot taken inside as the one ending the command."""
    return _CommandEnd()


class _CommandEnd:
    """The context manager of :func:`command_end`: entered once per
    command, so a plain class rather than a generator."""

    __slots__ = ('_token',)

    def __enter__(self) -> None:
        self._token: Token[bool] = _at_end.set(True)

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        _at_end.reset(self._token)


def at_command_end() -> bool:
    """Whether the current task is taking the snapshot that ends a
    command."""
    return _at_end.get()

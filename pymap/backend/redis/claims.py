"""One ``\\Recent`` claim per mailbox on its way to Redis at a time.

A new message wakes every session of the process that waits on its
mailbox, and each would ask Redis to raise the mailbox's ``\\Recent`` mark
to the message (RFC 3501 §2.3.2: only one session may see it as recent).
The first one asks at once, in its own step, before the sessions woken
with it have run. The others do not ask, and do not wait for its answer
either: the mark that claim leaves is at least as high as theirs, so none
of their new messages can be ``\\Recent`` for them whatever Redis answers,
and they send their updates at once instead of a round trip later.

If the claim that was under way fails, or its session goes away before the
answer, the sessions that took its mark had no ``\\Recent`` messages from
it; a claim made after that asks Redis again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

__all__ = ['RecentClaims']


class RecentClaims:
    """The claims under way in one process, by mailbox namespace."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, object]] = {}

    async def claim(self, namespace: str, up_to_uid: int,
                    raise_mark: Callable[[], Awaitable[int]]) -> int:
        """The mark before this claim, as :meth:`Mailbox.claim_recent
        <pymap.interfaces.storage.Mailbox.claim_recent>` answers: from
        ``raise_mark()``, or, when a claim at least as high is under way,
        the mark that claim raises to, at once."""
        pending = self._pending.get(namespace)
        if pending is not None and pending[0] >= up_to_uid:
            return pending[0]
        entry = (up_to_uid, object())
        self._pending[namespace] = entry
        try:
            return await raise_mark()
        finally:
            if self._pending.get(namespace) is entry:
                del self._pending[namespace]

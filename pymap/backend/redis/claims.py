"""One ``\\Recent`` claim per mailbox on its way to Redis at a time.

A new message wakes every session of the process that waits on its
mailbox, and each would ask Redis to raise the mailbox's ``\\Recent`` mark
to the message (RFC 3501 §2.3.2: only one session may see it as recent).
The first one asks; the others wait for its answer instead, since a mark
raised that far leaves nothing for them to claim.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

__all__ = ['RecentClaims']


class RecentClaims:
    """The claims under way in one process, by mailbox namespace."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, asyncio.Future[int]]] = {}

    async def claim(self, namespace: str, up_to_uid: int,
                    raise_mark: Callable[[], Awaitable[int]]) -> int:
        """The mark before this claim, as :meth:`Mailbox.claim_recent
        <pymap.interfaces.storage.Mailbox.claim_recent>` answers: from
        ``raise_mark()``, or, when a claim at least as high is under way,
        the mark that claim leaves."""
        pending = self._pending.get(namespace)
        if pending is not None and pending[0] >= up_to_uid:
            return max(pending[0], await asyncio.shield(pending[1]))
        claim = asyncio.ensure_future(raise_mark())
        claim.add_done_callback(_retrieve)
        self._pending[namespace] = (up_to_uid, claim)
        try:
            return await asyncio.shield(claim)
        finally:
            if self._pending.get(namespace, (0, None))[1] is claim:
                del self._pending[namespace]


def _retrieve(claim: asyncio.Future[int]) -> None:
    """Marks a failure as seen: the sessions that awaited the claim got
    it; one whose session went away meanwhile is not worth a warning."""
    if not claim.cancelled():
        claim.exception()

"""One ``\\Recent`` claim per mailbox on its way to Redis at a time.

A new message wakes every session of the process that waits on its
mailbox, and each would ask Redis to raise the mailbox's ``\\Recent`` mark
to the message (RFC 3501 §2.3.2: only one session may see it as recent).
The first one asks at once, in its own step, before the sessions woken
with it have run; the others wait for its answer instead, since a mark
raised that far leaves nothing for them to claim.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

__all__ = ['RecentClaims']


class _Abandoned(Exception):
    """The session that asked went away before the answer came."""


class RecentClaims:
    """The claims under way in one process, by mailbox namespace."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, asyncio.Future[int]]] = {}

    async def claim(self, namespace: str, up_to_uid: int,
                    raise_mark: Callable[[], Awaitable[int]]) -> int:
        """The mark before this claim, as :meth:`Mailbox.claim_recent
        <pymap.interfaces.storage.Mailbox.claim_recent>` answers: from
        ``raise_mark()``, or, when a claim at least as high is under way,
        the mark that claim leaves. When the session that asked goes away
        first, the next one asks again."""
        while True:
            pending = self._pending.get(namespace)
            if pending is None or pending[0] < up_to_uid:
                return await self._ask(namespace, up_to_uid, raise_mark)
            try:
                return max(pending[0], await asyncio.shield(pending[1]))
            except _Abandoned:
                continue

    async def _ask(self, namespace: str, up_to_uid: int,
                   raise_mark: Callable[[], Awaitable[int]]) -> int:
        answer = asyncio.get_running_loop().create_future()
        answer.add_done_callback(_retrieve)
        self._pending[namespace] = (up_to_uid, answer)
        try:
            old = await raise_mark()
        except Exception as exc:
            answer.set_exception(exc)
            raise
        except BaseException:
            answer.set_exception(_Abandoned())
            raise
        else:
            answer.set_result(old)
            return old
        finally:
            if self._pending.get(namespace, (0, None))[1] is answer:
                del self._pending[namespace]


def _retrieve(answer: asyncio.Future[int]) -> None:
    """Marks a failure as seen: the sessions that awaited the answer got
    it, and one nobody else waited for is not worth a warning."""
    answer.exception()

"""The ``\\Recent`` claims of one process: those on their way to Redis, one
per mailbox at a time, and those Redis already gave the process with a
new message.

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

When a read-write session of the process waits on a mailbox, an APPEND of
the process raises the mark in the same script that adds the messages, and
the process *holds* what it raised: the first session of the process to
claim them takes them without a round trip, so that the session that
reports them as recent is not the last one the new message reaches; a
snapshot read from Redis meanwhile shows them as not claimed yet. A claim
that reaches beyond the held messages asks Redis for the rest, and keeps
the held ones if nobody claimed anything in between. A held message is
recent for nobody only if the process's waiting sessions all go away
before any claims it, or another process's claim falls between it and a
later one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace

from pymap.interfaces.storage import MailboxSnapshot

__all__ = ['RecentClaims']

#: Mailboxes with held messages at most: those of sessions gone meanwhile
#: are kept until a claim takes them, and forgetting them all only makes
#: them recent for nobody.
_MAX_HELD = 1024


class RecentClaims:
    """The claims under way and held in one process, by mailbox
    namespace; and how many read-write sessions wait on each mailbox."""

    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, object]] = {}
        #: The old mark and the new one of each mailbox whose \\Recent
        #: messages Redis gave to the process.
        self._held: dict[str, tuple[int, int]] = {}
        self._claimants: Counter[str] = Counter()

    def waits(self, namespace: str) -> None:
        """A read-write session begins to wait on the mailbox."""
        self._claimants[namespace] += 1

    def woke(self, namespace: str) -> None:
        """A read-write session stopped waiting on the mailbox."""
        left = self._claimants[namespace] - 1
        if left:
            self._claimants[namespace] = left
        else:
            del self._claimants[namespace]

    def awaited(self, namespace: str) -> bool:
        """Whether a read-write session of the process waits on the
        mailbox: the new messages of its changes are worth holding."""
        return namespace in self._claimants

    def hold(self, namespace: str, mark: int, up_to_uid: int) -> None:
        """Redis raised the mark from *mark* to *up_to_uid* for this
        process. Held messages below *mark* are kept when nobody claimed
        anything between them (the marks meet), else given up."""
        held = self._held.get(namespace)
        if held is not None and held[1] == mark:
            mark = held[0]
        elif len(self._held) >= _MAX_HELD:
            self._held.clear()
        self._held[namespace] = (mark, up_to_uid)

    def take_held(self, namespace: str,
                  up_to_uid: int) -> tuple[int, int] | None:
        """The held messages, as the mark before them and the last one,
        for a claim up to *up_to_uid*: those up to it are the caller's,
        and those above it stay held. ``None`` when none of them is
        below *up_to_uid*."""
        held = self._held.get(namespace)
        if held is None or up_to_uid <= held[0]:
            return None
        if held[1] > up_to_uid:
            self._held[namespace] = (up_to_uid, held[1])
        else:
            del self._held[namespace]
        return held

    def unclaimed(self, namespace: str,
                  snapshot: MailboxSnapshot) -> MailboxSnapshot:
        """*snapshot*, read from Redis, with the messages the process
        holds shown as not claimed yet, so that a session claims them."""
        held = self._held.get(namespace)
        if held is None or snapshot.recent_uid != held[1]:
            return snapshot
        return replace(snapshot, recent_uid=held[0])

    async def claim(self, namespace: str, up_to_uid: int,
                    raise_mark: Callable[[], Awaitable[int]]) -> int:
        """The mark before this claim, as :meth:`Mailbox.claim_recent
        <pymap.interfaces.storage.Mailbox.claim_recent>` answers: from
        ``raise_mark()``, or, when a claim at least as high is under way,
        the mark that claim raises to, at once."""
        pending = self._pending.get(namespace)
        if pending is not None and pending[0] >= up_to_uid:
            return pending[0]
        token = object()  # tells this claim from a later one
        self._pending[namespace] = (up_to_uid, token)
        try:
            return await raise_mark()
        finally:
            pending = self._pending.get(namespace)
            if pending is not None and pending[1] is token:
                del self._pending[namespace]

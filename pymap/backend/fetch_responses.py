"""The untagged FETCH responses of one command (RFC 3501 §7.4.2): each
message loaded as far as its :class:`~.fetch.FetchPlan` needs, rendered,
and gathered into sends of about :data:`BATCH_BYTES`. Message octets of
:data:`APART_BYTES` or more leave as pieces of their own, uncopied: the
connection's stream sends them beside the response's other bytes.

Messages come one at a time from the backend's iterator and are rendered
as they come; only full batches are handed on to be sent, so a message
costs one step of the backend's iterator and no more. A costly message
(:mod:`~pymap.backend.large`) whose items need it parsed is rendered in a
worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymap.exceptions import IMAPError
from pymap.executor import run_blocking
from pymap.interfaces.session import Untagged
from pymap.interfaces.storage import Mailbox, MessageMeta, StoredMessage
from pymap.selected import SelectedView

from .fetch import FetchPlan, Loaded, Needs
from .large import is_costly
from .summaries import load_summaries

__all__ = ['APART_BYTES', 'BATCH_BYTES', 'FetchResponses']

#: Untagged responses are sent once they reach about this size.
BATCH_BYTES = 64 * 1024
#: Message octets this long or longer are not copied into a batch: one
#: more piece of a send costs less than the copy (a page of memory).
APART_BYTES = 4096


class FetchResponses:
    """Renders the messages of one FETCH command for a session's view.

    Attributes:
        count: How many messages were rendered so far (the rest were
            expunged meanwhile).
    """

    __slots__ = ('_batch', '_plan', '_size', '_view', 'count')

    def __init__(self, plan: FetchPlan, view: SelectedView) -> None:
        self._plan = plan
        self._view = view
        self._batch: list[bytes] = []
        self._size = 0
        self.count = 0

    async def send(self, mailbox: Mailbox, uids: Sequence[int],
                   out: Untagged) -> None:
        """Queues on *out* the responses for the messages of *uids* that
        still exist, in batches. When rendering one fails (an
        :exc:`~pymap.exceptions.IMAPError`), the responses before it are
        queued before the error goes on."""
        try:
            await self._send(mailbox, uids, out)
        except IMAPError as exc:
            if rest := self.take():
                await out.queue(rest)
            raise exc  # not a bare raise (see Connection.run)
        if rest := self.take():
            await out.queue(rest)

    async def _send(self, mailbox: Mailbox, uids: Sequence[int],
                    out: Untagged) -> None:
        add = self._add
        needs = self._plan.needs
        if needs is Needs.VIEW:
            present = (await mailbox.snapshot()).flags
            nothing = Loaded()
            for uid in uids:
                if uid in present and (full := add(uid, nothing)):
                    await out.queue(full)
        elif needs is Needs.META:
            async for meta in mailbox.load(uids, False):
                if isinstance(meta, MessageMeta) \
                        and (full := add(meta.uid, Loaded(meta))):
                    await out.queue(full)
        elif needs is Needs.SUMMARY:
            async for meta, summary in load_summaries(mailbox, uids):
                if full := add(meta.uid, Loaded(meta, summary)):
                    await out.queue(full)
        else:
            apart = self._plan.reads_structure
            async for message in mailbox.load(uids, True):
                if not isinstance(message, StoredMessage):
                    continue
                uid = message.meta.uid
                loaded = Loaded(message.meta, content=message.content)
                if apart and is_costly(message.content):
                    ready = await self._add_content_apart(uid, loaded)
                else:
                    ready = self._add_content(uid, loaded)
                for chunk in ready:
                    await out.queue(chunk)

    def take(self) -> bytes:
        """The responses rendered and not yet taken."""
        batch, self._batch, self._size = self._batch, [], 0
        return b''.join(batch)

    def _add(self, uid: int, loaded: Loaded) -> bytes:
        """Renders a message; a full batch when it completes one."""
        view = self._view
        self.count += 1
        return self._batched(self._plan.render(
            view.seq_of(uid), uid, view.flags_of(uid), loaded))

    def _add_content(self, uid: int, loaded: Loaded) -> list[bytes]:
        """Renders a message with its octets: what is ready to send."""
        view = self._view
        return self._ready(self._plan.render_pieces(
            view.seq_of(uid), uid, view.flags_of(uid), loaded))

    async def _add_content_apart(self, uid: int,
                                 loaded: Loaded) -> list[bytes]:
        """:meth:`_add_content` for a costly message, rendered in a
        worker thread (see :mod:`~pymap.backend.large`)."""
        view = self._view
        return self._ready(await run_blocking(
            self._plan.render_pieces, view.seq_of(uid), uid,
            view.flags_of(uid), loaded))

    def _ready(self, pieces: list[bytes]) -> list[bytes]:
        """The rendered *pieces* of a message: what is ready to send."""
        self.count += 1
        if max(map(len, pieces)) < APART_BYTES:
            full = self._batched(b''.join(pieces))
            return [full] if full else []
        ready = [self.take()] if self._batch else []
        return ready + _apart(pieces)

    def _batched(self, response: bytes) -> bytes:
        self._batch.append(response)
        self._size += len(response)
        if self._size >= BATCH_BYTES:
            return self.take()
        return b''


def _apart(pieces: list[bytes]) -> list[bytes]:
    """*pieces* with each run of small ones joined, and the large ones
    (message octets) left as they are."""
    chunks: list[bytes] = []
    small: list[bytes] = []
    for piece in pieces:
        if len(piece) < APART_BYTES:
            small.append(piece)
            continue
        if small:
            chunks.append(b''.join(small))
            small = []
        chunks.append(piece)
    if small:
        chunks.append(b''.join(small))
    return chunks

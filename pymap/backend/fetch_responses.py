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

When the items need only body parts of the messages (``BODY[2]``,
``BINARY[1]``) and the backend can read a message in pieces
(:class:`~pymap.interfaces.storage.RangeLoader`), a message of
:data:`~pymap.backend.large.LARGE_BYTES` or more is not loaded whole: its
summary's layout (:mod:`pymap.mime.layout`) says where the parts lie, and
only those octets are read. Opening a message with a large attachment then
reads its text part alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymap.exceptions import IMAPError
from pymap.executor import run_blocking
from pymap.interfaces.session import Untagged
from pymap.interfaces.storage import (
    Mailbox,
    MessageMeta,
    RangeLoader,
    StoredMessage,
)
from pymap.mime import MessageSummary
from pymap.mime.layout import MessageWindow, read_layout
from pymap.selected import SelectedView

from .fetch import FetchPlan, Loaded, Needs
from .large import LARGE_BYTES, LARGE_HEADER_BYTES, is_costly
from .summaries import load_summaries

__all__ = ['APART_BYTES', 'BATCH_BYTES', 'FetchResponses']

#: Untagged responses are sent once they reach about this size.
BATCH_BYTES = 64 * 1024
#: Message octets this long or longer are not copied into a batch: one
#: more piece of a send costs less than the copy (a page of memory).
APART_BYTES = 4096
#: In a FETCH of body parts, messages loaded whole go this many at a time.
_WHOLE_BATCH = 1000


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
        elif self._plan.reads_parts and isinstance(mailbox, RangeLoader):
            await self._send_parts(mailbox, uids, out)
        else:
            await self._send_whole(mailbox, uids, out)

    async def _send_whole(self, mailbox: Mailbox, uids: Sequence[int],
                          out: Untagged) -> None:
        """The responses of messages loaded whole."""
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

    async def _send_parts(self, mailbox: Mailbox, uids: Sequence[int],
                          out: Untagged) -> None:
        """The responses of a plan of body parts: a large message's from
        the octets of its parts; the others', in order between them, from
        the messages loaded whole, as many at a time as the backend
        loads."""
        small: list[int] = []
        async for meta in mailbox.load(uids, False):
            if not isinstance(meta, MessageMeta):
                continue
            if meta.size < LARGE_BYTES:
                small.append(meta.uid)
                if len(small) < _WHOLE_BATCH:
                    continue
            if small:
                await self._send_whole(mailbox, small, out)
                small = []
            if meta.size >= LARGE_BYTES \
                    and not await self._send_window(mailbox, meta.uid, out):
                await self._send_whole(mailbox, [meta.uid], out)
        if small:
            await self._send_whole(mailbox, small, out)

    async def _send_window(self, mailbox: Mailbox, uid: int,
                           out: Untagged) -> bool:
        """The response of one message from the octets of the parts the
        plan names; False when they cannot be read apart (no sound
        layout, or the backend's ``load_range`` answers None)."""
        assert isinstance(mailbox, RangeLoader)
        async for meta, summary in load_summaries(mailbox, [uid]):
            window = await _window(mailbox, uid, summary, self._plan)
            if window is None:
                return False
            loaded = Loaded(meta, summary, window=window)
            # The octets may hold part headers to parse: as costly as a
            # message's own header of that size (see .large).
            if len(window) >= LARGE_HEADER_BYTES:
                ready = await self._add_content_apart(uid, loaded)
            else:
                ready = self._add_content(uid, loaded)
            for chunk in ready:
                await out.queue(chunk)
        return True

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


async def _window(mailbox: RangeLoader, uid: int, summary: MessageSummary,
                  plan: FetchPlan) -> MessageWindow | None:
    """A window on the octets of the message that the *plan*'s items
    read, where its summary's layout says they lie; None when the layout
    is not known (or not sound) or the backend cannot read the octets
    apart."""
    try:
        layout = read_layout(summary.layout, summary.size)
    except ValueError:
        return None
    span = plan.covering(layout)
    if span is None:  # none of the parts exists
        return MessageWindow(layout, 0, b'')
    octets = await mailbox.load_range(uid, *span)
    if octets is None or len(octets) != span[1] - span[0]:
        return None
    return MessageWindow(layout, span[0], octets)


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

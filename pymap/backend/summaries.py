"""Loading message summaries (RFC 3501 §6.4.4 SEARCH and the FETCH items
of §6.4.5 that need no body octets): from any backend, and through a
:class:`~pymap.backend.summarycache.SummaryCache` for backends that offer
the :class:`~pymap.interfaces.storage.SummaryLoader` capability."""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Mapping,
    Sequence,
)
from typing import TypeVar

from pymap.interfaces.storage import (
    Mailbox,
    MessageMeta,
    StoredMessage,
    SummaryLoader,
)
from pymap.mime import MessageSummary

from .large import summary_of
from .summarycache import SummaryCache

__all__ = ['MISSES_BYTES', 'cached_summaries', 'load_metas',
           'load_summaries']

#: Missing summaries are made in groups of messages of about this size.
MISSES_BYTES = 1 << 20

_K = TypeVar('_K', bound=Hashable)

#: Finds or makes the summaries of messages, by key; a message that is
#: gone is left out.
Resolver = Callable[[list[tuple[MessageMeta, _K]]],
                    Awaitable[Mapping[_K, MessageSummary]]]


def load_summaries(mailbox: Mailbox, uids: Sequence[int]
                   ) -> AsyncIterator[tuple[MessageMeta, MessageSummary]]:
    """Yields each existing message in *uids* in order with its summary:
    from the mailbox's :class:`~pymap.interfaces.storage.SummaryLoader`
    capability if it has one, else by loading and summarising the
    content (off the event loop when it is costly, see
    :mod:`~pymap.backend.large`)."""
    if isinstance(mailbox, SummaryLoader):
        return mailbox.load_summaries(uids)
    return _summarized(mailbox, uids)


async def load_metas(mailbox: Mailbox, uids: Sequence[int]
                     ) -> AsyncIterator[tuple[MessageMeta, None]]:
    """Yields each existing message in *uids* in order with its meta data
    alone, for what needs no summary (SEARCH by date or size)."""
    async for message in mailbox.load(uids, False):
        if isinstance(message, MessageMeta):
            yield message, None


async def _summarized(mailbox: Mailbox, uids: Sequence[int]
                      ) -> AsyncIterator[tuple[MessageMeta, MessageSummary]]:
    async for message in mailbox.load(uids, True):
        if isinstance(message, StoredMessage):
            yield message.meta, await summary_of(message.content)


async def cached_summaries(
        located: AsyncIterable[Sequence[tuple[MessageMeta, _K]]],
        cache: SummaryCache[_K], resolve: Resolver[_K],
        ) -> AsyncIterator[tuple[MessageMeta, MessageSummary]]:
    """Yields the messages *located* (in batches of meta data and cache
    key) in order with their summaries: from *cache*, else from
    *resolve*, called with groups of the missing ones of about
    :data:`MISSES_BYTES`; what it returns is cached, what it leaves out is
    skipped."""
    get = cache.get
    async for batch in located:
        pending: list[tuple[MessageMeta, _K, MessageSummary | None]] = []
        missing = 0
        for meta, key in batch:
            summary = get(key)
            if summary is not None and not pending:
                yield meta, summary
                continue
            pending.append((meta, key, summary))
            if summary is None:
                missing += meta.size
            if missing >= MISSES_BYTES:
                for item in await _resolved(pending, cache, resolve):
                    yield item
                pending, missing = [], 0
        for item in await _resolved(pending, cache, resolve):
            yield item


async def _resolved(pending: list[tuple[MessageMeta, _K,
                                        MessageSummary | None]],
                    cache: SummaryCache[_K], resolve: Resolver[_K]
                    ) -> list[tuple[MessageMeta, MessageSummary]]:
    wanted = [(meta, key) for meta, key, summary in pending
              if summary is None]
    made = await resolve(wanted) if wanted else {}
    for key, summary in made.items():
        cache.put(key, summary)
    return [(meta, summary or made[key]) for meta, key, summary in pending
            if summary is not None or key in made]

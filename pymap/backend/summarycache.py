"""A least-recently-used cache of message summaries, bounded in bytes.

Backends keep the :class:`~pymap.mime.summary.MessageSummary` of messages
whose content cannot change under their key (a maildir file, a content
digest), so SEARCH and most FETCH commands need not read and parse the
messages again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from pymap.mime import MessageSummary

__all__ = ['DEFAULT_MAX_BYTES', 'SummaryCache']

#: The default budget: the summaries of tens of thousands of messages.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_K = TypeVar('_K', bound=Hashable)


class SummaryCache(Generic[_K]):
    """At most about *max_bytes* of summaries (by their
    :attr:`~pymap.mime.summary.MessageSummary.footprint`)."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[_K, MessageSummary] = OrderedDict()
        self._bytes = 0

    @property
    def size(self) -> int:
        """The bytes held."""
        return self._bytes

    def get(self, key: _K) -> MessageSummary | None:
        """The cached summary, now the most recently used."""
        summary = self._entries.get(key)
        if summary is not None:
            self._entries.move_to_end(key)
        return summary

    def put(self, key: _K, summary: MessageSummary) -> None:
        """Caches a summary, evicting the least recently used beyond the
        budget; one larger than the whole budget is not kept."""
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.footprint
        footprint = summary.footprint
        if footprint > self.max_bytes:
            return
        self._entries[key] = summary
        self._bytes += footprint
        while self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.footprint

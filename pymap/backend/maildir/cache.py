"""A small LRU cache of parsed messages, shared by a backend's mailboxes.

Message files never change content in a maildir (only their names do), so
an entry keyed by maildir and base name stays valid until evicted.
"""

from __future__ import annotations

from collections import OrderedDict

from pymap.backend.summarycache import SummaryCache
from pymap.mime import MessageContent

from .changefeed import ChangeFeed

__all__ = ['CacheKey', 'ContentCache']

#: A message's maildir path and base name.
CacheKey = tuple[str, str]


class ContentCache:
    """At most *max_entries* messages and *max_bytes* raw octets.

    Attributes:
        summaries: The message summaries the backend's mailboxes share,
            by maildir and base name (see :mod:`.summaries`).
        changes: What the kernel reports of changes to the backend's
            folders (see :mod:`.changefeed`).
    """

    def __init__(self, max_entries: int = 128,
                 max_bytes: int = 32 * 1024 * 1024,
                 changes: ChangeFeed | None = None) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, MessageContent] = OrderedDict()
        self._bytes = 0
        self.summaries: SummaryCache[tuple[str, str]] = SummaryCache()
        self.changes = changes or ChangeFeed()

    def get(self, key: CacheKey) -> MessageContent | None:
        """The cached message, now the most recently used."""
        content = self._entries.get(key)
        if content is not None:
            self._entries.move_to_end(key)
        return content

    def put(self, key: CacheKey, content: MessageContent) -> None:
        """Caches a message unless it alone exceeds the byte budget."""
        if len(content.raw) > self.max_bytes or key in self._entries:
            return
        self._entries[key] = content
        self._bytes += len(content.raw)
        while len(self._entries) > self.max_entries \
                or self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= len(evicted.raw)

"""The message summaries of one maildir, for the
:class:`~pymap.interfaces.storage.SummaryLoader` capability.

A summary comes from the backend's memory cache, else from the maildir's
:class:`~.summaryfile.SummaryFile`, else from parsing the message, and is
then kept in both. Message files never change content (only their names
do), so a summary stays valid for its file's base name. A message is
summarised when a command first asks for its summary, not when it is
appended, as Dovecot fills its cache file: an APPEND only writes and
commits its files, and a message no client asks about costs no parse.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import ParamSpec, Protocol, TypeVar

from pymap.backend.summaries import cached_summaries
from pymap.backend.summarycache import SummaryCache
from pymap.interfaces.storage import MessageMeta
from pymap.mime import MessageContent, MessageSummary

from .folder import MaildirFolder
from .summaryfile import SummaryFile, encode_summary

__all__ = ['FolderSummaries', 'SummaryKey']

#: Messages located per executor call (locating takes well under a
#: microsecond a message when nothing changed).
_CHUNK = 8192

_P = ParamSpec('_P')
_T = TypeVar('_T')

#: The maildir and the base name of a message file.
SummaryKey = tuple[str, str]


class Runner(Protocol):
    """Runs blocking folder code in the executor, under the mailbox's
    lock."""

    def __call__(self, fn: Callable[_P, _T], *args: _P.args,
                 **kwargs: _P.kwargs) -> Awaitable[_T]:
        ...


class FolderSummaries:
    """The summaries of the messages of *folder*, cached in *cache*."""

    def __init__(self, folder: MaildirFolder,
                 cache: SummaryCache[SummaryKey]) -> None:
        self._folder = folder
        self._cache = cache
        self._file = SummaryFile(lambda: folder.path)

    def load(self, uids: Sequence[int], run: Runner
             ) -> AsyncIterator[tuple[MessageMeta, MessageSummary]]:
        """Yields the existing messages among *uids* in order, with their
        summaries; *run* runs folder code (that refreshes the index)."""
        async def resolve(wanted: list[tuple[MessageMeta, SummaryKey]]
                          ) -> dict[SummaryKey, MessageSummary]:
            made = await run(self._summarize,
                             [(meta, base) for meta, (_, base) in wanted])
            return {key: made[key[1]] for _, key in wanted
                    if key[1] in made}
        return cached_summaries(self._located(uids, run), self._cache,
                                resolve)

    async def _located(self, uids: Sequence[int], run: Runner
                       ) -> AsyncIterator[list[tuple[MessageMeta,
                                                     SummaryKey]]]:
        """The meta data and cache keys of the existing messages among
        *uids*, a batch per executor call."""
        for start in range(0, len(uids), _CHUNK):
            yield await run(_locate, self._folder,
                            uids[start:start + _CHUNK])

    def _summarize(self, wanted: list[tuple[MessageMeta, str]]
                   ) -> dict[str, MessageSummary]:
        """Blocking: the summaries of *wanted* from the file, or made from
        the messages (and stored)."""
        stored = self._file.read(base for _, base in wanted)
        found: dict[str, MessageSummary] = {}
        new: list[tuple[str, bytes]] = []
        for meta, base in wanted:
            summary = stored.get(base)
            if summary is None or summary.size != meta.size:
                loaded = self._folder.read(meta.uid)
                record = self._folder.records.get(meta.uid)
                if loaded is None or record is None or record.base != base:
                    continue  # gone, or UIDs given anew meanwhile
                summary = MessageContent.parse(loaded[1]).summary
                if summary.size == meta.size:
                    new.append((base, encode_summary(summary)))
            found[base] = summary
        self._file.append(new, self._live)
        return found

    def _live(self) -> set[str]:
        return {record.base for record in self._folder.records.values()}


def _locate(folder: MaildirFolder, uids: Sequence[int]
            ) -> list[tuple[MessageMeta, SummaryKey]]:
    """Blocking: the meta data and cache keys of the existing messages
    among *uids*, the index refreshed first."""
    metas = folder.metas(uids)
    records = folder.records
    maildir = os.fspath(folder.path)
    return [(meta, (maildir, records[meta.uid].base)) for meta in metas]

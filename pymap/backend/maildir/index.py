"""The in-memory index of one maildir: UIDs, flags, file names and sizes,
kept up to date incrementally.

:class:`FolderIndex` is blocking code: its methods run in the executor,
one at a time per folder (the async :class:`~.mailbox.MaildirMailbox`
holds a lock around them); :class:`~.folder.MaildirFolder` adds the
changes. Every operation first compares a cheap :class:`~.scan.Probe`
with the last one; on a difference ``new/`` is listed (it is small), and
``cur/`` only when its own modification time changed. After its own
changes the folder takes a new probe (of the directories alone when it
changed only their entries); because another process could have
changed a directory in the same instant, a folder changed by this process
is listed once more when it has been quiet for :data:`VERIFY_AFTER`
seconds (Dovecot's maildir sync has the same caution).

Files that the uidlist lacks (mail delivered into ``new/`` by an MTA, or
files of a maildir new to Dovecot and pymap) get the next UIDs under the
``dovecot-uidlist`` dot-lock, in file name order, and delivered files
move from ``new/`` to ``cur/``, as Dovecot does.

An index is bound to the folder it first read: its UIDVALIDITY. A folder
deleted and created again under the same name (by another session or
process, or by Dovecot), or whose uidlist was lost and given a new
UIDVALIDITY, is another mailbox, whose UIDs name other messages: the index
then is :attr:`~FolderIndex.gone`, and every operation raises
:exc:`~pymap.exceptions.MailboxNotFound` without touching the new folder's
messages. The uidlist is read again whenever its signature in the probe
changes, and its header carries the UIDVALIDITY, so this costs nothing
more.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pymap.exceptions import MailboxNotFound
from pymap.interfaces.storage import FlagSet, MailboxSnapshot, MessageMeta
from pymap.mime.lines import crlf_length, crlf_range

from ..flagtable import FlagTable
from .changefeed import FolderFeed
from .filenames import (
    FlagLetters,
    base_sizes,
    filename,
    renamed_base,
    split_filename,
)
from .keywords import read_keywords
from .lock import DotLock
from .scan import Listing, Probe, clean_tmp, list_files, take_probe
from .uidlist import (
    UIDLIST_FILE,
    UidList,
    append_records,
    read_uidlist,
    write_uidlist,
)
from .uidvalidity import next_uid_validity

__all__ = ['VERIFY_AFTER', 'FolderIndex', 'Record']

#: Quiet seconds after an own change before the folder is listed again.
VERIFY_AFTER = 1.0

_log = logging.getLogger(__name__)

_T = TypeVar('_T')


@dataclass(slots=True)
class Record:
    """One message file of the index."""

    uid: int
    base: str
    subdir: str
    file: str
    letters: str
    flags: FlagSet
    meta: MessageMeta | None = None


class FolderIndex:
    """The index of the maildir at *path*, kept in step with the disk;
    *root* is the user's mail root (for UIDVALIDITY)."""

    def __init__(self, path: Path, root: Path, fsync: bool) -> None:
        self.path = path
        self.root = root
        self.fsync = fsync
        self.uid_validity = 0
        self.next_uid = 1
        self.modseq = 0
        self.recent_uid: int | None = None
        self.records: dict[int, Record] = {}
        self._flags = FlagTable()
        self._uidlist: UidList | None = None
        self._probe: Probe | None = None
        self._touched: float | None = None
        self._keywords: dict[str, bytes] = {}
        self._flag_sets: dict[str, FlagSet] = {}
        #: What the kernel reports of the folder's changes, if anything.
        self.feed: FolderFeed | None = None
        #: The feed's count when the last probe that completed began:
        #: while it has not moved, the index is the folder as it is.
        self.probed_at: int | None = None
        #: The events the kernel queued for this process's own changes
        #: since the feed's count was :attr:`probed_at`, while that number
        #: is known exactly (see :meth:`absorb_own_events`); else ``None``.
        self.own_events: int | None = None
        #: Set by the caller for one call of folder code when the feed
        #: vouches that nothing changed since :attr:`probed_at`: its
        #: :meth:`refresh` then skips the probe.
        self.vouched = False
        self._skipped_probe = False
        self._dotlock: DotLock | None = None
        #: Whether the folder this index was bound to (its UIDVALIDITY) is
        #: gone, replaced by another under the same path: every operation
        #: then raises :exc:`MailboxNotFound` (see the module's docstring).
        self.gone = False

    @property
    def path(self) -> Path:
        """The maildir (moved by a RENAME)."""
        return self._path

    @path.setter
    def path(self, path: Path) -> None:
        self._path = path
        #: The maildir as a string, for the paths built on every command.
        self.maildir = os.fspath(path)

    @property
    def tmp(self) -> Path:
        """Where new message files are written."""
        return self.path / 'tmp'

    # -- synchronisation with the disk ---------------------------------------

    def watch(self, feed: FolderFeed | None) -> None:
        """Counts the probes against *feed* from now on (see
        :attr:`probed_at`)."""
        self.feed, self.probed_at = feed, None

    def _probe_begins(self) -> int | None:
        """Starts a probe: :attr:`probed_at` is unset until the probe and
        the sync it calls for are done, and then set to the feed's count
        returned here (a probe that fails leaves it unset). Not a context
        manager: a probe runs before nearly every command."""
        if self.gone:
            raise MailboxNotFound()
        feed = self.feed
        self.probed_at = None
        self.own_events = 0
        self._skipped_probe = False
        return None if feed is None else feed.count

    def absorb_own_events(self) -> None:
        """Call with the feed just drained, after this process changed
        the folder: if the feed moved by exactly the events of those
        changes since :attr:`probed_at`, no one else changed the folder
        meanwhile, and the index, which made the changes, still vouches
        for it. Any other count leaves the next command to probe (the
        count never comes back)."""
        feed, own, probed_at = self.feed, self.own_events, self.probed_at
        if own == 0:
            return
        if own is not None and feed is not None and probed_at is not None \
                and not feed.lost and feed.count == probed_at + own:
            self.probed_at, self.own_events = feed.count, 0
            return
        self.own_events = None
        if self._skipped_probe:
            # The probe after the change may have taken in another's
            # change made since the skipped one: the next probe lists all.
            self._probe = None
            self._skipped_probe = False

    def refresh(self) -> None:
        """Brings the index up to date if the maildir changed (unless
        the caller :attr:`vouched` for it)."""
        if self.vouched:
            self.vouched = False
            self._skipped_probe = True
            return
        count = self._probe_begins()
        probe = take_probe(self.maildir)
        if probe != self._probe or self.verify_due():
            self._sync(probe, locked=False)
        self.probed_at = count

    def _resync(self) -> None:
        """Syncs after a file was found renamed or removed behind the
        index, probe unchanged or not."""
        count = self._probe_begins()
        self._sync(take_probe(self.maildir), locked=False)
        self.probed_at = count

    def _fresh_read(self, read: Callable[[], _T]) -> _T | None:
        """Refreshes the index, then calls *read*, once more after a sync
        if a file was renamed or removed since the probe; ``None`` if a
        file is still missing."""
        self.refresh()
        try:
            return read()
        except FileNotFoundError:
            self._resync()
        try:
            return read()
        except FileNotFoundError:
            return None

    def verify_due(self) -> bool:
        """Whether the folder, changed by this process, has been quiet
        for :data:`VERIFY_AFTER` and must be listed once more (see the
        module's docstring)."""
        return self._touched is not None \
            and time.monotonic() - self._touched >= VERIFY_AFTER

    def _lock(self) -> DotLock:
        """The uidlist's dot-lock: one kept for the maildir, so that taking
        it creates no file (see :mod:`.lock`)."""
        target = self.path / UIDLIST_FILE
        lock = self._dotlock
        if lock is None or lock.target != target:
            lock = self._dotlock = DotLock(target)
        return lock

    def _refresh_locked(self) -> None:
        count = self._probe_begins()
        probe = take_probe(self.maildir)
        if probe != self._probe or self.verify_due() \
                or self._uidlist is None:
            self._sync(probe, locked=True)
        self.probed_at = count

    def _sync(self, probe: Probe, locked: bool) -> None:
        keywords_changed = self._load_keywords()
        uidlist = self._uidlist
        if uidlist is None or self._probe is None \
                or probe.uidlist != self._probe.uidlist:
            uidlist = read_uidlist(self.path)
            self._check_bound(uidlist)
        listing = self._listing(probe, uidlist)
        if not locked and _needs_lock(uidlist, listing):
            with self._lock():
                self._sync(take_probe(self.maildir), locked=True)
            return
        first = self.recent_uid is None
        if first:
            clean_tmp(self.path)
        delivered = {base for base, (subdir, _) in listing.files.items()
                     if subdir == 'new'}
        changed = False
        try:
            if locked:
                uidlist, changed = self._assign(uidlist, listing)
                changed |= self._move_new(listing)
        except BaseException:
            self._uidlist = self._probe = None
            raise
        assert uidlist is not None
        self._install(uidlist, listing, keywords_changed)
        if first:
            recent = [uidlist.records[base][0] for base in delivered
                      if base in uidlist.records]
            self.recent_uid = min(recent) - 1 if recent \
                else self.next_uid - 1
        if changed:
            self._probe = take_probe(self.maildir)
            self._touched = time.monotonic()
            self.own_events = None
        else:
            self._probe, self._touched = probe, None

    def _check_bound(self, uidlist: UidList | None) -> None:
        """Raises :exc:`MailboxNotFound`, and marks the index
        :attr:`gone`, when *uidlist*, just read, is not the one of the
        folder the index is bound to: missing, or of another
        UIDVALIDITY. An index that has read no uidlist yet is bound by the
        first one it installs."""
        if self.uid_validity and (
                uidlist is None or uidlist.uid_validity != self.uid_validity):
            self.gone = True
            self._uidlist = self._probe = None
            self.probed_at = None
            raise MailboxNotFound()

    def _listing(self, probe: Probe, uidlist: UidList | None) -> Listing:
        """The message files: ``new/`` is always listed (it is small),
        ``cur/`` only when it changed or is unverified; otherwise its part
        comes from the index."""
        if self._probe is None or probe.cur != self._probe.cur \
                or self.verify_due() or uidlist is None \
                or uidlist.uid_validity != self.uid_validity:
            return list_files(self.maildir)
        known = Listing({record.base: (record.subdir, record.file)
                         for record in self.records.values()
                         if record.subdir == 'cur'}, [])
        return list_files(self.maildir, ('new',), known)

    def _load_keywords(self) -> bool:
        keywords = read_keywords(self.path)
        if keywords == self._keywords:
            return False
        self._keywords, self._flag_sets = keywords, {}
        return True

    def _assign(self, uidlist: UidList | None,
                listing: Listing) -> tuple[UidList, bool]:
        """Gives UIDs to the files the uidlist lacks (lock held)."""
        created = uidlist is None
        if uidlist is None:
            if (self.path / UIDLIST_FILE).exists():
                _log.warning('%s: unreadable %s, new UIDVALIDITY',
                             self.path, UIDLIST_FILE)
            uidlist = UidList(next_uid_validity(self.root, self.fsync))
        for subdir, name in listing.duplicates:
            self._rename_duplicate(listing, subdir, name)
        added = []
        order = sorted(listing.files, key=lambda base: (
            listing.files[base][0] == 'new', base))
        for base in order:
            if base not in uidlist.records:
                added.append((uidlist.next_uid, base))
                uidlist.add(base, uidlist.next_uid)
        if created or not uidlist.complete:
            write_uidlist(self.path, uidlist, listing.files, self.fsync)
        elif added:
            append_records(self.path, added, self.fsync)
        return uidlist, bool(created or added or listing.duplicates)

    def _rename_duplicate(self, listing: Listing, subdir: str,
                          name: str) -> None:
        base, letters = split_filename(name)
        fresh = renamed_base(time.time(), base)
        target = filename(fresh, letters) if subdir == 'cur' else fresh
        try:
            os.rename(self.path / subdir / name, self.path / subdir / target)
        except FileNotFoundError:
            return
        listing.files[fresh] = (subdir, target)

    def _move_new(self, listing: Listing) -> bool:
        """Moves delivered files from ``new/`` to ``cur/``."""
        moved = False
        for base, (subdir, name) in list(listing.files.items()):
            if subdir != 'new':
                continue
            target = filename(base, split_filename(name)[1])
            try:
                os.rename(self.path / 'new' / name,
                          self.path / 'cur' / target)
            except FileNotFoundError:
                continue
            listing.files[base] = ('cur', target)
            moved = True
        return moved

    def _install(self, uidlist: UidList, listing: Listing,
                 keywords_changed: bool) -> None:
        """Replaces the records with the listed files, reusing unchanged
        ones (and their cached sizes and dates)."""
        old = self.records if uidlist.uid_validity == self.uid_validity \
            else {}
        changed = uidlist.next_uid != self.next_uid or not old
        records: dict[int, Record] = {}
        touched: list[int] = []
        for base, (subdir, name) in listing.files.items():
            entry = uidlist.records.get(base)
            if entry is None:
                continue
            record = old.get(entry[0])
            if record is not None and record.base == base \
                    and record.file == name and not keywords_changed:
                records[record.uid] = record
                continue
            letters = split_filename(name)[1]
            records[entry[0]] = Record(
                entry[0], base, subdir, name, letters,
                self._flags_of(letters),
                record.meta if record is not None and record.base == base
                else None)
            touched.append(entry[0])
            changed = True
        if changed or len(records) != len(old):
            self.records = dict(sorted(records.items()))
            self.modseq += 1
            touched.extend(old.keys() - records.keys())
            self._flags.replace(
                {uid: record.flags for uid, record in self.records.items()},
                self.modseq, touched if old else None)
        self._uidlist = uidlist
        self.uid_validity = uidlist.uid_validity
        self.next_uid = uidlist.next_uid

    def _flags_of(self, letters: str) -> FlagSet:
        flags = self._flag_sets.get(letters)
        if flags is None:
            flags = FlagLetters(self._keywords).flags(letters)
            self._flag_sets[letters] = flags
        return flags

    def _own_change(self, entries_only: bool = False,
                    events: int | None = None) -> None:
        """Logs a change this process made, and probes the folder again so
        that the next probe does not take the change for another's. With
        *entries_only* the change touched only entries of ``new/`` and
        ``cur/``: the uidlist and the keywords keep the signatures of the
        last probe, so that a change another process made to them since is
        still seen. *events* is how many events the kernel queued for the
        change, if known (see :attr:`own_events`)."""
        if events is None or self.own_events is None:
            self.own_events = None
        else:
            self.own_events += events
        self.modseq += 1
        self._flags.commit(self.modseq)
        self._probe = take_probe(self.maildir,
                                 self._probe if entries_only else None)
        self._touched = time.monotonic()

    # -- snapshots and loading ----------------------------------------------

    def snapshot(self) -> MailboxSnapshot:
        """The current state (the index must be fresh), with the log of
        the changes before it. The UIDs and flags are shared with the
        index's :class:`~pymap.backend.flagtable.FlagTable`, so a snapshot
        of a large mailbox costs little."""
        uids, flags = self._flags.shared()
        return MailboxSnapshot(
            self.uid_validity, self.next_uid, self.modseq, uids, flags,
            self.recent_uid or 0, self._flags.changes)

    def _put(self, record: Record) -> None:
        """Adds or updates a record (UIDs are added in ascending order);
        logged at the next :meth:`_own_change`."""
        self.records[record.uid] = record
        self._flags.put(record.uid, record.flags)

    def _drop(self, uid: int) -> None:
        del self.records[uid]
        self._flags.drop(uid)

    def metas(self, uids: Sequence[int]) -> list[MessageMeta]:
        """Refreshes the index, then returns the sizes and dates of the
        indexed messages among *uids*, in order."""
        return self._fresh_read(lambda: [
            self._meta(record) for uid in uids
            if (record := self.records.get(uid)) is not None]) or []

    def read(self, uid: int) -> tuple[MessageMeta, bytes] | None:
        """Refreshes the index, then returns the meta data and raw content
        of a message; ``None`` when it is not indexed (or was removed by
        another process meanwhile)."""
        return self._fresh_read(lambda: self._read(uid))

    def _read(self, uid: int) -> tuple[MessageMeta, bytes] | None:
        record = self.records.get(uid)
        if record is None:
            return None
        with open(self.file_of(record), 'rb') as file:
            data = file.read()
        return self._meta(record, data), data

    def read_range(self, uid: int, start: int, end: int) -> bytes | None:
        """Refreshes the index, then returns the octets *start* to *end*
        of a message in CRLF form; ``None`` when it is not indexed, or
        when its file is longer than its RFC822.SIZE (not the file the
        size was taken from)."""
        return self._fresh_read(lambda: self._read_range(uid, start, end))

    def _read_range(self, uid: int, start: int, end: int) -> bytes | None:
        """A file as long as the RFC822.SIZE holds the CRLF form, and the
        octets are read where they lie; a shorter one has lines that end
        in a bare LF (as delivery agents write them), and is read from its
        start up to *end* (see :func:`~pymap.mime.lines.crlf_range`)."""
        record = self.records.get(uid)
        if record is None:
            return None
        with open(self.file_of(record), 'rb') as file:
            size = os.fstat(file.fileno()).st_size
            crlf_size = self._meta(record).size
            if size == crlf_size:
                return os.pread(file.fileno(), max(0, end - start), start)
            if size > crlf_size:
                return None
            return crlf_range(os.pread(file.fileno(), end, 0), start, end)

    def file_of(self, record: Record) -> str:
        """The path of the message file of *record*."""
        return f'{self.maildir}/{record.subdir}/{record.file}'

    def _meta(self, record: Record, data: bytes | None = None
              ) -> MessageMeta:
        if record.meta is None:
            path = self.file_of(record)
            mtime = os.stat(path).st_mtime
            vsize = base_sizes(record.base)[1]
            if vsize is None:
                if data is None:
                    with open(path, 'rb') as file:
                        data = file.read()
                vsize = crlf_length(data)
            record.meta = MessageMeta(
                record.uid, datetime.fromtimestamp(int(mtime), UTC), vsize)
        return record.meta

def _needs_lock(uidlist: UidList | None, listing: Listing) -> bool:
    """Whether syncing changes the uidlist or moves files."""
    if uidlist is None or not uidlist.complete or listing.duplicates:
        return True
    records = uidlist.records
    return any(subdir == 'new' or base not in records
               for base, (subdir, _) in listing.files.items())


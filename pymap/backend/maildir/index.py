"""The in-memory index of one maildir: UIDs, flags, file names and sizes,
kept up to date incrementally.

:class:`FolderIndex` is blocking code: its methods run in the executor,
one at a time per folder (the async :class:`~.mailbox.MaildirMailbox`
holds a lock around them); :class:`~.folder.MaildirFolder` adds the
changes. Every operation first compares a cheap :class:`~.scan.Probe`
with the last one; on a difference ``new/`` is listed (it is small), and
``cur/`` only when its own modification time changed. After its own
changes the folder takes a new probe; because another process could have
changed a directory in the same instant, a folder changed by this process
is listed once more when it has been quiet for :data:`VERIFY_AFTER`
seconds (Dovecot's maildir sync has the same caution).

Files that the uidlist lacks (mail delivered into ``new/`` by an MTA, or
files of a maildir new to Dovecot and pymap) get the next UIDs under the
``dovecot-uidlist`` dot-lock, in file name order, and delivered files
move from ``new/`` to ``cur/``, as Dovecot does.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pymap.interfaces.storage import FlagSet, MailboxSnapshot, MessageMeta

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

__all__ = ['VERIFY_AFTER', 'FileMoved', 'FolderIndex', 'Record',
           'crlf_size']

#: Quiet seconds after an own change before the folder is listed again.
VERIFY_AFTER = 1.0

_log = logging.getLogger(__name__)


def crlf_size(data: bytes) -> int:
    """RFC822.SIZE: the size with every bare LF counted as CRLF."""
    return len(data) + data.count(b'\n') - data.count(b'\r\n')


class FileMoved(Exception):
    """A message file is not where the index says (another process
    renamed or removed it): refresh and try again."""


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
        self._flags: dict[int, FlagSet] = {}
        self._flags_shared = False
        self._uidlist: UidList | None = None
        self._probe: Probe | None = None
        self._touched: float | None = None
        self._keywords: dict[str, bytes] = {}
        self._flag_sets: dict[str, FlagSet] = {}

    @property
    def tmp(self) -> Path:
        """Where new message files are written."""
        return self.path / 'tmp'

    # -- synchronisation with the disk ---------------------------------------

    def refresh(self) -> None:
        """Brings the index up to date if the maildir changed."""
        probe = take_probe(self.path)
        if probe != self._probe or self._due():
            self._sync(probe, locked=False)

    def _due(self) -> bool:
        return self._touched is not None \
            and time.monotonic() - self._touched >= VERIFY_AFTER

    def _lock(self) -> DotLock:
        return DotLock(self.path / UIDLIST_FILE)

    def _refresh_locked(self) -> None:
        probe = take_probe(self.path)
        if probe != self._probe or self._due() or self._uidlist is None:
            self._sync(probe, locked=True)

    def _sync(self, probe: Probe, locked: bool) -> None:
        keywords_changed = self._load_keywords()
        uidlist = self._uidlist
        if uidlist is None or self._probe is None \
                or probe.uidlist != self._probe.uidlist:
            uidlist = read_uidlist(self.path)
        listing = self._listing(probe, uidlist)
        if not locked and _needs_lock(uidlist, listing):
            with self._lock():
                self._sync(take_probe(self.path), locked=True)
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
            self._probe = take_probe(self.path)
            self._touched = time.monotonic()
        else:
            self._probe, self._touched = probe, None

    def _listing(self, probe: Probe, uidlist: UidList | None) -> Listing:
        """The message files: ``new/`` is always listed (it is small),
        ``cur/`` only when it changed or is unverified; otherwise its part
        comes from the index."""
        if self._probe is None or probe.cur != self._probe.cur \
                or self._due() or uidlist is None \
                or uidlist.uid_validity != self.uid_validity:
            return list_files(self.path)
        known = Listing({record.base: (record.subdir, record.file)
                         for record in self.records.values()
                         if record.subdir == 'cur'}, [])
        return list_files(self.path, ('new',), known)

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
            changed = True
        if changed or len(records) != len(old):
            self.records = dict(sorted(records.items()))
            self._flags = {uid: record.flags
                           for uid, record in self.records.items()}
            self._flags_shared = False
            self.modseq += 1
        self._uidlist = uidlist
        self.uid_validity = uidlist.uid_validity
        self.next_uid = uidlist.next_uid

    def _flags_of(self, letters: str) -> FlagSet:
        flags = self._flag_sets.get(letters)
        if flags is None:
            flags = FlagLetters(self._keywords).flags(letters)
            self._flag_sets[letters] = flags
        return flags

    def _own_change(self) -> None:
        self.modseq += 1
        self._probe = take_probe(self.path)
        self._touched = time.monotonic()

    # -- snapshots and loading ----------------------------------------------

    def snapshot(self) -> MailboxSnapshot:
        """The current state (the index must be fresh). The flags mapping
        is shared with the index until the next change copies it, so a
        snapshot of a large mailbox costs little."""
        self._flags_shared = True
        return MailboxSnapshot(
            self.uid_validity, self.next_uid, self.modseq,
            list(self._flags), self._flags, self.recent_uid or 0)

    def _flags_for_change(self) -> dict[int, FlagSet]:
        """The flags by UID, copied first if a snapshot holds them."""
        if self._flags_shared:
            self._flags = dict(self._flags)
            self._flags_shared = False
        return self._flags

    def _put(self, record: Record) -> None:
        """Adds or updates a record (UIDs are added in ascending order)."""
        self.records[record.uid] = record
        self._flags_for_change()[record.uid] = record.flags

    def _drop(self, uid: int) -> None:
        del self.records[uid]
        del self._flags_for_change()[uid]

    def metas(self, uids: Iterable[int]) -> list[MessageMeta] | None:
        """Sizes and dates of the indexed messages among *uids*, in order;
        ``None`` when a file was renamed or removed behind the index."""
        metas = []
        for uid in uids:
            record = self.records.get(uid)
            if record is None:
                continue
            try:
                metas.append(self._meta(record))
            except FileNotFoundError:
                return None
        return metas

    def read(self, uid: int) -> tuple[MessageMeta, bytes] | None:
        """The meta data and raw content of a message, ``None`` when it is
        not indexed; :exc:`FileMoved` when its file was renamed or removed
        behind the index."""
        record = self.records.get(uid)
        if record is None:
            return None
        try:
            data = (self.path / record.subdir / record.file).read_bytes()
        except FileNotFoundError:
            raise FileMoved(uid) from None
        return self._meta(record, data), data

    def _meta(self, record: Record, data: bytes | None = None
              ) -> MessageMeta:
        if record.meta is None:
            path = self.path / record.subdir / record.file
            mtime = os.stat(path).st_mtime
            vsize = base_sizes(record.base)[1]
            if vsize is None:
                vsize = crlf_size(path.read_bytes() if data is None
                                  else data)
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


"""Changes to a maildir: new messages, flags, expunges and copies.

Message files are written to ``tmp/`` and renamed into ``cur/`` (maildir
specification, "How a message is delivered"); UIDs are recorded in
``dovecot-uidlist`` under its dot-lock; flags are changed by renaming a
file to its new ``:2,`` letters, as Dovecot does; expunging removes the
file. Every step is atomic, so a crash leaves the old or the new state.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pymap.interfaces.storage import (
    AssignedUids,
    FlagSet,
    MessageMeta,
    StoreMode,
)
from pymap.mime.lines import crlf_length

from .atomic import fsync_dir, removed_on_failure, write_new
from .filenames import (
    SYSTEM_LETTERS,
    FlagLetters,
    base_sizes,
    filename,
    new_base,
    split_filename,
)
from .index import FolderIndex, Record
from .keywords import add_keywords
from .scan import list_files
from .uidlist import UidList, append_records, write_uidlist

__all__ = ['COMPACT_MIN', 'MaildirFolder', 'Prepared']

#: Records of expunged messages tolerated in the uidlist before a rewrite.
COMPACT_MIN = 1000
#: The events the kernel queues for renaming a message file, within
#: ``cur/`` or from ``new/`` (moved from, moved to), and for removing one.
_RENAME_EVENTS = 2
_UNLINK_EVENTS = 1


def _apply(flags: FlagSet, change: FlagSet, mode: StoreMode) -> FlagSet:
    if mode == 'add':
        return flags | change
    if mode == 'remove':
        return flags - change
    return change


@dataclass(frozen=True, slots=True)
class Prepared:
    """A complete message file in ``tmp/``, ready to be committed."""

    temp: Path
    base: str
    flags: FlagSet
    kept: str = ''
    #: INTERNALDATE as the file's modification time gives it back, when
    #: known (so that a new message's meta data needs no ``stat``).
    date: datetime | None = None


class MaildirFolder(FolderIndex):
    """A maildir's index and the operations that change the maildir."""

    def write_temp(self, data: bytes, flags: FlagSet,
                   internal_date: datetime) -> Prepared:
        """Writes a new message to ``tmp/`` (fsynced when configured),
        with INTERNALDATE as its modification time; the file is removed
        again if any of that fails (the disk full, say), and the error
        passes on. The date recorded is the one the file holds,
        which is what a restarted server reads back: a file system may
        clamp a time it cannot hold (ext4 keeps 1901-12-13 to 2446-05-10)."""
        base = new_base(time.time(), len(data), crlf_length(data))
        temp = self.tmp / base
        write_new(temp, data, self.fsync)
        with removed_on_failure(temp):
            stamp = internal_date.timestamp()
            os.utime(temp, (stamp, stamp))
            mtime = os.stat(temp).st_mtime
            date = datetime.fromtimestamp(int(mtime), UTC)
        return Prepared(temp, base, flags, date=date)

    def _letters(self, flags: FlagSet, kept: str = '') -> str:
        return FlagLetters(self._keywords).letters(flags, kept)

    def _ensure_keywords(self, flag_sets: Iterable[FlagSet]) -> bool:
        """Gives the keywords among *flag_sets* letters; whether that
        changed ``dovecot-keywords``."""
        known = set(self._keywords.values())
        wanted = {flag for flags in flag_sets for flag in flags
                  if flag not in SYSTEM_LETTERS and flag not in known}
        if wanted:
            self._keywords = add_keywords(self.path, wanted, self.fsync)
            self._flag_sets = {}
        return bool(wanted)

    def commit(self, prepared: Sequence[Prepared]) -> AssignedUids[int]:
        """Moves prepared files into ``cur/`` and gives them UIDs, all or
        none; the files are durable when it returns."""
        with self._lock():
            self._refresh_locked()
            self._ensure_keywords(item.flags for item in prepared)
            placed = self._place(prepared)
            uidlist = self._uidlist
            assert uidlist is not None
            added = [(uidlist.next_uid + index, item.base)
                     for index, item in enumerate(prepared)]
            try:
                self._record_uids(uidlist, added)
            except OSError:
                self._uidlist = None
                for target, item in zip(placed, prepared, strict=True):
                    os.rename(target, item.temp)
                raise
            for (uid, base), target, item in zip(added, placed, prepared,
                                                 strict=True):
                letters = split_filename(target.name)[1]
                self._put(Record(uid, base, 'cur', target.name, letters,
                                 self._flags_of(letters),
                                 _new_meta(uid, item)))
            self.next_uid = uidlist.next_uid
            self._own_change()
        return AssignedUids((uid for uid, _ in added), self.uid_validity)

    def _record_uids(self, uidlist: UidList,
                     added: list[tuple[int, str]]) -> None:
        """Appends the new records, or rewrites a uidlist whose last line
        was cut short."""
        complete = uidlist.complete
        for uid, base in added:
            uidlist.add(base, uid)
        if complete:
            append_records(self.path, added, self.fsync)
        else:
            live = {record.base for record in self.records.values()}
            live.update(base for _, base in added)
            write_uidlist(self.path, uidlist, live, self.fsync)

    def _place(self, prepared: Sequence[Prepared]) -> list[Path]:
        placed: list[Path] = []
        try:
            for item in prepared:
                target = self.path / 'cur' / filename(
                    item.base, self._letters(item.flags, item.kept))
                os.rename(item.temp, target)
                placed.append(target)
        except OSError:
            for target, item in zip(placed, prepared, strict=False):
                os.rename(target, item.temp)
            raise
        if self.fsync:
            fsync_dir(self.path / 'cur')
        return placed


    def update_flags(self, uids: Sequence[int], flags: FlagSet,
                     mode: StoreMode) -> dict[int, FlagSet]:
        """Renames the files of the indexed messages among *uids* for their
        new flags; returns the new flags by UID."""
        self.refresh()
        result, missing = self._set_flags(uids, flags, mode)
        if missing:
            self._resync()
            result.update(self._set_flags(missing, flags, mode)[0])
        return {uid: result[uid] for uid in uids if uid in result}

    def _set_flags(self, uids: Sequence[int], flags: FlagSet,
                   mode: StoreMode) -> tuple[dict[int, FlagSet], list[int]]:
        wanted = {uid: (record, _apply(record.flags, flags, mode))
                  for uid in uids
                  if (record := self.records.get(uid)) is not None}
        keywords_added = self._ensure_keywords(
            new for _, new in wanted.values())
        result: dict[int, FlagSet] = {}
        missing = []
        renamed = 0
        for uid, (record, new) in wanted.items():
            if new != record.flags:
                letters = self._letters(new, record.letters)
                name = filename(record.base, letters)
                try:
                    os.rename(self.file_of(record),
                              f'{self.maildir}/cur/{name}')
                except FileNotFoundError:
                    missing.append(uid)
                    continue
                record.subdir, record.file = 'cur', name
                record.letters = letters
                record.flags = self._flags_of(letters)
                self._put(record)
                renamed += 1
            result[uid] = record.flags
        if renamed:
            self._own_change(entries_only=not keywords_added,
                             events=None if keywords_added
                             else renamed * _RENAME_EVENTS)
        return result, missing

    def expunge(self, uids: Sequence[int]) -> list[int]:
        """Removes the files of the indexed messages among *uids*; returns
        the UIDs removed. Their uidlist records stay until a rewrite."""
        self.refresh()
        removed, missing = self._remove(uids)
        if missing:
            self._resync()
            removed.update(self._remove(missing)[0])
        if removed:
            self._compact()
        return [uid for uid in uids if uid in removed]

    def _remove(self, uids: Sequence[int]) -> tuple[set[int], list[int]]:
        removed, missing = set(), []
        for uid in uids:
            record = self.records.get(uid)
            if record is None:
                continue
            try:
                os.unlink(self.file_of(record))
            except FileNotFoundError:
                missing.append(uid)
                continue
            self._drop(uid)
            removed.add(uid)
        if removed:
            self._own_change(entries_only=True,
                             events=len(removed) * _UNLINK_EVENTS)
        return removed, missing

    def _compact(self) -> None:
        """Rewrites the uidlist once records of expunged messages
        outnumber the messages (and :data:`COMPACT_MIN`)."""
        uidlist = self._uidlist
        live = len(self.records)
        if uidlist is None \
                or len(uidlist.records) - live <= max(COMPACT_MIN, live):
            return
        with self._lock():
            self._refresh_locked()
            uidlist = self._uidlist
            assert uidlist is not None
            bases = {record.base for record in self.records.values()}
            bases.update(list_files(self.maildir).files)
            write_uidlist(self.path, uidlist, bases, self.fsync)
            self._own_change()

    def export(self, uids: Sequence[int],
               target: MaildirFolder) -> list[tuple[int, Prepared]]:
        """Links (or copies) the files of the indexed messages among *uids*
        into *target*'s ``tmp/``, keeping their flags and INTERNALDATE;
        returns (source UID, prepared file) pairs."""
        self.refresh()
        exported: list[tuple[int, Prepared]] = []
        try:
            for uid in uids:
                item = self._export(uid, target)
                if item is not None:
                    exported.append((uid, item))
        except BaseException:
            for _, item in exported:
                item.temp.unlink(missing_ok=True)
            raise
        return exported

    def _export(self, uid: int, target: MaildirFolder) -> Prepared | None:
        item = self._export_file(uid, target)
        if item is None and uid in self.records:
            self._resync()
            item = self._export_file(uid, target)
        return item

    def _export_file(self, uid: int, target: MaildirFolder
                     ) -> Prepared | None:
        """``None`` when the message or its file is gone."""
        record = self.records.get(uid)
        if record is None:
            return None
        source = self.file_of(record)
        try:
            vsize = self._meta(record).size
            size = base_sizes(record.base)[0] or os.stat(source).st_size
            temp = target.tmp / new_base(time.time(), size, vsize)
            _link_or_copy(source, temp, target.fsync)
        except FileNotFoundError:
            return None
        kept = ''.join(letter for letter in record.letters
                       if not self._flags_of(letter))
        return Prepared(temp, temp.name, record.flags, kept)


def _link_or_copy(source: str, target: Path, fsync: bool) -> None:
    """Hard-links *source* as *target* (message files never change), or
    copies it with its modification time where links are impossible; a
    copy that fails part way (the disk full, say) is removed again."""
    try:
        os.link(source, target)
        return
    except FileNotFoundError:
        raise
    except OSError:
        pass
    with removed_on_failure(target):
        shutil.copy2(source, target)
        if fsync:
            fd = os.open(target, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _new_meta(uid: int, item: Prepared) -> MessageMeta | None:
    """The meta data of a message just committed, when its file name and
    :class:`Prepared` tell all of it."""
    vsize = base_sizes(item.base)[1]
    if item.date is None or vsize is None:
        return None
    return MessageMeta(uid, item.date, vsize)

"""Cheap change detection and directory listing of one maildir.

A :class:`Probe` is a few ``stat`` calls: the inode and modification time
of ``new/`` and ``cur/`` (every delivery, flag change and expunge renames,
creates or removes an entry there), and the signature of
``dovecot-uidlist`` and ``dovecot-keywords``. Only when a probe differs
from the last one are the directories listed again.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pymap.exceptions import MailboxNotFound

from .keywords import KEYWORDS_FILE
from .uidlist import UIDLIST_FILE

__all__ = ['Listing', 'Probe', 'clean_tmp', 'list_files', 'take_probe']

#: Files left in ``tmp/`` longer than this are removed (Dovecot's rule,
#: after the maildir specification's advice).
TMP_MAX_AGE = 36 * 3600

Signature = tuple[int, int, int]


class Probe(NamedTuple):
    """The observable state of a maildir's directories and files (a tuple:
    made and compared at every command)."""

    new: Signature
    cur: Signature
    uidlist: Signature | None
    keywords: Signature | None


def _signature(path: str) -> Signature:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _optional(path: str) -> Signature | None:
    try:
        return _signature(path)
    except FileNotFoundError:
        return None


def take_probe(maildir: str, files_from: Probe | None = None) -> Probe:
    """Probes the maildir at path *maildir* (a string: probes run before
    every command, and building :class:`~pathlib.Path` objects would cost
    more than the ``stat`` calls); :exc:`MailboxNotFound` when it is
    gone. With *files_from*, only the directories are probed, and the
    signatures of the uidlist and the keywords are those of that probe."""
    try:
        new, cur = _signature(maildir + '/new'), _signature(maildir + '/cur')
    except (FileNotFoundError, NotADirectoryError):
        raise MailboxNotFound() from None
    if files_from is not None:
        return Probe(new, cur, files_from.uidlist, files_from.keywords)
    return Probe(new, cur, _optional(f'{maildir}/{UIDLIST_FILE}'),
                 _optional(f'{maildir}/{KEYWORDS_FILE}'))


@dataclass(slots=True)
class Listing:
    """The message files of a maildir.

    Attributes:
        files: ``(subdir, file name)`` by base name.
        duplicates: ``(subdir, file name)`` of files whose base name was
            already seen (they need a new one).
    """

    files: dict[str, tuple[str, str]]
    duplicates: list[tuple[str, str]]


def list_files(maildir: str, subdirs: tuple[str, ...] = ('cur', 'new'),
               listing: Listing | None = None) -> Listing:
    """Lists *subdirs* of the maildir at path *maildir* (adding to
    *listing*), skipping dot files (maildir specification)."""
    listing = listing or Listing({}, [])
    for subdir in subdirs:
        try:
            names = os.listdir(f'{maildir}/{subdir}')
        except FileNotFoundError:
            raise MailboxNotFound() from None
        for name in names:
            if name.startswith('.'):
                continue
            base = name.partition(':')[0]
            if base in listing.files:
                listing.duplicates.append((subdir, name))
            else:
                listing.files[base] = (subdir, name)
    return listing


def clean_tmp(maildir: Path) -> None:
    """Removes what crashed writers left in ``tmp/``: files unchanged for
    :data:`TMP_MAX_AGE` (by their status change time: the modification
    time of a message is its INTERNALDATE), and the trees of interrupted
    mailbox deletions."""
    tmp = maildir / 'tmp'
    limit = time.time() - TMP_MAX_AGE
    try:
        entries = list(os.scandir(tmp))
    except FileNotFoundError:
        return
    for entry in entries:
        try:
            if entry.name.endswith('.pymap-deleted'):
                shutil.rmtree(entry.path, ignore_errors=True)
            elif entry.is_file() and entry.stat().st_ctime < limit:
                os.unlink(entry.path)
        except FileNotFoundError:
            continue

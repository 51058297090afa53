"""Creating a maildir: ``tmp/``, ``new/`` and ``cur/`` (D. J. Bernstein's
maildir specification), the ``maildirfolder`` marker of Maildir++ folders
and a fresh ``dovecot-uidlist`` holding the new UIDVALIDITY.

``cur/`` is made last: a directory is a selectable mailbox once it has one,
so a crash half-way leaves a directory that the next CREATE completes.
"""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import fsync_dir, write_atomic
from .uidlist import UIDLIST_FILE, UidList
from .uidvalidity import next_uid_validity

__all__ = ['FOLDER_MARKER', 'MAILDIR_SUBDIRS', 'make_maildir']

MAILDIR_SUBDIRS = ('cur', 'new', 'tmp')
FOLDER_MARKER = 'maildirfolder'


def make_maildir(path: Path, root: Path, fsync: bool,
                 folder: bool) -> bool:
    """Completes the maildir at *path* (which exists); false when it
    already was complete. *root* holds the user's UIDVALIDITY counter."""
    for sub in ('tmp', 'new'):
        (path / sub).mkdir(exist_ok=True)
    if folder:
        os.close(os.open(path / FOLDER_MARKER, os.O_WRONLY | os.O_CREAT,
                         0o600))
    if not (path / UIDLIST_FILE).exists():
        uidlist = UidList(next_uid_validity(root, fsync))
        write_atomic(path / UIDLIST_FILE, uidlist.header(), fsync)
    try:
        (path / 'cur').mkdir()
    except FileExistsError:
        return False
    if fsync:
        fsync_dir(path)
        fsync_dir(path.parent)
    return True

"""Where each mailbox lives: the mapping between mailbox names and maildir
directories, and the directory operations behind CREATE, DELETE and RENAME.

Two layouts, as Dovecot's ``mail_location = maildir:PATH[:LAYOUT=fs]``:

* ``maildir++`` (the default, the Maildir++ convention of Courier and
  Dovecot): INBOX is the root maildir; ``a/b`` is the folder ``.a.b/``
  beside it, marked by a ``maildirfolder`` file.
* ``fs``: ``a/b`` is the directory ``a/b/`` under the root.

Each hierarchy level is stored as Dovecot does with its ``listescape``
plugin: ``\\``, a leading ``~`` and (Maildir++) ``.`` become ``\\<hex>``,
then the level is encoded in modified UTF-7 (RFC 3501 §5.1.3). Names with
empty, ``.`` or ``..`` levels, NUL or other control characters, or (``fs``)
levels that would clash with a maildir's own entries are refused with
``NO [NOPERM]``, so no name reaches outside the user's directory.

The functions here block; callers run them through the executor.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

from pymap.exceptions import (
    MailboxConflict,
    MailboxNotFound,
    NotAllowed,
)
from pymap.interfaces.storage import DELIMITER, MailboxEntry
from pymap.parsing.modutf7 import decode_modutf7, encode_modutf7

from .dirs import MAILDIR_SUBDIRS, make_maildir

__all__ = [
    'LAYOUTS',
    'FsLayout',
    'Layout',
    'MaildirPlusPlus',
    'decode_level',
    'encode_level',
]

INBOX = 'INBOX'
_MAX_FILE_NAME = 255
_ESCAPED = re.compile(r'\\([0-9a-fA-F]{2})')


def _check_level(level: str) -> None:
    if level in ('', '.', '..') or any(
            ord(char) < 0x20 or ord(char) == 0x7f for char in level):
        raise NotAllowed('Invalid mailbox name.')


def encode_level(level: str, escape_dot: bool) -> str:
    """One hierarchy level as stored on disk."""
    _check_level(level)
    escaped = level.replace('\\', '\\5c')
    if escape_dot:
        escaped = escaped.replace('.', '\\2e')
    if escaped.startswith('~'):
        escaped = '\\7e' + escaped[1:]
    return encode_modutf7(escaped).decode('ascii')


def decode_level(stored: str) -> str:
    """The inverse of :func:`encode_level`; raises :exc:`ValueError` for
    a level that no name encodes to."""
    level = _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)),
                         decode_modutf7(stored.encode('ascii', 'replace')))
    try:
        _check_level(level)
    except NotAllowed as exc:
        raise ValueError(stored) from exc
    return level


def _trash(root: Path) -> Path:
    return root / 'tmp' / f'{uuid.uuid4().hex}.pymap-deleted'


class Layout(ABC):
    """Name ↔ directory mapping of one user's mail root."""

    #: The name used on the command line.
    name: str
    #: The separator of storage names in version 1 subscription files.
    separator: str
    escape_dot: bool

    def __init__(self, root: Path) -> None:
        self.root = root

    def levels(self, name: str) -> list[str]:
        """The stored form of each level of *name*."""
        if '\x00' in name:
            raise NotAllowed('Invalid mailbox name.')
        return [encode_level(level, self.escape_dot)
                for level in name.split(DELIMITER)]

    def name_of(self, levels: list[str]) -> str:
        """The mailbox name of stored levels (:exc:`ValueError` if
        invalid)."""
        return DELIMITER.join(decode_level(level) for level in levels)

    @abstractmethod
    def path_of(self, name: str) -> Path:
        """The maildir of the mailbox *name*."""

    @abstractmethod
    def scan(self) -> list[MailboxEntry]:
        """Every mailbox and every superior name that only exists for
        its children, INBOX first."""

    def create(self, name: str, fsync: bool) -> None:
        """Creates the maildir of *name*; :exc:`MailboxConflict` if it
        exists."""
        path = self.path_of(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.mkdir()
        except FileExistsError:
            if (path / 'cur').is_dir():
                raise MailboxConflict() from None
        except OSError as exc:
            raise NotAllowed(f'Cannot create mailbox: {exc.strerror}.') \
                from exc
        if not make_maildir(path, self.root, fsync, folder=True):
            raise MailboxConflict()

    @abstractmethod
    def _children(self, path: Path) -> set[str] | None:
        """The entries of the maildir *path* that belong to children of
        its mailbox; ``None`` when it has no children."""

    def delete(self, name: str) -> None:
        """Removes the maildir of *name*. When it has children, an empty
        directory stays: the name lives on as non-selectable until it is
        deleted as well (RFC 3501 §6.3.4)."""
        path = self.path_of(name)
        if name == INBOX or not path.is_dir():
            raise MailboxNotFound()
        trash = _trash(self.root)
        children = self._children(path)
        if children is None:
            path.rename(trash)
        else:
            trash.mkdir()
            entries = sorted(os.listdir(path), key=lambda entry:
                             entry != 'cur')
            for entry in entries:
                if entry not in children:
                    (path / entry).rename(trash / entry)
        shutil.rmtree(trash, ignore_errors=True)

    @abstractmethod
    def rename(self, source: str, destination: str) -> None:
        """Renames *source* and its children."""


class MaildirPlusPlus(Layout):
    """The Maildir++ layout: folders are ``.``-prefixed siblings."""

    name = 'maildir++'
    separator = '.'
    escape_dot = True

    def _dir_name(self, name: str) -> str:
        dir_name = '.' + '.'.join(self.levels(name))
        if len(os.fsencode(dir_name)) > _MAX_FILE_NAME:
            raise NotAllowed('Mailbox name too long.')
        return dir_name

    def path_of(self, name: str) -> Path:
        if name == INBOX:
            return self.root
        return self.root / self._dir_name(name)

    def _folders(self) -> Iterator[tuple[str, os.DirEntry[str]]]:
        with os.scandir(self.root) as entries:
            for entry in entries:
                if entry.name.startswith('.') and entry.is_dir():
                    try:
                        name = self.name_of(entry.name[1:].split('.'))
                    except ValueError:
                        continue
                    if name != INBOX:
                        yield name, entry

    def scan(self) -> list[MailboxEntry]:
        found = {name: os.path.isdir(os.path.join(entry.path, 'cur'))
                 for name, entry in self._folders()}
        return _with_parents(found)

    def _children(self, path: Path) -> set[str] | None:
        prefix = path.name + '.'
        if any(entry.name.startswith(prefix)
               for _, entry in self._folders()):
            return set()
        return None

    def rename(self, source: str, destination: str) -> None:
        old, new = self._dir_name(source), self._dir_name(destination)
        moves = [(entry.name, new + entry.name[len(old):])
                 for _, entry in self._folders()
                 if entry.name == old or entry.name.startswith(old + '.')]
        if not moves:
            raise MailboxNotFound()
        if any(os.path.lexists(self.root / target) for _, target in moves):
            raise MailboxConflict()
        for _, target in moves:
            if len(os.fsencode(target)) > _MAX_FILE_NAME:
                raise NotAllowed('Mailbox name too long.')
        for current, target in moves:
            os.rename(self.root / current, self.root / target)


class FsLayout(Layout):
    """The ``fs`` layout: one directory level per hierarchy level."""

    name = 'fs'
    separator = '/'
    escape_dot = False
    #: Entries of a maildir that no mailbox level may be named after.
    RESERVED = frozenset({*MAILDIR_SUBDIRS, 'maildirfolder',
                          'subscriptions'})

    def levels(self, name: str) -> list[str]:
        levels = super().levels(name)
        for level in levels:
            if level in self.RESERVED or level.startswith('dovecot') \
                    or len(os.fsencode(level)) > _MAX_FILE_NAME:
                raise NotAllowed('Mailbox name not allowed here.')
        return levels

    def path_of(self, name: str) -> Path:
        if name == INBOX:
            return self.root
        return self.root.joinpath(*self.levels(name))

    def _walk(self, directory: Path, prefix: list[str]
              ) -> Iterator[tuple[str, bool]]:
        with os.scandir(directory) as entries:
            children = [entry for entry in entries
                        if entry.is_dir(follow_symlinks=False)
                        and entry.name not in self.RESERVED
                        and not entry.name.startswith('dovecot')]
        for entry in children:
            levels = [*prefix, entry.name]
            try:
                name = self.name_of(levels)
            except ValueError:
                continue
            yield name, os.path.isdir(os.path.join(entry.path, 'cur'))
            yield from self._walk(Path(entry.path), levels)

    def scan(self) -> list[MailboxEntry]:
        return _with_parents(dict(self._walk(self.root, [])))

    def _children(self, path: Path) -> set[str] | None:
        with os.scandir(path) as entries:
            children = {entry.name for entry in entries
                        if entry.is_dir(follow_symlinks=False)
                        and entry.name not in self.RESERVED
                        and not entry.name.startswith('dovecot')}
        return children or None

    def rename(self, source: str, destination: str) -> None:
        old, new = self.path_of(source), self.path_of(destination)
        if not old.is_dir():
            raise MailboxNotFound()
        if os.path.lexists(new):
            raise MailboxConflict()
        new.parent.mkdir(parents=True, exist_ok=True)
        old.rename(new)


def _with_parents(found: dict[str, bool]) -> list[MailboxEntry]:
    """Adds INBOX, and every superior name missing from *found* as a
    non-selectable entry."""
    found.pop(INBOX, None)
    names = dict(found)
    for name in found:
        levels = name.split(DELIMITER)
        for depth in range(1, len(levels)):
            names.setdefault(DELIMITER.join(levels[:depth]), False)
    names.pop(INBOX, None)
    return [MailboxEntry(INBOX, True),
            *(MailboxEntry(name, selectable)
              for name, selectable in sorted(names.items()))]


#: The layouts by command-line name.
LAYOUTS: dict[str, type[Layout]] = {
    MaildirPlusPlus.name: MaildirPlusPlus, FsLayout.name: FsLayout}

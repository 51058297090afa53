"""``pymap.cache``: the message summaries of one maildir, kept on disk so
that a restarted server need not parse every message again (the role of
Dovecot's ``dovecot.index.cache``, which Dovecot keeps for itself).

The file starts with a version line; then come records, each a length,
a CRC-32 and a payload holding a message file's base name and the
:mod:`~pymap.backend.summarycodec` form of its summary, after a byte
telling whether that form is stored as it is or compressed with zlib.
Records are appended as summaries are made (one ``write`` each, so that
processes sharing the maildir do not mix them up), uncompressed to keep
APPEND cheap; the latest record of a base name wins. When most records are
stale (their messages expunged, or superseded) the file is rewritten, and
the long records it keeps are compressed then (the text for SEARCH
compresses well). The file is only a cache: a damaged, foreign or
unreadable file is ignored and rebuilt, never trusted, and every failure
to read or write it is logged and otherwise ignored.

Blocking code: call it through the executor.
"""

from __future__ import annotations

import logging
import os
import struct
import zlib
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import BinaryIO

from pymap.backend.summarycodec import pack_summary, unpack_summary
from pymap.mime import MessageSummary

from .atomic import temp_path

__all__ = ['SUMMARY_FILE', 'SummaryFile', 'compress_stored', 'encode_summary']

#: The file's name in the maildir, beside ``dovecot-uidlist``.
SUMMARY_FILE = 'pymap.cache'
#: The first line; another version is ignored (and replaced).
VERSION_LINE = b'pymap summaries 2\n'
#: A file is rewritten once it holds this many stale records, and more
#: stale records than live ones.
COMPACT_MIN = 256
#: No summary is this long; a longer record is damage.
MAX_RECORD = 1 << 30
#: A rewrite compresses the summaries at least this long (fast zlib).
COMPRESS_MIN = 512
_PLAIN, _ZLIB = b'\x00', b'\x01'

_HEAD = struct.Struct('>II')
_BASE = struct.Struct('>H')

_log = logging.getLogger(__name__)


def encode_summary(summary: MessageSummary) -> bytes:
    """The stored form of *summary* for :meth:`SummaryFile.append`:
    uncompressed, :func:`compress_stored` being left to a rewrite."""
    return _PLAIN + pack_summary(summary)


def compress_stored(stored: bytes) -> bytes:
    """The compressed stored form of a long summary stored uncompressed
    (:func:`encode_summary`); any other stored form as it is."""
    if stored[:1] != _PLAIN or len(stored) < COMPRESS_MIN:
        return stored
    return _ZLIB + zlib.compress(memoryview(stored)[1:], 1)


def _decode_summary(stored: bytes) -> MessageSummary:
    """The summary stored by :func:`encode_summary`, compressed or not
    (:func:`compress_stored`); :exc:`ValueError` when it is damaged."""
    kind, data = stored[:1], stored[1:]
    if kind == _ZLIB:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(data, MAX_RECORD)
        except zlib.error as exc:
            raise ValueError('damaged summary') from exc
        if inflater.unconsumed_tail or inflater.unused_data \
                or not inflater.eof:
            raise ValueError('damaged summary')
    elif kind != _PLAIN:
        raise ValueError('unknown summary form')
    return unpack_summary(data)


def _record(base: str, stored: bytes) -> bytes:
    name = base.encode('utf-8', 'surrogateescape')
    payload = _BASE.pack(len(name)) + name + stored
    return _HEAD.pack(len(payload), zlib.crc32(payload)) + payload


class SummaryFile:
    """The summary file of the maildir *path* returns.

    Args:
        maildir: The maildir's current path (it moves with a RENAME).
    """

    def __init__(self, maildir: Callable[[], Path]) -> None:
        self._maildir = maildir
        #: Where the latest record of each base name starts, and its size.
        self._offsets: dict[str, tuple[int, int]] = {}
        self._records = 0
        self._recount_at = 0
        self._identity: tuple[int, int] | None = None
        self._damaged = False

    @property
    def path(self) -> Path:
        """The file."""
        return self._maildir() / SUMMARY_FILE

    def read(self, bases: Iterable[str]) -> dict[str, MessageSummary]:
        """The stored summaries of the message files named *bases*, by
        base name; those not stored (or damaged) are left out."""
        found: dict[str, MessageSummary] = {}
        try:
            self._sync()
            wanted = [(base, self._offsets[base]) for base in bases
                      if base in self._offsets]
            if not wanted:
                return found
            with open(self.path, 'rb') as file:
                for base, (offset, size) in wanted:
                    file.seek(offset)
                    summary = self._decode(base, file.read(size))
                    if summary is not None:
                        found[base] = summary
        except OSError as exc:
            _log.warning('%s: unreadable: %s', self.path, exc)
        return found

    def append(self, summaries: Iterable[tuple[str, bytes]],
               live: Callable[[], Collection[str]]) -> None:
        """Stores the summaries of the message files named, in the form
        :func:`encode_summary` gives, rewriting the file first when most
        of it is stale: *live* gives the base names of the maildir's
        messages."""
        records = [(base, _record(base, stored))
                   for base, stored in summaries]
        if not records:
            return
        try:
            self._sync()
            if self._identity is None or self._stale(live):
                self._rewrite(live())
            self._append(records)
        except OSError as exc:
            _log.warning('%s: not written: %s', self.path, exc)
            self._identity = None

    def _stale(self, live: Callable[[], Collection[str]]) -> bool:
        """Whether to rewrite: after damage, or when stale records are
        many and the majority. Counted again only once the file has grown
        by as many records as were live, so appends stay cheap."""
        if self._damaged:
            return True
        if self._records < self._recount_at:
            return False
        bases = live()
        kept = sum(1 for base in self._offsets if base in bases)
        stale = self._records - kept
        self._recount_at = self._records + max(COMPACT_MIN, kept)
        return stale >= COMPACT_MIN and stale > kept

    def _append(self, records: list[tuple[str, bytes]]) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            for base, record in records:
                written = os.write(fd, record)
                end = os.lseek(fd, 0, os.SEEK_CUR)
                if written != len(record):
                    self._damaged = True
                    continue
                self._offsets[base] = (end - written, written)
                self._records += 1
        finally:
            os.close(fd)

    def _rewrite(self, live: Collection[str]) -> None:
        """Replaces the file with one holding the valid records of live
        messages (none if the old file is unreadable), compressed."""
        path = self.path
        temp = temp_path(path.parent, SUMMARY_FILE)
        offsets: dict[str, tuple[int, int]] = {}
        try:
            with open(temp, 'xb') as out:
                out.write(VERSION_LINE)
                for base, record in self._valid_records(live):
                    offsets[base] = (out.tell(), len(record))
                    out.write(record)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        self._offsets, self._records = offsets, len(offsets)
        self._identity, self._damaged = _identity(path), False

    def _valid_records(self, live: Collection[str]
                       ) -> Iterable[tuple[str, bytes]]:
        if self._identity is None:
            return
        with open(self.path, 'rb') as file:
            for base, (offset, size) in list(self._offsets.items()):
                if base not in live:
                    continue
                file.seek(offset)
                checked = self._checked(base, file.read(size))
                if checked is not None:
                    yield base, _record(base, compress_stored(checked[1]))

    def _sync(self) -> None:
        """Reads the record index if the file is new to this object, was
        replaced (by another process), or is gone."""
        identity = _identity(self.path)
        if identity == self._identity and identity is not None:
            return
        self._offsets, self._records, self._damaged = {}, 0, False
        self._identity, self._recount_at = None, 0
        if identity is None:
            return
        with open(self.path, 'rb') as file:
            if file.readline() != VERSION_LINE:
                return
            self._identity = identity
            self._index(file, os.fstat(file.fileno()).st_size)

    def _index(self, file: BinaryIO, size: int) -> None:
        """Notes where each record is, reading only its head; stops at
        damage, which gets the file rewritten on the next append."""
        offset = file.tell()
        while offset < size:
            head = file.read(_HEAD.size + _BASE.size)
            if len(head) < _HEAD.size + _BASE.size:
                self._damaged = True
                return
            length, _ = _HEAD.unpack_from(head)
            (name_length,) = _BASE.unpack_from(head, _HEAD.size)
            end = offset + _HEAD.size + length
            if length > MAX_RECORD or end > size \
                    or name_length + _BASE.size > length:
                self._damaged = True
                return
            name = file.read(name_length)
            base = name.decode('utf-8', 'surrogateescape')
            self._offsets[base] = (offset, end - offset)
            self._records += 1
            file.seek(end)
            offset = end

    def _decode(self, base: str, record: bytes) -> MessageSummary | None:
        """The summary in *record* if it is intact and for *base*."""
        checked = self._checked(base, record)
        return None if checked is None else checked[0]

    def _checked(self, base: str, record: bytes
                 ) -> tuple[MessageSummary, bytes] | None:
        """The summary in *record* and its stored form, if the record is
        intact and for *base*; else the record is dropped as damage."""
        try:
            length, crc = _HEAD.unpack_from(record)
            payload = record[_HEAD.size:]
            if len(payload) != length or zlib.crc32(payload) != crc:
                raise ValueError('damaged record')
            (name_length,) = _BASE.unpack_from(payload)
            name = payload[_BASE.size:_BASE.size + name_length]
            if name.decode('utf-8', 'surrogateescape') != base:
                raise ValueError('record of another message')
            stored = payload[_BASE.size + name_length:]
            return _decode_summary(stored), stored
        except (ValueError, struct.error):
            self._offsets.pop(base, None)
            self._damaged = True
            return None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino

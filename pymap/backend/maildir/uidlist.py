"""The ``dovecot-uidlist`` file: UIDVALIDITY, the next UID and the UID of
every message, by base file name.

Version 3 format (Dovecot Maildir documentation, "dovecot-uidlist")::

    3 V<uidvalidity> N<next uid> G<mailbox guid, 32 hex digits>
    <uid> [<key><value> ...] :<base name>

New records are appended to the file under the ``dovecot-uidlist.lock``
dot-lock, as Dovecot does, so the header's ``N`` may lag behind: the next
UID is the larger of ``N`` and the last UID plus one. Other changes rewrite
the whole file atomically. A last line without its newline (a write cut
short) is ignored, and makes the next change rewrite the file. Version 1
files (``1 <uidvalidity> <next uid>`` then ``<uid> <file name>``) are read
too, and rewritten as version 3.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import append_to, write_atomic

__all__ = ['UIDLIST_FILE', 'UidList', 'append_records', 'parse_uidlist',
           'read_uidlist', 'render_record', 'write_uidlist']

UIDLIST_FILE = 'dovecot-uidlist'


@dataclass(slots=True)
class UidList:
    """A parsed uidlist.

    Attributes:
        uid_validity: The mailbox's UIDVALIDITY.
        next_uid: The UID the next new message gets.
        guid: The mailbox GUID (hex).
        records: ``(uid, extension fields)`` by base name, ascending UIDs;
            records of expunged messages stay until the next rewrite.
        header_extra: Header fields kept as they were.
        complete: Whether the file ended with a whole line.
    """

    uid_validity: int
    next_uid: int = 1
    guid: str = field(default_factory=lambda: uuid.uuid4().hex)
    records: dict[str, tuple[int, str]] = field(default_factory=dict)
    header_extra: tuple[str, ...] = ()
    complete: bool = True

    def add(self, base: str, uid: int, extra: str = '') -> None:
        """Records a UID and raises the next UID past it."""
        self.records[base] = (uid, extra)
        self.next_uid = max(self.next_uid, uid + 1)

    def header(self) -> bytes:
        """The version 3 header line."""
        fields = [f'V{self.uid_validity}', f'N{self.next_uid}',
                  f'G{self.guid}', *self.header_extra]
        return ('3 ' + ' '.join(fields) + '\n').encode('ascii')


def render_record(uid: int, base: str, extra: str = '') -> bytes:
    """One record line."""
    fields = f' {extra}' if extra else ''
    return b'%d%s :%s\n' % (uid, fields.encode('ascii'), os.fsencode(base))


def _header(line: bytes) -> UidList | None:
    fields = line.decode('ascii', 'replace').split()
    if not fields:
        return None
    version, *fields = fields
    if version == '1' and len(fields) >= 2 \
            and fields[0].isdigit() and fields[1].isdigit():
        return UidList(int(fields[0]), int(fields[1]))
    if version != '3':
        return None
    values = {item[:1]: item[1:] for item in fields if item}
    if not values.get('V', '').isdigit():
        return None
    uidlist = UidList(int(values['V']))
    if values.get('N', '').isdigit():
        uidlist.next_uid = max(1, int(values['N']))
    if values.get('G'):
        uidlist.guid = values['G']
    uidlist.header_extra = tuple(item for item in fields
                                 if item[:1] not in ('V', 'N', 'G'))
    return uidlist


def _record(line: bytes, version3: bool) -> tuple[int, str, str] | None:
    if version3:
        head, sep, name = line.partition(b' :')
        if not sep:
            return None
        uid, _, extra = head.partition(b' ')
    else:
        uid, _, name = line.partition(b' ')
        extra = b''
    if not uid.isdigit() or not name:
        return None
    base = os.fsdecode(name).partition(':')[0]
    return int(uid), base, extra.decode('ascii', 'replace').strip()


def parse_uidlist(data: bytes) -> UidList | None:
    """Parses a uidlist; ``None`` when the header is unusable. Malformed
    or out-of-order records are skipped (their messages get new UIDs)."""
    lines = data.split(b'\n')
    complete = lines[-1] == b''
    lines.pop()
    if not lines:
        return None
    uidlist = _header(lines[0])
    if uidlist is None:
        return None
    version3 = lines[0].startswith(b'3')
    last = 0
    for line in lines[1:]:
        record = _record(line, version3)
        if record is None or record[0] <= last \
                or record[1] in uidlist.records:
            continue
        last = record[0]
        uidlist.add(record[1], record[0], record[2])
    uidlist.complete = complete and version3
    return uidlist


def read_uidlist(maildir: Path) -> UidList | None:
    """The uidlist of *maildir*; ``None`` when missing or unusable."""
    try:
        data = (maildir / UIDLIST_FILE).read_bytes()
    except FileNotFoundError:
        return None
    return parse_uidlist(data)


def write_uidlist(maildir: Path, uidlist: UidList,
                  live: Iterable[str], fsync: bool) -> None:
    """Rewrites the file atomically with the records of the *live* base
    names only."""
    keep = set(live)
    uidlist.records = {base: record
                       for base, record in uidlist.records.items()
                       if base in keep}
    body = b''.join(render_record(uid, base, extra)
                    for base, (uid, extra) in uidlist.records.items())
    write_atomic(maildir / UIDLIST_FILE, uidlist.header() + body, fsync)
    uidlist.complete = True


def append_records(maildir: Path, records: Iterable[tuple[int, str]],
                   fsync: bool) -> None:
    """Appends new ``(uid, base)`` records in one write, or none of them
    when it fails."""
    data = b''.join(render_record(uid, base) for uid, base in records)
    append_to(maildir / UIDLIST_FILE, data, fsync)

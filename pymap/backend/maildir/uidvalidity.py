"""UIDVALIDITY values that never repeat for a user, even when a mailbox is
deleted and created again within a second (RFC 3501 §2.3.1.1).

As Dovecot does, the last value handed out is kept in the user's root as
``dovecot-uidvalidity`` (8 hex digits), with an empty marker file
``dovecot-uidvalidity.<value>``; creating the marker with ``O_EXCL`` claims
the value, so concurrent processes never hand out the same one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pymap.exceptions import TemporaryFailure

from .atomic import write_atomic

__all__ = ['UIDVALIDITY_FILE', 'next_uid_validity']

UIDVALIDITY_FILE = 'dovecot-uidvalidity'
_ATTEMPTS = 1000


def _read(root: Path) -> int:
    try:
        return int((root / UIDVALIDITY_FILE).read_bytes().strip() or b'0',
                   16)
    except (FileNotFoundError, ValueError):
        return 0


def _claim(root: Path, value: int) -> bool:
    marker = root / f'{UIDVALIDITY_FILE}.{value:08x}'
    try:
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         0o444))
    except FileExistsError:
        return False
    return True


def next_uid_validity(root: Path, fsync: bool) -> int:
    """Claims and returns a new UIDVALIDITY: the current time, or one
    more than the last value handed out when that is larger."""
    previous = floor = _read(root)
    for _ in range(_ATTEMPTS):
        value = max(int(time.time()), floor + 1)
        if _claim(root, value):
            write_atomic(root / UIDVALIDITY_FILE, b'%08x' % value, fsync)
            if previous:
                marker = root / f'{UIDVALIDITY_FILE}.{previous:08x}'
                marker.unlink(missing_ok=True)
            return value
        floor = max(value, _read(root))
    raise TemporaryFailure('Cannot allocate a UIDVALIDITY.')

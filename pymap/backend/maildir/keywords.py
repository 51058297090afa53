"""The ``dovecot-keywords`` file: which keyword each letter ``a``..``z`` of
a file name's info stands for.

Format (Dovecot Maildir documentation, "Keywords"): one ``<index>
<keyword>`` line per keyword, index 0 for ``a`` up to 25 for ``z``. The file
is read on every change and rewritten atomically (new file, fsync, rename)
under the ``dovecot-keywords.lock`` dot-lock when a keyword is first used.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from pathlib import Path

from pymap.exceptions import IMAPError

from .atomic import write_atomic
from .lock import DotLock

__all__ = ['KEYWORDS_FILE', 'KeywordLimit', 'add_keywords',
           'parse_keywords', 'read_keywords', 'render_keywords']

KEYWORDS_FILE = 'dovecot-keywords'
_LETTERS = string.ascii_lowercase


class KeywordLimit(IMAPError):
    """A mailbox can hold 26 distinct keywords in its file names
    (RFC 5530 ``LIMIT``)."""

    code = b'LIMIT'
    default_text = 'Too many distinct keywords in this mailbox.'


def parse_keywords(data: bytes) -> dict[str, bytes]:
    """Keywords by letter; malformed lines and indexes past ``z`` are
    ignored."""
    keywords: dict[str, bytes] = {}
    for line in data.splitlines():
        index, _, keyword = line.partition(b' ')
        if index.isdigit() and int(index) < len(_LETTERS) and keyword:
            keywords[_LETTERS[int(index)]] = keyword
    return keywords


def render_keywords(keywords: Mapping[str, bytes]) -> bytes:
    """The file's content, in index order."""
    return b''.join(b'%d %s\n' % (_LETTERS.index(letter), keyword)
                    for letter, keyword in sorted(keywords.items()))


def read_keywords(maildir: Path) -> dict[str, bytes]:
    """The keyword table of *maildir* (empty when there is no file)."""
    try:
        return parse_keywords((maildir / KEYWORDS_FILE).read_bytes())
    except FileNotFoundError:
        return {}


def add_keywords(maildir: Path, wanted: Iterable[bytes],
                 fsync: bool) -> dict[str, bytes]:
    """Gives each keyword in *wanted* a letter, writing the file if any was
    missing; returns the whole table. Raises :exc:`KeywordLimit` when the
    letters run out."""
    path = maildir / KEYWORDS_FILE
    with DotLock(path):
        keywords = read_keywords(maildir)
        known = set(keywords.values())
        missing = sorted(set(wanted) - known)
        if not missing:
            return keywords
        free = [letter for letter in _LETTERS if letter not in keywords]
        if len(missing) > len(free):
            raise KeywordLimit()
        keywords.update(zip(free, missing, strict=False))
        write_atomic(path, render_keywords(keywords), fsync)
        return keywords

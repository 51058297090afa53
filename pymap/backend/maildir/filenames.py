"""Maildir file names: unique base names, ``S=``/``W=`` sizes and the
``:2,`` flag letters.

A message file is named ``<base>:2,<letters>`` (D. J. Bernstein's maildir
specification, "info" semantics). Dovecot's extensions, which this module
follows, are documented in its Maildir format notes: the base carries
``,S=<file size>`` and ``,W=<size with CRLF line endings>`` so that sizes
never need the message content, and lower-case letters ``a``..``z`` stand
for the keywords listed in ``dovecot-keywords``.
"""

from __future__ import annotations

import itertools
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from pymap.interfaces.storage import FlagSet

__all__ = [
    'SYSTEM_LETTERS',
    'FlagLetters',
    'base_sizes',
    'filename',
    'new_base',
    'renamed_base',
    'split_filename',
]

#: System flags and their info letters. ``P`` (passed) has no IMAP flag
#: and, like every letter not understood, is kept as it is.
SYSTEM_LETTERS: Mapping[bytes, str] = {
    b'\\Draft': 'D', b'\\Flagged': 'F', b'\\Answered': 'R',
    b'\\Seen': 'S', b'\\Deleted': 'T'}
_FLAG_OF_LETTER = {letter: flag for flag, letter in SYSTEM_LETTERS.items()}
_INFO = ':2,'

_deliveries = itertools.count(1)


def _host() -> str:
    """The host name with ``/`` and ``:`` written as octal escapes, as the
    maildir specification asks; ``,`` too, since it starts a size field."""
    name = socket.gethostname() or 'localhost'
    return name.replace('/', r'\057').replace(':', r'\072') \
        .replace(',', r'\054')


def _unique(now: float) -> str:
    """``<seconds>.M<microseconds>P<pid>Q<delivery count>.<host>``."""
    seconds = int(now)
    micros = int((now - seconds) * 1_000_000)
    return f'{seconds}.M{micros}P{os.getpid()}Q{next(_deliveries)}' \
        f'.{_host()}'


def new_base(now: float, size: int, vsize: int) -> str:
    """A unique base name with its sizes:
    ``<unique>,S=<size>,W=<vsize>``."""
    return f'{_unique(now)},S={size},W={vsize}'


def renamed_base(now: float, base: str) -> str:
    """A new unique base keeping the size fields of *base* (for a file
    whose base name is already taken)."""
    comma = base.find(',')
    return _unique(now) + (base[comma:] if comma >= 0 else '')


def split_filename(name: str) -> tuple[str, str]:
    """Splits a file name into its base and its info letters (empty
    without a ``:2,`` part)."""
    base, _, info = name.partition(':')
    return base, info[2:] if info.startswith('2,') else ''


def filename(base: str, letters: str) -> str:
    """The file name of a message in ``cur/``."""
    return base + _INFO + letters


@lru_cache(maxsize=4096)
def base_sizes(base: str) -> tuple[int | None, int | None]:
    """The ``S=`` (file size) and ``W=`` (CRLF size) fields of a base
    name, where present (kept for the names read lately: a FETCH of a
    body asks for them each time)."""
    size = vsize = None
    for field in base.split(',')[1:]:
        key, _, value = field.partition('=')
        if value.isdigit():
            if key == 'S':
                size = int(value)
            elif key == 'W':
                vsize = int(value)
    return size, vsize


@dataclass(frozen=True, slots=True)
class FlagLetters:
    """Translates between flags and info letters with one mailbox's
    keyword letters."""

    keywords: Mapping[str, bytes]

    def flags(self, letters: str) -> FlagSet:
        """The flags that *letters* stand for."""
        flags = set()
        for letter in letters:
            flag = _FLAG_OF_LETTER.get(letter) or self.keywords.get(letter)
            if flag is not None:
                flags.add(flag)
        return frozenset(flags)

    def letters(self, flags: Iterable[bytes], kept: str) -> str:
        """The sorted info letters for *flags*, plus the letters in *kept*
        that stand for no known flag (they are preserved untouched)."""
        letter_of = {flag: letter for letter, flag in self.keywords.items()}
        chosen = {SYSTEM_LETTERS.get(flag) or letter_of[flag]
                  for flag in flags}
        chosen.update(letter for letter in kept
                      if letter not in _FLAG_OF_LETTER
                      and letter not in self.keywords)
        return ''.join(sorted(chosen))

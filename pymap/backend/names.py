"""Mailbox name rules and LIST pattern matching (RFC 3501 §5.1, §6.3.8)."""

from __future__ import annotations

import re
from functools import lru_cache

from pymap.exceptions import InvalidName
from pymap.interfaces.storage import DELIMITER

__all__ = ['check_name', 'join_pattern', 'match_pattern', 'parents_of']

MAX_NAME_LENGTH = 1000


def check_name(name: str) -> str:
    """Validates a mailbox name: no empty hierarchy levels, no control
    characters, not too long. A trailing delimiter is dropped (RFC 3501
    §6.3.3)."""
    name = name.removesuffix(DELIMITER)
    levels = name.split(DELIMITER)
    if not name or len(name) > MAX_NAME_LENGTH or '' in levels:
        raise InvalidName()
    if not name.isprintable() \
            and any(ord(char) < 0x20 or ord(char) == 0x7f for char in name):
        raise InvalidName()
    if levels[0].upper() == 'INBOX':
        levels[0] = 'INBOX'
    return DELIMITER.join(levels)


def parents_of(name: str) -> list[str]:
    """The superior names of *name*, outermost first."""
    levels = name.split(DELIMITER)
    return [DELIMITER.join(levels[:i]) for i in range(1, len(levels))]


def join_pattern(reference: str, pattern: str) -> str:
    """Combines LIST's reference and pattern arguments."""
    if not reference or pattern.startswith(DELIMITER):
        return pattern
    if reference.endswith(DELIMITER):
        return reference + pattern
    return reference + DELIMITER + pattern


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == '*':
            parts.append('.*')
        elif char == '%':
            parts.append(f'[^{re.escape(DELIMITER)}]*')
        else:
            parts.append(re.escape(char))
    regex = ''.join(parts)
    if pattern[:5].upper() == 'INBOX':
        regex = '(?i:INBOX)' + ''.join(parts[5:])
    return re.compile(regex, re.DOTALL)


def match_pattern(pattern: str, name: str) -> bool:
    """Whether *name* matches a LIST pattern (``*`` any, ``%`` any within
    one hierarchy level)."""
    return _compile(pattern).fullmatch(name) is not None

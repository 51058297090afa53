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


_INBOX = re.compile('(?i:INBOX)')


def _collapse(pattern: str) -> str:
    """*pattern* with each run of wildcards as one: ``*`` where the run
    holds a ``*``, else ``%``. The names it matches are the same."""
    return re.sub(r'[*%]{2,}',
                  lambda run: '*' if '*' in run[0] else '%', pattern)


def _is_linear(pattern: str) -> bool:
    """Whether the regular expression :func:`_regex` makes of the collapsed
    *pattern* matches in time about ``len(pattern) * len(name)``: every
    wildcard but the last is a ``%`` the delimiter follows, which has one
    way to match, so the engine only ever backtracks over the last one.
    This holds for the common ``*``, ``%``, ``prefix/*`` and ``%/%``,
    which a regular expression matches faster than :class:`_Glob`."""
    wildcards = [index for index, char in enumerate(pattern)
                 if char in '*%']
    return all(pattern[index:index + 2] == '%' + DELIMITER
               for index in wildcards[:-1])


def _regex(pattern: str, inbox: bool) -> re.Pattern[str]:
    parts = ['(?i:INBOX)'] if inbox else []
    for char in pattern:
        if char == '*':
            parts.append('.*')
        elif char == '%':
            parts.append(f'[^{re.escape(DELIMITER)}]*')
        else:
            parts.append(re.escape(char))
    return re.compile(''.join(parts), re.DOTALL)


class _Glob:
    """A LIST pattern as a bit-parallel NFA over its positions (RFC 3501
    §6.3.8, RFC 9051 §6.3.9), for the patterns a backtracking regular
    expression could take exponential time on. Bit *i* of a state means
    the name read so far matches the pattern's first *i* characters; each
    name character costs a few operations on ints of ``len(pattern)``
    bits. The pattern's wildcards are collapsed, so no two are adjacent
    and one step after each character closes the state over them."""

    def __init__(self, pattern: str) -> None:
        self.literals: dict[str, int] = {}
        self.stars = 0
        self.wildcards = 0
        for index, char in enumerate(pattern):
            bit = 1 << index
            if char == '*':
                self.stars |= bit
            if char in '*%':
                self.wildcards |= bit
            else:
                self.literals[char] = self.literals.get(char, 0) | bit
        self.end = 1 << len(pattern)

    def match(self, name: str) -> bool:
        wildcards = self.wildcards
        state = 1 | (1 & wildcards) << 1
        for char in name:
            loops = self.stars if char == DELIMITER else wildcards
            state = (state & self.literals.get(char, 0)) << 1 \
                | (state & loops)
            state |= (state & wildcards) << 1
            if not state:
                return False
        return state & self.end != 0


class _Matcher:
    """A compiled LIST pattern: a pattern that begins with ``INBOX`` in any
    case matches that prefix case-insensitively (RFC 3501 §5.1, RFC 9051
    §5.1), the rest as :class:`_Glob` or, where that is linear, a regular
    expression."""

    def __init__(self, pattern: str) -> None:
        self.inbox = pattern[:5].upper() == 'INBOX'
        rest = _collapse(pattern[5:] if self.inbox else pattern)
        self.glob: _Glob | None = None
        self.regex: re.Pattern[str] | None = None
        if _is_linear(rest):
            self.regex = _regex(rest, self.inbox)
        else:
            self.glob = _Glob(rest)

    def match(self, name: str) -> bool:
        """Whether *name* matches, where :attr:`regex` is not set."""
        if self.inbox:
            if _INBOX.match(name) is None:
                return False
            name = name[5:]
        assert self.glob is not None
        return self.glob.match(name)


@lru_cache(maxsize=256)
def _compile(pattern: str) -> _Matcher:
    return _Matcher(pattern)


def match_pattern(pattern: str, name: str) -> bool:
    """Whether *name* matches a LIST pattern: ``*`` matches any characters,
    ``%`` any but the hierarchy delimiter (RFC 3501 §6.3.8, RFC 9051
    §6.3.9). The cost is at most about ``len(pattern) * len(name)``
    however the wildcards are arranged."""
    matcher = _compile(pattern)
    regex = matcher.regex
    if regex is not None:
        return regex.fullmatch(name) is not None
    return matcher.match(name)

"""Grammar primitives of RFC 3501 §9 over a complete command buffer.

The framer hands the parser one whole command, so every primitive here
works on complete data and never needs to ask for more. A literal's octets
follow its announcement in the command's bytes, as on the wire, or, as the
framer gives them, come apart from the lines, in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

__all__ = ['MAX_NUMBER', 'ParseError', 'Scanner', 'to_number']

_T = TypeVar('_T')

_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')
_ASTRING_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\]+')
_LIST_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){"\\]+')
_TAG = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\+]+')
_NUMBER = re.compile(rb'[0-9]+')
_QUOTED = re.compile(rb'"((?:[^"\\\r\n\x00]|\\["\\])*)"')
_QUOTED_ESCAPE = re.compile(rb'\\(["\\])')
_LITERAL = re.compile(rb'(~?)\{([0-9]+)(\+?)\}\r\n')

MAX_NUMBER = 2 ** 32 - 1
#: Digits beyond this many are a number out of every range the grammar
#: allows (``number64`` included, RFC 9051 §9).
_MAX_DIGITS = 20
_TOO_LARGE = 10 ** _MAX_DIGITS


def to_number(digits: bytes) -> int:
    """A run of ASCII digits as an int. A run too long for any number of
    the grammar counts as one past every limit, so range checks reject it
    without converting thousands of digits, which the interpreter refuses
    beyond 4,300."""
    return int(digits) if len(digits) <= _MAX_DIGITS else _TOO_LARGE


class ParseError(ValueError):
    """The command does not match the grammar; the text says where."""


class Scanner:
    """A cursor over one command's bytes with the RFC 3501 primitives.

    Args:
        data: The whole command, without its final CRLF.
        pos: Where to start.
        literals: The octets of the command's literals when *data* holds
            only their announcements; empty when they follow them in it.
    """

    __slots__ = ('_literals', 'data', 'pos')

    def __init__(self, data: bytes, pos: int = 0,
                 literals: Sequence[bytes] = ()) -> None:
        self.data = data
        self.pos = pos
        self._literals: Iterator[bytes] | None = \
            iter(literals) if literals else None

    def error(self, expected: str) -> ParseError:
        """A parse error describing what was expected at the cursor."""
        return ParseError(f'Expected {expected}.')

    @property
    def at_end(self) -> bool:
        """True when every byte has been consumed."""
        return self.pos >= len(self.data)

    def peek(self, size: int = 1) -> bytes:
        """The next *size* bytes, not consumed."""
        return self.data[self.pos:self.pos + size]

    def _match(self, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
        match = pattern.match(self.data, self.pos)
        if match is not None:
            self.pos = match.end()
        return match

    def _token(self, pattern: re.Pattern[bytes], expected: str) -> bytes:
        match = self._match(pattern)
        if match is None:
            raise self.error(expected)
        return match.group(0)

    def try_literal_bytes(self, exact: bytes) -> bool:
        """Consume *exact* (case-insensitively) if it is next."""
        pos = self.pos
        end = pos + len(exact)
        if self.data.startswith(exact, pos) \
                or self.data[pos:end].upper() == exact.upper():
            self.pos = end
            return True
        return False

    def expect(self, exact: bytes) -> None:
        """Consume *exact* (case-insensitively) or fail."""
        if not self.try_literal_bytes(exact):
            raise self.error(repr(exact.decode('ascii')))

    def sp(self) -> None:
        """Consume exactly one space."""
        if not self.data.startswith(b' ', self.pos):
            raise self.error("' '")
        self.pos += 1

    def end(self) -> None:
        """Fail unless the command has been fully consumed."""
        if not self.at_end:
            raise self.error('end of command')

    def tag(self) -> bytes:
        """A command tag: any ASTRING-CHAR but ``+``."""
        return self._token(_TAG, 'tag')

    def atom(self) -> bytes:
        """An atom (RFC 3501 §9 ``atom``)."""
        return self._token(_ATOM, 'atom')

    def keyword(self) -> bytes:
        """An atom, upper-cased, for matching command and item names."""
        return self.atom().upper()

    def number(self, nonzero: bool = False) -> int:
        """A 32-bit unsigned ``number`` (or ``nz-number``)."""
        value = to_number(self._token(_NUMBER, 'number'))
        if value > MAX_NUMBER or (nonzero and value == 0):
            raise self.error('number in range')
        return value

    def quoted(self) -> bytes:
        """A quoted string, unescaped."""
        match = self._match(_QUOTED)
        if match is None:
            raise self.error('quoted string')
        return _QUOTED_ESCAPE.sub(rb'\1', match.group(1))

    def literal(self, allow_binary: bool = False) -> tuple[bytes, bool]:
        """A literal ``{n}``/``{n+}`` (RFC 7888) or, if allowed, a literal8
        ``~{n}`` (RFC 3516). Returns the bytes and whether it was a
        literal8."""
        match = self._match(_LITERAL)
        if match is None:
            raise self.error('literal')
        binary = bool(match.group(1))
        if binary and not allow_binary:
            raise self.error('literal, not literal8')
        value = self._octets(to_number(match.group(2)))
        if not binary and b'\x00' in value:
            raise self.error('literal without NUL')
        return value, binary

    def _octets(self, size: int) -> bytes:
        """The octets of the literal just announced."""
        if self._literals is not None:
            value = next(self._literals, None)
            if value is not None and len(value) == size:
                return value
        else:
            start = self.pos
            self.pos = start + size
            if self.pos <= len(self.data):
                return self.data[start:self.pos]
        raise self.error(f'literal of {size} bytes')

    def string(self) -> bytes:
        """A quoted string or a literal."""
        first = self.peek()
        if first == b'"':
            return self.quoted()
        if first == b'{':
            return self.literal()[0]
        raise self.error('string')

    def astring(self) -> bytes:
        """An atom (with ``]`` allowed) or a string."""
        if self.peek() in (b'"', b'{'):
            return self.string()
        return self._token(_ASTRING_ATOM, 'astring')

    def list_mailbox(self) -> bytes:
        """A LIST pattern: atom chars plus ``%`` and ``*``, or a string."""
        if self.peek() in (b'"', b'{'):
            return self.string()
        return self._token(_LIST_ATOM, 'list-mailbox')

    def nil(self) -> bool:
        """Consume ``NIL`` if it is next."""
        return self.try_literal_bytes(b'NIL') and not self._atom_continues()

    def _atom_continues(self) -> bool:
        if _ATOM.match(self.data, self.pos):
            self.pos -= 3
            return True
        return False

    def nstring(self) -> bytes | None:
        """A string or NIL."""
        if self.nil():
            return None
        return self.string()

    def paren_list(self, item: Callable[[Scanner], _T],
                   allow_empty: bool = True) -> list[_T]:
        """A parenthesized, space-separated list of *item*."""
        self.expect(b'(')
        items: list[_T] = []
        if self.try_literal_bytes(b')'):
            if not allow_empty:
                raise self.error('non-empty list')
            return items
        while True:
            items.append(item(self))
            if self.try_literal_bytes(b')'):
                return items
            self.sp()

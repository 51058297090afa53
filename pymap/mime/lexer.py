"""Lexical tokens of structured header field bodies.

RFC 5322 section 3.2 (atoms, quoted strings, comments, domain literals) and
RFC 2045 section 5.1 (MIME tokens and "tspecials").  The same scanner serves
both grammars; they differ only in which characters are specials.
"""

import enum
import re
from dataclasses import dataclass

__all__ = [
    "ADDRESS_LEXER",
    "MIME_LEXER",
    "Kind",
    "Lexer",
    "Token",
    "join_words",
]

_QUOTED_PAIR = re.compile(rb"\\(.)", re.S)
#: The groups of :attr:`Lexer._scan`, told apart by ``lastindex``.
_SPACE, _ATOM, _QUOTED, _QUOTED_TEXT = 1, 2, 3, 4
_LITERAL, _COMMENT, _SPECIAL = 5, 6, 7


class Kind(enum.Enum):
    """The kinds of lexical token (RFC 5322 section 3.2)."""

    ATOM = enum.auto()
    QUOTED = enum.auto()
    COMMENT = enum.auto()
    LITERAL = enum.auto()
    SPECIAL = enum.auto()


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token (RFC 5322 section 3.2); *text* has quoting
    removed from quoted strings and comments.

    *spaced* tells whether white space or a comment came before the token,
    so that words can be joined the way they were written.
    """

    kind: Kind
    text: bytes
    spaced: bool


class Lexer:
    """A tokenizer for one set of special characters: RFC 5322 section
    3.2.3 "specials" or RFC 2045 section 5.1 "tspecials"."""

    def __init__(self, specials: bytes) -> None:
        atom = rb"[^" + re.escape(specials + b' \t\r\n()"[') + rb"]+"
        #: One token (or white space) at a time: the alternatives are
        #: white space, an atom, a quoted string (an unterminated one runs
        #: to the end), a domain literal, the start of a comment, and any
        #: other single octet, a special.
        self._scan = re.compile(
            rb"([ \t\r\n]+)|(" + atom + rb')|("((?:[^"\\]|\\.)*)"?)'
            rb"|(\[(?:[^\]\\]|\\.)*\]?)|(\()|(.)",
            re.S,
        )
        self._comment_piece = re.compile(rb"[^()\\]+|\\.?|[()]", re.S)

    def tokenize(self, value: bytes) -> list[Token]:
        """Split a structured field body into tokens (RFC 5322 section
        3.2); never fails."""
        tokens: list[Token] = []
        pos, spaced, scan = 0, False, self._scan.match
        while pos < len(value):
            match = scan(value, pos)
            # the last alternative takes any octet, and every one is a group
            assert match is not None and match.lastindex is not None
            group = match.lastindex
            if group == _SPACE:
                pos, spaced = match.end(), True
                continue
            if group == _COMMENT:
                text, pos = self._comment(value, pos)
                tokens.append(Token(Kind.COMMENT, text, spaced))
                spaced = True
                continue
            if group == _QUOTED:
                text = _unquote(match[_QUOTED_TEXT])
                token = Token(Kind.QUOTED, text, spaced)
            else:
                token = Token(_KINDS[group], match.group(), spaced)
            tokens.append(token)
            pos, spaced = match.end(), False
        return tokens

    def _comment(self, value: bytes, pos: int) -> tuple[bytes, int]:
        """Scan a possibly nested comment; return its inner text and end.
        An unterminated comment runs to the end of *value*."""
        depth, start = 0, pos
        while pos < len(value):
            piece = self._comment_piece.match(value, pos)
            assert piece is not None
            pos = piece.end()
            depth += {b"(": 1, b")": -1}.get(piece.group(), 0)
            if depth == 0:
                return _unquote(value[start + 1 : pos - 1]), pos
        return _unquote(value[start + 1 :]), pos


#: The kind of token each group of :attr:`Lexer._scan` matches.
_KINDS = {_ATOM: Kind.ATOM, _LITERAL: Kind.LITERAL, _SPECIAL: Kind.SPECIAL}


def _unquote(text: bytes) -> bytes:
    """Remove the backslash of quoted pairs (RFC 5322 section 3.2.1)."""
    if b"\\" not in text:
        return text
    return _QUOTED_PAIR.sub(rb"\1", text)


def join_words(tokens: list[Token]) -> bytes:
    """Join the non-comment tokens, with one space where the original had
    white space or a comment between them (RFC 5322 section 3.2.2)."""
    words = [t for t in tokens if t.kind is not Kind.COMMENT]
    parts = [
        (b" " if t.spaced and i else b"") + t.text for i, t in enumerate(words)
    ]
    return b"".join(parts)


ADDRESS_LEXER = Lexer(b'()<>@,;:\\".[]')
MIME_LEXER = Lexer(b'()<>@,;:\\"/[]?=')

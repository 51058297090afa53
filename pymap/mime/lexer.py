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
        stops = re.escape(specials + b' \t\r\n()"[')
        self._atom = re.compile(rb"[^" + stops + rb"]+")
        self._space = re.compile(rb"[ \t\r\n]+")
        self._quoted = re.compile(rb'"((?:[^"\\]|\\.)*)"?', re.S)
        self._literal = re.compile(rb"\[(?:[^\]\\]|\\.)*\]?", re.S)
        self._comment_piece = re.compile(rb"[^()\\]+|\\.?|[()]", re.S)

    def tokenize(self, value: bytes) -> list[Token]:
        """Split a structured field body into tokens (RFC 5322 section
        3.2); never fails."""
        tokens: list[Token] = []
        pos, spaced = 0, False
        while pos < len(value):
            space = self._space.match(value, pos)
            if space:
                pos, spaced = space.end(), True
                continue
            token, pos = self._token(value, pos, spaced)
            tokens.append(token)
            spaced = token.kind is Kind.COMMENT
        return tokens

    def _token(
        self, value: bytes, pos: int, spaced: bool
    ) -> tuple[Token, int]:
        char = value[pos : pos + 1]
        if char == b"(":
            text, end = self._comment(value, pos)
            return Token(Kind.COMMENT, text, spaced), end
        if char == b'"':
            match = self._quoted.match(value, pos)
            assert match is not None
            text = _unquote(match.group(1))
            return Token(Kind.QUOTED, text, spaced), match.end()
        if char == b"[":
            match = self._literal.match(value, pos)
            assert match is not None
            return Token(Kind.LITERAL, match.group(), spaced), match.end()
        match = self._atom.match(value, pos)
        if match:
            return Token(Kind.ATOM, match.group(), spaced), match.end()
        return Token(Kind.SPECIAL, char, spaced), pos + 1

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


def _unquote(text: bytes) -> bytes:
    """Remove the backslash of quoted pairs (RFC 5322 section 3.2.1)."""
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

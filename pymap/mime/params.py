"""Parameterized MIME header fields: Content-Type, Content-Disposition.

RFC 2045 section 5.1 (``type "/" subtype *(";" parameter)``), RFC 2183
section 2 (disposition parameters) and RFC 2231 section 3 (parameter value
continuations).
"""

import re
from dataclasses import dataclass

from .lexer import MIME_LEXER, Kind, Token, join_words
from .memo import memoize_short

__all__ = [
    "Parameterized",
    "Params",
    "find_param",
    "parse_language_tags",
    "parse_parameterized",
]

Params = tuple[tuple[bytes, bytes], ...]

_SECTION = re.compile(rb"(.+)\*([0-9]{1,9})(\*?)\Z", re.S)
_NOT_ATTRIBUTE_CHAR = re.compile(
    rb'[\x00-\x20\x7f-\xff*\'%()<>@,;:\\"/\[\]?=]'
)


@dataclass(frozen=True, slots=True)
class Parameterized:
    """A header value followed by parameters, both as written (RFC 2045
    section 5.1, RFC 2183 section 2)."""

    value: bytes
    params: Params

    def param(self, name: bytes) -> bytes | None:
        """The first parameter called *name* (see :func:`find_param`)."""
        return find_param(self.params, name)


def find_param(params: Params, name: bytes) -> bytes | None:
    """The value of the first parameter called *name*; parameter names
    are case-insensitive (RFC 2045 section 5.1)."""
    wanted = name.lower()
    return next((v for k, v in params if k.lower() == wanted), None)


@memoize_short
def parse_parameterized(field_value: bytes) -> Parameterized:
    """Parse ``value *(";" attribute "=" value)``, dropping comments.

    Parameters split by RFC 2231 continuations (``name*0*=...``,
    ``name*1=...``) are joined into one: ``name*`` holding the still encoded
    value when the first section is encoded, ``name`` otherwise.  This keeps
    BODYSTRUCTURE ASCII and lets clients decode RFC 2231 themselves.
    Short values are parsed once (:func:`~.memo.memoize_short`).
    """
    groups = _split(MIME_LEXER.tokenize(field_value), b";")
    head = b"".join(t.text for t in groups[0] if t.kind is not Kind.COMMENT)
    pairs = [pair for pair in map(_parameter, groups[1:]) if pair is not None]
    return Parameterized(head, _join_continuations(pairs))


def parse_language_tags(field_value: bytes) -> list[bytes]:
    """The language tags of a Content-Language field (RFC 3282 section 2)."""
    tokens = MIME_LEXER.tokenize(field_value)
    return [t.text for t in tokens if t.kind in (Kind.ATOM, Kind.QUOTED)]


def _split(tokens: list[Token], separator: bytes) -> list[list[Token]]:
    groups: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind is Kind.SPECIAL and token.text == separator:
            groups.append([])
        else:
            groups[-1].append(token)
    return groups


def _parameter(tokens: list[Token]) -> tuple[bytes, bytes] | None:
    """``attribute "=" value``; the value may be several tokens when the
    sender forgot to quote it, e.g. ``boundary=----=_Part_1``."""
    equals = next((i for i, t in enumerate(tokens) if _is_equals(t)), None)
    if equals is None:
        return None
    attribute = join_words(tokens[:equals])
    return (attribute, join_words(tokens[equals + 1 :])) if attribute else None


def _is_equals(token: Token) -> bool:
    return token.kind is Kind.SPECIAL and token.text == b"="


@dataclass(slots=True)
class _Continued:
    """The sections of one parameter split per RFC 2231 section 3."""

    name: bytes
    sections: list[tuple[int, bool, bytes]]

    def joined(self) -> tuple[bytes, bytes]:
        ordered = sorted(self.sections, key=lambda section: section[0])
        if not ordered[0][1]:
            return self.name, b"".join(value for _, _, value in ordered)
        encoded = (
            v if extended else _percent_encode(v) for _, extended, v in ordered
        )
        return self.name + b"*", b"".join(encoded)


def _join_continuations(pairs: list[tuple[bytes, bytes]]) -> Params:
    slots: list[tuple[bytes, bytes] | _Continued] = []
    continued: dict[bytes, _Continued] = {}
    for name, value in pairs:
        match = _SECTION.match(name)
        if match is None:
            slots.append((name, value))
            continue
        base, number, star = match.groups()
        if base.lower() not in continued:
            continued[base.lower()] = _Continued(base, [])
            slots.append(continued[base.lower()])
        continued[base.lower()].sections.append(
            (int(number), bool(star), value)
        )
    return tuple(s.joined() if isinstance(s, _Continued) else s for s in slots)


def _percent_encode(value: bytes) -> bytes:
    """Encode a plain section for use inside an RFC 2231 encoded value."""
    return _NOT_ATTRIBUTE_CHAR.sub(
        lambda char: b"%%%02X" % char.group()[0], value
    )

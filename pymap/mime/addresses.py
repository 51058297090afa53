"""Address lists as RFC 3501 section 7.4.2 envelope address structures.

The grammar is RFC 5322 section 3.4 (with the obsolete source routes of
section 4.4), parsed leniently: no input makes the parser fail.
"""

import re

from .lexer import ADDRESS_LEXER, Kind, Token, join_words
from .memo import memoize_short
from .sexp import SExp

__all__ = ["MISSING_DOMAIN", "MISSING_MAILBOX", "parse_address_list"]

#: Placeholders for an address without a local part or without a domain.
#: RFC 3501 section 7.4.2 reserves a NIL host name for group syntax, so a
#: missing part cannot be NIL; these are the values Dovecot uses as well.
MISSING_MAILBOX = b"MISSING_MAILBOX"
MISSING_DOMAIN = b"MISSING_DOMAIN"

_SEPARATORS = (b",", b";")
_PHRASE_END = (b":", b"<", b"@", *_SEPARATORS)
_MEMBER_PHRASE_END = (b"<", b"@", *_SEPARATORS)
_WORDS = (Kind.ATOM, Kind.LITERAL, Kind.QUOTED)

#: ``(name adl mailbox host)``, immutable so that it may be shared.
_Address = tuple[bytes | None, bytes | None, bytes | None, bytes | None]
_GROUP_END: _Address = (None, None, None, None)


def parse_address_list(value: bytes) -> list[SExp]:
    """Parse an address list into envelope addresses
    ``(name adl mailbox host)`` (RFC 3501 section 7.4.2).

    A group becomes a ``(NIL NIL group-name NIL)`` start marker, its members
    and a ``(NIL NIL NIL NIL)`` end marker.  Names, routes, local parts and
    domains stay as written: quoting is removed, encoded words are not
    decoded.  An absent display name falls back to a comment in the address.
    Short values are parsed once (:func:`~.memo.memoize_short`).
    """
    return [list(address) for address in _parse(value)]


@memoize_short
def _parse(value: bytes) -> tuple[_Address, ...]:
    simple = _simple_list(value)
    if simple is not None:
        return simple
    return tuple(_AddressParser(ADDRESS_LEXER.tokenize(value)).address_list())


#: RFC 5322 section 3.2.3 ``atext``, a dot-atom of it, and a local part
#: of atext and dots in any order (RFC 5322 section 4.4, obs-local-part).
_ATEXT_OCTETS = rb"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_ATEXT = rb"[" + _ATEXT_OCTETS + rb"]"
_DOT_ATOM = _ATEXT + rb"+(?:\." + _ATEXT + rb"+)*"
_LOCAL = rb"[." + _ATEXT_OCTETS + rb"]+"
_FWS = rb"[ \t\r\n]*"
#: One address of the forms nearly every list holds: ``local@domain`` or
#: ``Display Name <local@domain>`` (RFC 5322 section 3.4), where the name
#: is atoms and dots, with no comment, quoted string, domain literal,
#: route or group anywhere.  The local part is atext and dots; the domain
#: a dot-atom.
_SIMPLE_ADDRESS = re.compile(
    _FWS + rb"(?:([^<>@,;:\\\"\[\]()]*?)" + _FWS + rb"<"
    + _FWS + rb"(" + _LOCAL + rb")@(" + _DOT_ATOM + rb")"
    + _FWS + rb">|(" + _LOCAL + rb")@(" + _DOT_ATOM + rb"))"
    + _FWS
)
_WHITE_SPACE = re.compile(rb"[ \t\r\n]+")


def _simple_list(value: bytes) -> tuple[_Address, ...] | None:
    """The addresses of a list made only of the simple forms that
    :data:`_SIMPLE_ADDRESS` matches, without tokenizing: the lexer's token
    objects cost several microseconds an address, and long ``To`` and
    ``Cc`` fields hold thousands.  None when any address is not simple:
    the full parser then reads the whole list.  The result is the full
    parser's (a test compares the two)."""
    addresses: list[_Address] = []
    match = _SIMPLE_ADDRESS.fullmatch
    for piece in value.split(b","):
        found = match(piece)
        if found is None:
            if _WHITE_SPACE.fullmatch(piece) or not piece:
                continue
            return None
        name, local, domain, bare_local, bare_domain = found.groups()
        if local is None:
            addresses.append((None, None, bare_local, bare_domain))
        else:
            name = _WHITE_SPACE.sub(b" ", name).strip(b" ")
            addresses.append((name or None, None, local, domain))
    return tuple(addresses)


class _AddressParser:
    """Recursive descent over tokens; every step consumes at least one."""

    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._pos = 0

    def address_list(self) -> list[_Address]:
        addresses: list[_Address] = []
        while self._pos < len(self._tokens):
            if not self._take(*_SEPARATORS):
                addresses.extend(self._address())
        return addresses

    def _address(self) -> list[_Address]:
        start = self._pos
        phrase = self._until(_PHRASE_END)
        if self._take(b":"):
            return self._group(phrase)
        mailbox = self._mailbox(start, phrase)
        return [] if mailbox is None else [mailbox]

    def _group(self, phrase: list[Token]) -> list[_Address]:
        members: list[_Address] = [(None, None, join_words(phrase), None)]
        while self._pos < len(self._tokens) and not self._take(b";"):
            if not self._take(b","):
                start = self._pos
                mailbox = self._mailbox(start, self._until(_MEMBER_PHRASE_END))
                members.extend([] if mailbox is None else [mailbox])
        members.append(_GROUP_END)
        return members

    def _mailbox(self, start: int, phrase: list[Token]) -> _Address | None:
        """``name-addr`` or ``addr-spec``; *phrase* was read from *start*.
        Returns None when there was nothing but comments."""
        route: list[Token] = []
        if self._take(b"<"):
            route, local, domain = self._angle_addr()
        else:
            local, phrase = phrase, []
            domain = self._dotted() if self._take(b"@") else []
        self._until(_SEPARATORS)
        if not any(map(_plain, (phrase, route, local, domain))):
            return None
        name = join_words(phrase) or self._first_comment(start)
        return (
            name,
            _plain(route) or None,
            _plain(local) or MISSING_MAILBOX,
            _plain(domain) or MISSING_DOMAIN,
        )

    def _first_comment(self, start: int) -> bytes | None:
        """The first comment read since *start*: a name for the address."""
        tokens = self._tokens[start : self._pos]
        return next((t.text for t in tokens if t.kind is Kind.COMMENT), None)

    def _angle_addr(self) -> tuple[list[Token], list[Token], list[Token]]:
        """``"<" [route ":"] local-part ["@" domain] ">"`` after the "<"."""
        route: list[Token] = []
        if self._at(b"@"):
            route = self._until((b":", b">", b";"))
            self._take(b":")
        local = self._until((b"@", b">", *_SEPARATORS))
        domain = self._dotted() if self._take(b"@") else []
        self._until((b">", *_SEPARATORS))
        self._take(b">")
        return route, local, domain

    def _dotted(self) -> list[Token]:
        """A domain: words joined by dots, comments allowed around them
        (RFC 5322 section 4.4, obs-domain).  Stops before anything else."""
        start, want_word = self._pos, True
        while self._pos < len(self._tokens):
            token = self._tokens[self._pos]
            if token.kind is Kind.COMMENT:
                pass
            elif want_word and token.kind in _WORDS:
                want_word = False
            elif want_word or not self._at(b"."):
                break
            else:
                want_word = True
            self._pos += 1
        return self._tokens[start : self._pos]

    def _at(self, *specials: bytes) -> bool:
        if self._pos >= len(self._tokens):
            return False
        token = self._tokens[self._pos]
        return token.kind is Kind.SPECIAL and token.text in specials

    def _take(self, *specials: bytes) -> bool:
        found = self._at(*specials)
        self._pos += found
        return found

    def _until(self, specials: tuple[bytes, ...]) -> list[Token]:
        start = self._pos
        while self._pos < len(self._tokens) and not self._at(*specials):
            self._pos += 1
        return self._tokens[start : self._pos]


def _plain(tokens: list[Token]) -> bytes:
    """Concatenate tokens without comments or white space, as the local
    part, domain and route are meant (RFC 5322 section 3.4.1)."""
    return b"".join(t.text for t in tokens if t.kind is not Kind.COMMENT)

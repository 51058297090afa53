"""Response serialization (RFC 3501 §7, §9).

Strings choose their own form: quoted when every byte may stand in a quoted
string and it is short, a literal otherwise, and a literal8 (RFC 3516) when
the data holds NUL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pymap.mime.sexp import SExp

from .modutf7 import encode_modutf7

__all__ = [
    'Response', 'render_astring', 'render_list', 'render_mailbox',
    'render_nstring', 'render_sexp', 'render_status', 'render_string',
    'render_string_parts',
]

#: Longer strings go out as literals.
_QUOTED_MAX = 1024
_QUOTABLE = re.compile(rb'[\x01-\x09\x0b\x0c\x0e-\x7f]*')
_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')
_QUOTE_ESCAPE = re.compile(rb'(["\\])')


def render_string(value: bytes, binary: bool = False) -> bytes:
    """A quoted string or a literal. A NUL byte may not appear in a
    literal (RFC 3501 §4.3): with *binary* the value goes out as a literal8
    (RFC 3516 §4.2), otherwise each NUL is sent as 0x80, as Dovecot
    does."""
    head, octets = render_string_parts(value, binary)
    return head + octets


def render_string_parts(value: bytes,
                        binary: bool = False) -> tuple[bytes, bytes]:
    """:func:`render_string` in two parts: a literal's announcement and its
    octets, or a quoted string and ``b''``. A caller that joins them with
    the rest of its response copies a large value once, not twice."""
    # The length first: a bounded pattern would backtrack over a long
    # value's first kilobyte before it gave up.
    if len(value) <= _QUOTED_MAX and _QUOTABLE.fullmatch(value):
        if b'"' in value or b'\\' in value:
            value = _QUOTE_ESCAPE.sub(rb'\\\1', value)
        return b'"' + value + b'"', b''
    prefix = b''
    if b'\x00' in value:
        if binary:
            prefix = b'~'
        else:
            value = value.replace(b'\x00', b'\x80')
    return b'%s{%d}\r\n' % (prefix, len(value)), value


def render_nstring(value: bytes | None) -> bytes:
    """A string, or ``NIL`` for ``None``."""
    return b'NIL' if value is None else render_string(value)


def render_astring(value: bytes) -> bytes:
    """An atom when the value is one (and not ``NIL``), else a string."""
    if _ATOM.fullmatch(value) and value.upper() != b'NIL':
        return value
    return render_string(value)


def render_mailbox(name: str) -> bytes:
    """A mailbox name in modified UTF-7 (RFC 3501 §5.1.3)."""
    return render_astring(encode_modutf7(name))


def render_list(items: Iterable[bytes]) -> bytes:
    """A parenthesized list of already rendered items."""
    return b'(' + b' '.join(items) + b')'


def render_sexp(value: SExp) -> bytes:
    """Renders a message-structure value: NIL, number, string or list."""
    if value is None:
        return b'NIL'
    if isinstance(value, int):
        return b'%d' % value
    if isinstance(value, bytes):
        return render_string(value)
    return render_list(render_sexp(item) for item in value)


@dataclass(frozen=True, slots=True)
class Response:
    """A status response: tagged (``a1 OK ...``) or untagged
    (``* BYE ...``), with an optional response code (RFC 5530)."""

    tag: bytes
    status: bytes
    text: str
    code: bytes | None = None

    def __bytes__(self) -> bytes:
        return render_status(self.tag, self.status, self.text, self.code)


def render_status(tag: bytes, status: bytes, text: str,
                  code: bytes | None = None) -> bytes:
    """A status response line (RFC 3501 §7.1), as :class:`Response`
    renders it, without making one."""
    return tag + b' ' + status + _status_text(text, code)


@lru_cache(maxsize=1024)
def _status_text(text: str, code: bytes | None) -> bytes:
    """The part after the status: most commands end with one of a few
    texts, so each is encoded once."""
    prefix = b' [' + code + b'] ' if code else b' '
    return prefix + text.encode('utf-8', 'replace').replace(b'\r', b' ') \
        .replace(b'\n', b' ') + b'\r\n'

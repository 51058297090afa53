"""Checks what the admin service is asked to store, before anything is
stored: the message of an Append (RFC 5322 §2.1 shape, APPEND size limit),
its flags (RFC 3501 §2.3.2) and the names and passwords of SetUser."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pymap.exceptions import IMAPError, TooBig
from pymap.parsing.scanner import ParseError, Scanner
from pymap.parsing.values import parse_flag

__all__ = ['InvalidArgument', 'InvalidMessage', 'check_password',
           'check_user_name', 'parse_flags', 'prepare_message']

#: RFC 5322 §3.6.8 field name, with the obsolete space before the colon
#: (§4.5.6).
_FIELD = re.compile(rb'[!-9;-~]+[ \t]*:')
_BLANK_LINE = re.compile(rb'\r?\n\r?\n')
#: The mbox envelope line an MTA may put first (Postfix local(8) does).
_ENVELOPE = re.compile(rb'From [^\n]*\n')


class InvalidMessage(IMAPError):
    """The input is not an RFC 5322 message."""

    default_text = 'Not an RFC 5322 message.'


class InvalidArgument(IMAPError):
    """A malformed request argument (flag, user name, password)."""

    default_text = 'Invalid argument.'


def prepare_message(data: bytes, max_size: int) -> bytes:
    """The message to store: *data* without a leading mbox ``From ``
    line, once it is known to be no larger than *max_size* (RFC 7889
    APPENDLIMIT) and to start with a header section (RFC 5322 §2.1):
    field lines and their folded continuations, up to the first empty line
    or the end."""
    if len(data) > max_size:
        raise TooBig(f'Message larger than the limit of {max_size} bytes.')
    envelope = _ENVELOPE.match(data)
    message = data[envelope.end():] if envelope else data
    if not message.strip():
        raise InvalidMessage('The message is empty.')
    blank = _BLANK_LINE.search(message)
    header = message[:blank.start()] if blank else message
    lines = [line.removesuffix(b'\r') for line in header.split(b'\n')]
    if not _FIELD.match(lines[0]):
        raise InvalidMessage('The message has no header block.')
    for number, line in enumerate(lines[1:], 2):
        if not line.startswith((b' ', b'\t')) and not _FIELD.match(line):
            raise InvalidMessage(
                f'Header line {number} is not a header field.')
    return message


def parse_flags(flags: Iterable[str]) -> frozenset[bytes]:
    """Flags for a new message: system flags in canonical case, keywords
    as atoms; ``\\Recent`` cannot be set (RFC 3501 §2.3.2)."""
    parsed: set[bytes] = set()
    for flag in flags:
        try:
            scanner = Scanner(flag.encode('ascii'))
            parsed.add(parse_flag(scanner))
        except (UnicodeEncodeError, ParseError):
            raise InvalidArgument(f'Invalid flag: {flag!r}') from None
        if not scanner.at_end:
            raise InvalidArgument(f'Invalid flag: {flag!r}')
    return frozenset(parsed)


def check_user_name(name: str) -> str:
    """A user name must be non-empty, without spaces or control
    characters (it is an IMAP login name, RFC 3501 §6.2.3)."""
    if not name or any(char.isspace() or not char.isprintable()
                       for char in name):
        raise InvalidArgument(f'Invalid user name: {name!r}')
    return name


def check_password(password: str) -> str:
    """A password must be non-empty, without NUL, CR or LF: SASL PLAIN
    (RFC 4616) separates with NUL and IMAP lines end with CRLF."""
    if not password or any(char in password for char in '\0\r\n'):
        raise InvalidArgument('The password must be non-empty, without '
                              'NUL, CR or LF.')
    return password

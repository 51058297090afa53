"""Value grammar shared by several commands: flags, mailbox names, dates
(RFC 3501 §9)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from .modutf7 import decode_modutf7
from .scanner import ParseError, Scanner

__all__ = [
    'SYSTEM_FLAGS', 'Flag', 'format_datetime', 'parse_date',
    'parse_datetime', 'parse_flag', 'parse_flag_list', 'parse_mailbox',
]

#: A message flag or keyword as it appears on the wire, e.g. ``b'\\Seen'``.
Flag = bytes

_SYSTEM = (b'\\Answered', b'\\Flagged', b'\\Deleted', b'\\Seen', b'\\Draft',
           b'\\Recent')
SYSTEM_FLAGS = {flag.upper(): flag for flag in _SYSTEM}

_MONTHS = (b'Jan', b'Feb', b'Mar', b'Apr', b'May', b'Jun', b'Jul', b'Aug',
           b'Sep', b'Oct', b'Nov', b'Dec')
_MONTH_NUMBER = {month.upper(): number
                 for number, month in enumerate(_MONTHS, start=1)}
_DATE = re.compile(rb'([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})')
_DATE_TIME = re.compile(rb'"([ 0-9][0-9])-([A-Za-z]{3})-([0-9]{4}) '
                        rb'([0-9]{2}):([0-9]{2}):([0-9]{2}) '
                        rb'([+-])([0-9]{2})([0-9]{2})"')
_FLAG_CHARS = rb'\\?[^\x00-\x20\x7f-\xff(){%*"\\\]]+'
_FLAG_ATOM = re.compile(_FLAG_CHARS)
#: A well-formed flag list, taken in one match.
_FLAG_LIST = re.compile(rb'\((%s(?: %s)*)?\)' % (_FLAG_CHARS, _FLAG_CHARS))


def parse_flag(scanner: Scanner, allow_recent: bool = False) -> Flag:
    """A flag or keyword; system flags come back in canonical case."""
    match = _FLAG_ATOM.match(scanner.data, scanner.pos)
    if match is None:
        raise scanner.error('flag')
    scanner.pos = match.end()
    return _canonical(match.group(0), allow_recent)


def _canonical(flag: Flag, allow_recent: bool) -> Flag:
    if not flag.startswith(b'\\'):
        return flag
    canonical = SYSTEM_FLAGS.get(flag.upper(), flag)
    if canonical == b'\\Recent' and not allow_recent:
        raise ParseError('The \\Recent flag cannot be set by a client.')
    return canonical


def parse_flag_list(scanner: Scanner) -> list[Flag]:
    """A parenthesized, possibly empty flag list."""
    match = _FLAG_LIST.match(scanner.data, scanner.pos)
    if match is None:  # the item by item parse names what is wrong
        return scanner.paren_list(parse_flag)
    scanner.pos = match.end()
    listed = match.group(1)
    if listed is None:
        return []
    return [_canonical(flag, False) for flag in listed.split(b' ')]


def parse_mailbox(scanner: Scanner) -> str:
    """A mailbox name: decoded from modified UTF-7, ``INBOX`` in any case
    normalized (RFC 3501 §5.1)."""
    raw = scanner.astring()
    try:
        name = decode_modutf7(raw)
    except ValueError as exc:
        raise ParseError(str(exc)) from exc
    return 'INBOX' if name.isascii() and name.upper() == 'INBOX' else name


def parse_date(scanner: Scanner) -> date:
    """A ``date`` (e.g. ``1-Feb-2024``), bare or quoted."""
    quoted = scanner.try_literal_bytes(b'"')
    match = _DATE.match(scanner.data, scanner.pos)
    if match is None:
        raise scanner.error('date')
    scanner.pos = match.end()
    if quoted:
        scanner.expect(b'"')
    day, month, year = match.groups()
    try:
        return date(int(year), _month(month), int(day))
    except ValueError as exc:
        raise ParseError('Invalid date.') from exc


def parse_datetime(scanner: Scanner) -> datetime:
    """A quoted ``date-time`` with its zone, e.g.
    ``"17-Jul-1996 02:44:25 -0700"`` (RFC 3501 §9). The zone's minutes are
    below 60, and the moment must have a date in UTC as well: storage
    that keeps INTERNALDATE in UTC (a maildir's file times) can hold it."""
    match = _DATE_TIME.match(scanner.data, scanner.pos)
    if match is None:
        raise scanner.error('date-time')
    scanner.pos = match.end()
    day, month, year, hour, minute, second, sign, zh, zm = match.groups()
    if int(zm) >= 60:
        raise ParseError('Invalid date-time zone.')
    offset = timedelta(hours=int(zh), minutes=int(zm))
    try:
        zone = timezone(-offset if sign == b'-' else offset)
        value = datetime(int(year), _month(month), int(day), int(hour),
                         int(minute), int(second), tzinfo=zone)
        value.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ParseError('Invalid date-time.') from exc
    return value


def _month(name: bytes) -> int:
    try:
        return _MONTH_NUMBER[name.upper()]
    except KeyError as exc:
        raise ParseError('Invalid month.') from exc


def format_datetime(value: datetime) -> bytes:
    """Renders a ``date-time`` (quoted) for INTERNALDATE."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    offset = value.utcoffset() or timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = b'-' if minutes < 0 else b'+'
    hours, mins = divmod(abs(minutes), 60)
    return b'"%2d-%s-%04d %02d:%02d:%02d %s%02d%02d"' % (
        value.day, _MONTHS[value.month - 1], value.year, value.hour,
        value.minute, value.second, sign, hours, mins)

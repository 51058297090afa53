"""Flags, mailbox names, dates and date-times (RFC 3501 §9)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pymap.parsing.scanner import ParseError, Scanner
from pymap.parsing.values import (
    SYSTEM_FLAGS,
    format_datetime,
    parse_date,
    parse_datetime,
    parse_flag,
    parse_flag_list,
    parse_mailbox,
)


def zone(hours: int, minutes: int = 0) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


@pytest.mark.parametrize(('data', 'flag'), [
    (b'\\Seen', b'\\Seen'),
    (b'\\SEEN', b'\\Seen'),
    (b'\\seen', b'\\Seen'),
    (b'\\answered', b'\\Answered'),
    (b'\\FLAGGED', b'\\Flagged'),
    (b'\\dElEtEd', b'\\Deleted'),
    (b'\\draft', b'\\Draft'),
    (b'\\Custom', b'\\Custom'),
    (b'\\custom', b'\\custom'),
    (b'$Forwarded', b'$Forwarded'),
    (b'NonJunk', b'NonJunk'),
    (b'a.b-c+d', b'a.b-c+d'),
])
def test_flag(data: bytes, flag: bytes) -> None:
    scanner = Scanner(data)
    assert parse_flag(scanner) == flag
    assert scanner.at_end


@pytest.mark.parametrize('data', [b'\\Recent', b'\\RECENT', b'\\recent'])
def test_recent_refused_unless_allowed(data: bytes) -> None:
    with pytest.raises(ParseError, match='Recent'):
        parse_flag(Scanner(data))
    assert parse_flag(Scanner(data), allow_recent=True) == b'\\Recent'


@pytest.mark.parametrize('data', [
    b'', b'\\', b'\\\\Seen', b'\\*', b'*', b'(a)', b'a]', b']', b'%',
    b'"Seen"', b'\xe9', b' a',
])
def test_flag_rejects(data: bytes) -> None:
    scanner = Scanner(data)
    with pytest.raises(ParseError):
        parse_flag(scanner)
        scanner.end()


def test_system_flags_table() -> None:
    assert set(SYSTEM_FLAGS.values()) == {
        b'\\Answered', b'\\Flagged', b'\\Deleted', b'\\Seen', b'\\Draft',
        b'\\Recent'}
    assert all(key == value.upper() for key, value in SYSTEM_FLAGS.items())


@pytest.mark.parametrize(('data', 'flags'), [
    (b'()', []),
    (b'(\\Seen)', [b'\\Seen']),
    (b'(\\seen $Junk \\DRAFT)', [b'\\Seen', b'$Junk', b'\\Draft']),
    (b'(\\Seen \\Seen)', [b'\\Seen', b'\\Seen']),
])
def test_flag_list(data: bytes, flags: list[bytes]) -> None:
    scanner = Scanner(data)
    assert parse_flag_list(scanner) == flags
    assert scanner.at_end


@pytest.mark.parametrize('data', [b'\\Seen', b'(\\Seen', b'( \\Seen)',
                                  b'(\\Recent)'])
def test_flag_list_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_flag_list(Scanner(data))


@pytest.mark.parametrize(('data', 'name'), [
    (b'INBOX', 'INBOX'),
    (b'inbox', 'INBOX'),
    (b'iNbOx', 'INBOX'),
    (b'"Inbox"', 'INBOX'),
    (b'{5}\r\ninbox', 'INBOX'),
    (b'{5+}\r\nInBoX', 'INBOX'),
    (b'INBOX/child', 'INBOX/child'),
    (b'inbox.child', 'inbox.child'),
    (b'INBOXX', 'INBOXX'),
    (b'"Sent Items"', 'Sent Items'),
    (b'""', ''),
    (b'&ZeVnLIqe-', '\u65e5\u672c\u8a9e'),
    (b'"&ZeVnLIqe- &-"', '\u65e5\u672c\u8a9e &'),
    (b'{10}\r\n&ZeVnLIqe-', '\u65e5\u672c\u8a9e'),
    (b'&2D3eAA-', '\U0001f600'),
    (b'a]b', 'a]b'),
])
def test_mailbox(data: bytes, name: str) -> None:
    scanner = Scanner(data)
    assert parse_mailbox(scanner) == name
    assert scanner.at_end


@pytest.mark.parametrize('data', [
    b'&Jjo!-', b'"caf\xc3\xa9"', b'{5}\r\ncaf\xc3\xa9', b'"\x01"', b'*',
    b'%', b'(x)', b'',
])
def test_mailbox_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_mailbox(Scanner(data))


@pytest.mark.parametrize(('data', 'expected'), [
    (b'1-Feb-1994', date(1994, 2, 1)),
    (b'01-Feb-1994', date(1994, 2, 1)),
    (b'"1-Feb-1994"', date(1994, 2, 1)),
    (b'31-dec-9999', date(9999, 12, 31)),
    (b'1-JAN-0001', date(1, 1, 1)),
    (b'29-Feb-2000', date(2000, 2, 29)),
])
def test_date(data: bytes, expected: date) -> None:
    scanner = Scanner(data)
    assert parse_date(scanner) == expected
    assert scanner.at_end


@pytest.mark.parametrize('data', [
    b'29-Feb-1900', b'32-Jan-2024', b'0-Jan-2024', b'1-Jan-0000',
    b'1-Foo-2024', b'1-Janu-2024', b'1-Jan-24', b'123-Jan-2024',
    b'"1-Jan-2024', b'1 Jan 2024', b' 1-Jan-2024', b'',
])
def test_date_rejects(data: bytes) -> None:
    scanner = Scanner(data)
    with pytest.raises(ParseError):
        parse_date(scanner)
        scanner.end()


@pytest.mark.parametrize(('data', 'expected'), [
    (b'"17-Jul-1996 02:44:25 -0700"',
     datetime(1996, 7, 17, 2, 44, 25, tzinfo=zone(-7))),
    (b'" 5-Jan-2024 00:00:00 +0000"', datetime(2024, 1, 5, tzinfo=UTC)),
    (b'"05-Jan-2024 23:59:59 +0530"',
     datetime(2024, 1, 5, 23, 59, 59, tzinfo=zone(5, 30))),
    (b'"31-dec-1999 12:00:00 -0330"',
     datetime(1999, 12, 31, 12, tzinfo=zone(-3, 30))),
    (b'"01-Jan-2000 00:00:00 -0000"', datetime(2000, 1, 1, tzinfo=UTC)),
    (b'"01-Jan-2000 00:00:00 +2359"',
     datetime(2000, 1, 1, tzinfo=zone(23, 59))),
])
def test_datetime(data: bytes, expected: datetime) -> None:
    scanner = Scanner(data)
    value = parse_datetime(scanner)
    assert scanner.at_end
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()
    assert value.replace(tzinfo=None) == expected.replace(tzinfo=None)


@pytest.mark.parametrize('data', [
    b'"1-Jan-2000 00:00:00 +0000"', b'"01-Jan-2000 00:00 +0000"',
    b'"01-Jan-2000 00:00:00"', b'"01-Jan-2000 00:00:00 0000"',
    b'"01-Jan-2000 00:00:00 +000"', b'01-Jan-2000 00:00:00 +0000',
    b'"01-Jan-2000  00:00:00 +0000"', b'"31-Jun-2000 00:00:00 +0000"',
    b'"01-Jan-2000 25:00:00 +0000"', b'"01-Jan-2000 00:00:61 +0000"',
    b'"01-Jan-2000 00:00:00 -2400"', b'"01-Xxx-2000 00:00:00 +0000"',
    b'"01-Jan-2000 00:00:00 +0000',
])
def test_datetime_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_datetime(Scanner(data))


@pytest.mark.parametrize(('value', 'rendered'), [
    (datetime(1996, 7, 17, 2, 44, 25, tzinfo=zone(-7)),
     b'"17-Jul-1996 02:44:25 -0700"'),
    (datetime(2024, 1, 5, 9, 8, 7, tzinfo=zone(-3, 30)),
     b'" 5-Jan-2024 09:08:07 -0330"'),
    (datetime(2024, 3, 9, tzinfo=zone(0, 30)),
     b'" 9-Mar-2024 00:00:00 +0030"'),
    (datetime(2024, 3, 9, tzinfo=timezone(-timedelta(minutes=30))),
     b'" 9-Mar-2024 00:00:00 -0030"'),
    (datetime(2000, 12, 31, 23, 59, 59, tzinfo=UTC),
     b'"31-Dec-2000 23:59:59 +0000"'),
    (datetime(2000, 2, 1, 13, 0, 0), b'" 1-Feb-2000 13:00:00 +0000"'),
    (datetime(999, 10, 10, tzinfo=zone(14)), b'"10-Oct-0999 00:00:00 +1400"'),
])
def test_format_datetime(value: datetime, rendered: bytes) -> None:
    assert format_datetime(value) == rendered
    parsed = parse_datetime(Scanner(rendered))
    expected = value if value.tzinfo else value.replace(tzinfo=UTC)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_format_datetime_all_months() -> None:
    months = [format_datetime(datetime(2024, month, 1, tzinfo=UTC))[4:7]
              for month in range(1, 13)]
    assert months == [b'Jan', b'Feb', b'Mar', b'Apr', b'May', b'Jun',
                      b'Jul', b'Aug', b'Sep', b'Oct', b'Nov', b'Dec']

"""APPEND (RFC 3501 §6.3.11) with MULTIAPPEND (RFC 3502), APPENDUID
(RFC 4315), literal8 (RFC 3516) and LITERAL+ (RFC 7888)."""

from __future__ import annotations

import imaplib
import re
from datetime import UTC, datetime

import pytest

from pymap.testing.rawclient import RawClient

from .messages import ALTERNATIVE, ATTACHMENT, EIGHT_BIT, PLAIN, lf_only


def login(client: RawClient) -> RawClient:
    assert client.command(b'l LOGIN testuser testpass')[-1] \
        .startswith(b'l OK ')
    return client


def select_validity(client: RawClient, mailbox: bytes = b'INBOX') -> int:
    lines = client.command(b's SELECT %s' % mailbox)
    match = re.search(rb'\[UIDVALIDITY (\d+)\]', b''.join(lines))
    assert match, lines
    return int(match[1])


def fetch_line(client: RawClient, items: bytes, seq: int = 1) -> bytes:
    lines = client.command(b'f FETCH %d %s' % (seq, items))
    assert lines[-1].startswith(b'f OK '), lines
    return b''.join(lines[:-1])


@pytest.fixture
def session(raw: RawClient) -> RawClient:
    return login(raw)


def test_append_with_synchronizing_literal(session: RawClient) -> None:
    session.send(b'a APPEND INBOX {%d}\r\n' % len(PLAIN))
    assert session.readline().startswith(b'+ ')
    session.send(PLAIN + b'\r\n')
    lines = session.until_tagged(b'a')
    session.expect(lines, [rb'a OK \[APPENDUID (\d+) 1\] .*\r\n'])
    validity = int(lines[0].split()[3])
    assert select_validity(session) == validity
    assert fetch_line(session, b'(BODY.PEEK[])') \
        == b'* 1 FETCH (BODY[] {%d}\r\n%s)\r\n' % (len(PLAIN), PLAIN)


def test_non_synchronizing_literal_gets_no_continuation(
        session: RawClient) -> None:
    session.send(b'a APPEND INBOX {%d+}\r\n%s\r\n' % (len(PLAIN), PLAIN))
    first = session.readline()
    assert re.fullmatch(rb'a OK \[APPENDUID \d+ 1\] .*\r\n', first), first


def test_append_flags_and_date(session: RawClient) -> None:
    lines = session.command(
        b'a APPEND INBOX (\\Seen \\Flagged $Label1) '
        b'"25-Dec-2021 23:59:58 +0530" {%d+}\r\n%s' % (len(PLAIN), PLAIN))
    assert lines[-1].startswith(b'a OK [APPENDUID ')
    lines = session.command(b's SELECT INBOX')
    assert not any(b'[UNSEEN' in line for line in lines)
    assert b'$Label1' in next(line for line in lines
                              if line.startswith(b'* FLAGS'))
    line = fetch_line(session, b'(FLAGS INTERNALDATE)')
    match = re.fullmatch(rb'\* 1 FETCH \(FLAGS \(([^)]*)\) '
                         rb'INTERNALDATE "([^"]*)"\)\r\n', line)
    assert match, line
    assert set(match[1].split()) == {b'\\Seen', b'\\Flagged', b'$Label1',
                                     b'\\Recent'}
    assert datetime.strptime(match[2].decode(), '%d-%b-%Y %H:%M:%S %z') \
        == datetime(2021, 12, 25, 18, 29, 58, tzinfo=UTC)


def test_append_date_with_single_digit_day(session: RawClient) -> None:
    session.command(b'a APPEND INBOX " 5-Jan-2021 01:02:03 +0000" '
                    b'{%d+}\r\n%s' % (len(PLAIN), PLAIN))
    session.command(b's SELECT INBOX')
    # date-day-fixed (RFC 3501 §9): a day below 10 is a space and a digit.
    assert b'INTERNALDATE " 5-Jan-2021 ' \
        in fetch_line(session, b'(INTERNALDATE)')


@pytest.mark.parametrize('date', [
    b'"31-Dec-9999 23:59:59 -1200"', b'"01-Jan-0001 00:00:00 +0100"',
    b'"01-Jan-2020 00:00:00 +1299"', b'"01-Jan-2020 00:00:00 +2400"'])
def test_append_date_without_utc_moment_is_bad(session: RawClient,
                                               date: bytes) -> None:
    """A zone's minutes are below 60, and the moment must exist in UTC
    too (a maildir keeps INTERNALDATE as a UTC file time)."""
    lines = session.command(b'a APPEND INBOX %s {%d+}\r\n%s'
                            % (date, len(PLAIN), PLAIN))
    session.expect(lines, [rb'a BAD .*\r\n'])
    assert b'* 0 EXISTS\r\n' in session.command(b's SELECT INBOX')


def test_internal_dates_of_one_moment_keep_their_zones(
        session: RawClient) -> None:
    """Each message shows the zone it was appended with, or UTC where the
    store keeps no zone, never another message's zone."""
    dates = [b' 1-Jan-2020 01:00:00 +0100', b' 1-Jan-2020 00:00:00 +0000',
             b'31-Dec-2019 19:00:00 -0500']
    for date in dates:
        session.command(b'a APPEND INBOX "%s" {%d+}\r\n%s'
                        % (date, len(PLAIN), PLAIN))
    session.command(b's SELECT INBOX')
    for seq, date in enumerate(dates, 1):
        line = fetch_line(session, b'(INTERNALDATE)', seq)
        assert line in (b'* %d FETCH (INTERNALDATE "%s")\r\n' % (seq, date),
                        b'* %d FETCH (INTERNALDATE " 1-Jan-2020 00:00:00 '
                        b'+0000")\r\n' % seq), line


def test_multiappend(session: RawClient) -> None:
    messages = [PLAIN, ALTERNATIVE, ATTACHMENT]
    parts = [b'(\\Seen) {%d+}\r\n%s' % (len(PLAIN), PLAIN),
             b'{%d+}\r\n%s' % (len(ALTERNATIVE), ALTERNATIVE),
             b'(\\Draft) "01-Feb-2020 10:00:00 +0000" {%d+}\r\n%s'
             % (len(ATTACHMENT), ATTACHMENT)]
    lines = session.command(b'a APPEND INBOX ' + b' '.join(parts))
    session.expect(lines, [rb'a OK \[APPENDUID \d+ 1:3\] .*\r\n'])
    lines = session.command(b's SELECT INBOX')
    assert b'* 3 EXISTS\r\n' in lines
    assert b'* OK [UNSEEN 2] First unseen.\r\n' in lines
    for seq, data in enumerate(messages, 1):
        assert fetch_line(session, b'(RFC822.SIZE)', seq) \
            == b'* %d FETCH (RFC822.SIZE %d)\r\n' % (seq, len(data))
    assert b'\\Draft' in fetch_line(session, b'(FLAGS)', 3)


def test_multiappend_with_synchronizing_literals(session: RawClient) -> None:
    session.send(b'a APPEND INBOX {%d}\r\n' % len(PLAIN))
    assert session.readline().startswith(b'+ ')
    session.send(PLAIN + b' (\\Seen) {%d}\r\n' % len(EIGHT_BIT))
    assert session.readline().startswith(b'+ ')
    session.send(EIGHT_BIT + b'\r\n')
    session.expect(session.until_tagged(b'a'),
                   [rb'a OK \[APPENDUID \d+ 1:2\] .*\r\n'])


def test_failed_multiappend_appends_nothing(session: RawClient) -> None:
    lines = session.command(b'a APPEND INBOX {%d+}\r\n%s (\\Recent) {1+}\r\nx'
                            % (len(PLAIN), PLAIN))
    session.expect(lines, [rb'a BAD .*\r\n'])
    assert b'* 0 EXISTS\r\n' in session.command(b's SELECT INBOX')


def test_literal8_with_nul_bytes(session: RawClient) -> None:
    data = (b'Subject: raw\r\nContent-Type: application/octet-stream\r\n'
            b'Content-Transfer-Encoding: binary\r\n\r\n\x00\x01\x02\xff\r\n')
    session.send(b'a APPEND INBOX ~{%d}\r\n' % len(data))
    assert session.readline().startswith(b'+ ')
    session.send(data + b'\r\n')
    session.expect(session.until_tagged(b'a'),
                   [rb'a OK \[APPENDUID \d+ 1\] .*\r\n'])
    session.command(b's SELECT INBOX')
    assert fetch_line(session, b'(RFC822.SIZE BINARY.PEEK[1])') \
        == b'* 1 FETCH (RFC822.SIZE %d BINARY[1] ~{6}\r\n' % len(data) \
        + b'\x00\x01\x02\xff\r\n)\r\n'


def test_nul_in_plain_literal_is_bad(session: RawClient) -> None:
    data = b'Subject: x\r\n\r\na\x00b\r\n'
    lines = session.command(b'a APPEND INBOX {%d+}\r\n%s' % (len(data), data))
    session.expect(lines, [rb'a BAD .*\r\n'])


def test_append_to_selected_mailbox_reports_exists(session: RawClient) -> None:
    session.command(b's SELECT INBOX')
    for count in (1, 2):
        lines = session.command(b'a APPEND INBOX {%d+}\r\n%s'
                                % (len(PLAIN), PLAIN))
        session.expect(lines, [b'\\* %d EXISTS\r\n' % count,
                               b'\\* %d RECENT\r\n' % count,
                               b'a OK \\[APPENDUID \\d+ %d\\] .*' % count])


def test_append_to_other_mailbox_while_selected(session: RawClient) -> None:
    session.command(b'c CREATE Drafts')
    session.command(b's SELECT INBOX')
    lines = session.command(b'a APPEND Drafts (\\Draft) {%d+}\r\n%s'
                            % (len(PLAIN), PLAIN))
    session.expect(lines, [rb'a OK \[APPENDUID \d+ 1\] .*\r\n'])
    assert session.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']
    assert b'* 1 EXISTS\r\n' in session.command(b's SELECT Drafts')


def test_append_to_missing_mailbox_asks_to_create(session: RawClient) -> None:
    lines = session.command(b'a APPEND Nowhere {%d+}\r\n%s'
                            % (len(PLAIN), PLAIN))
    session.expect(lines, [rb'a NO \[TRYCREATE\] .*\r\n'])
    lines = session.command(b'b STATUS Nowhere (MESSAGES)')
    assert lines[-1].startswith(b'b NO ')


def test_empty_message(session: RawClient) -> None:
    session.send(b'a APPEND INBOX {0}\r\n')
    assert session.readline().startswith(b'+ ')
    session.send(b'\r\n')
    session.expect(session.until_tagged(b'a'),
                   [rb'a OK \[APPENDUID \d+ 1\] .*\r\n'])
    session.command(b's SELECT INBOX')
    assert fetch_line(session, b'(RFC822.SIZE BODY.PEEK[])') \
        == b'* 1 FETCH (RFC822.SIZE 0 BODY[] "")\r\n'


def test_bare_lf_message_is_stored_with_crlf(session: RawClient) -> None:
    data = lf_only(EIGHT_BIT)
    session.command(b'a APPEND INBOX {%d+}\r\n%s' % (len(data), data))
    session.command(b's SELECT INBOX')
    line = fetch_line(session, b'(RFC822.SIZE BODY.PEEK[TEXT])')
    body = EIGHT_BIT.split(b'\r\n\r\n', 1)[1]
    assert line == b'* 1 FETCH (RFC822.SIZE %d BODY[TEXT] {%d}\r\n%s)\r\n' \
        % (len(EIGHT_BIT), len(body), body)


@pytest.mark.parametrize('arguments', [
    b'(\\Recent) {1+}\r\nx', b'"31-Feb-2021 00:00:00 +0000" {1+}\r\nx',
    b'"1-Jan-2021" {1+}\r\nx', b'(\\Seen', b'', b'"text"',
])
def test_append_syntax_errors(session: RawClient, arguments: bytes) -> None:
    line = (b'a APPEND INBOX ' + arguments).rstrip()
    session.expect(session.command(line), [rb'a BAD .*\r\n'])


def test_append_requires_login(raw: RawClient) -> None:
    lines = raw.command(b'a APPEND INBOX {1+}\r\nx')
    raw.expect(lines, [rb'a BAD .*\r\n'])
    assert raw.command(b'n NOOP') == [b'n OK NOOP completed.\r\n']


def test_append_with_imaplib(imap: imaplib.IMAP4) -> None:
    typ, data = imap.append('INBOX', '(\\Answered)',
                            imaplib.Time2Internaldate(1_600_000_000),
                            ALTERNATIVE)
    assert typ == 'OK' and data[0].startswith(b'[APPENDUID ')
    imap.select('INBOX')
    typ, fetched = imap.fetch('1', '(FLAGS BODY.PEEK[])')
    assert typ == 'OK'
    first = fetched[0]
    assert isinstance(first, tuple)
    assert first[1] == ALTERNATIVE
    assert b'\\Answered' in first[0]

"""SEARCH keys of RFC 3501 §6.4.4, parsed into the key tree."""

from __future__ import annotations

from datetime import date

import pytest

from pymap.parsing.commands import InvalidCommand, SearchCommand
from pymap.parsing.parser import parse_command
from pymap.parsing.scanner import ParseError, Scanner
from pymap.parsing.search import (
    MAX_DEPTH,
    AllKey,
    AndKey,
    BodyKey,
    DateKey,
    FlagKey,
    HeaderKey,
    NotKey,
    OrKey,
    SearchKey,
    SequenceKey,
    SizeKey,
    parse_search_keys,
)
from pymap.parsing.sequence import SequenceSet


def keys(data: bytes) -> SearchKey:
    scanner = Scanner(data)
    key = parse_search_keys(scanner)
    assert scanner.at_end
    return key


def seq(*ranges: tuple[int | None, int | None]) -> SequenceSet:
    return SequenceSet(tuple(ranges))


FEB1 = date(1994, 2, 1)

KEYS: list[tuple[bytes, SearchKey]] = [
    (b'ALL', AllKey()),
    (b'ANSWERED', FlagKey(b'\\Answered')),
    (b'BCC "Bob"', HeaderKey('bcc', b'Bob')),
    (b'BEFORE 1-Feb-1994', DateKey(False, 'before', FEB1)),
    (b'BODY hello', BodyKey(b'hello', False)),
    (b'CC {3}\r\na b', HeaderKey('cc', b'a b')),
    (b'DELETED', FlagKey(b'\\Deleted')),
    (b'DRAFT', FlagKey(b'\\Draft')),
    (b'FLAGGED', FlagKey(b'\\Flagged')),
    (b'FROM Smith', HeaderKey('from', b'Smith')),
    (b'HEADER X-Priority 1', HeaderKey('x-priority', b'1')),
    (b'HEADER "Received" ""', HeaderKey('received', b'')),
    (b'KEYWORD $Junk', FlagKey(b'$Junk')),
    (b'KEYWORD \\seen', FlagKey(b'\\Seen')),
    (b'KEYWORD \\Recent', FlagKey(b'\\Recent')),
    (b'LARGER 1024', SizeKey(True, 1024)),
    (b'NEW', AndKey((FlagKey(b'\\Recent'), FlagKey(b'\\Seen', False)))),
    (b'NOT SEEN', NotKey(FlagKey(b'\\Seen'))),
    (b'OLD', FlagKey(b'\\Recent', False)),
    (b'ON 01-Feb-1994', DateKey(False, 'on', FEB1)),
    (b'OR SEEN DRAFT', OrKey(FlagKey(b'\\Seen'), FlagKey(b'\\Draft'))),
    (b'RECENT', FlagKey(b'\\Recent')),
    (b'SEEN', FlagKey(b'\\Seen')),
    (b'SENTBEFORE "1-Feb-1994"', DateKey(True, 'before', FEB1)),
    (b'SENTON 1-feb-1994', DateKey(True, 'on', FEB1)),
    (b'SENTSINCE 1-FEB-1994', DateKey(True, 'since', FEB1)),
    (b'SINCE 29-Feb-2024', DateKey(False, 'since', date(2024, 2, 29))),
    (b'SMALLER 0', SizeKey(False, 0)),
    (b'SMALLER 4294967295', SizeKey(False, 2 ** 32 - 1)),
    (b'SUBJECT "Re: hello"', HeaderKey('subject', b'Re: hello')),
    (b'TEXT "NIL"', BodyKey(b'NIL', True)),
    (b'TO alice@example.org', HeaderKey('to', b'alice@example.org')),
    (b'UID 1:*', SequenceKey(seq((1, None)), True)),
    (b'UID 5,7:9', SequenceKey(seq((5, 5), (7, 9)), True)),
    (b'UNANSWERED', FlagKey(b'\\Answered', False)),
    (b'UNDELETED', FlagKey(b'\\Deleted', False)),
    (b'UNDRAFT', FlagKey(b'\\Draft', False)),
    (b'UNFLAGGED', FlagKey(b'\\Flagged', False)),
    (b'UNKEYWORD $Junk', FlagKey(b'$Junk', False)),
    (b'UNKEYWORD \\Recent', FlagKey(b'\\Recent', False)),
    (b'UNSEEN', FlagKey(b'\\Seen', False)),
    (b'1', SequenceKey(seq((1, 1)), False)),
    (b'*', SequenceKey(seq((None, None)), False)),
    (b'3:1', SequenceKey(seq((3, 1)), False)),
    (b'1,3:5,*', SequenceKey(seq((1, 1), (3, 5), (None, None)), False)),
    (b'(SEEN)', FlagKey(b'\\Seen')),
    (b'((((SEEN))))', FlagKey(b'\\Seen')),
    (b'(SEEN FLAGGED)', AndKey((FlagKey(b'\\Seen'),
                                FlagKey(b'\\Flagged')))),
    (b'seen unflagged', AndKey((FlagKey(b'\\Seen'),
                                FlagKey(b'\\Flagged', False)))),
    (b'NOT (SEEN 1:5)', NotKey(AndKey((FlagKey(b'\\Seen'),
                                       SequenceKey(seq((1, 5)), False))))),
    (b'NOT NOT ALL', NotKey(NotKey(AllKey()))),
    (b'OR OR SEEN DRAFT NOT DELETED',
     OrKey(OrKey(FlagKey(b'\\Seen'), FlagKey(b'\\Draft')),
           NotKey(FlagKey(b'\\Deleted')))),
    (b'OR (FROM a TO b) (1 UID 2)',
     OrKey(AndKey((HeaderKey('from', b'a'), HeaderKey('to', b'b'))),
           AndKey((SequenceKey(seq((1, 1)), False),
                   SequenceKey(seq((2, 2)), True))))),
    (b'FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
     AndKey((FlagKey(b'\\Flagged'), DateKey(False, 'since', FEB1),
             NotKey(HeaderKey('from', b'Smith'))))),
    (b'SUBJECT NIL', HeaderKey('subject', b'NIL')),
    (b'SUBJECT a]b', HeaderKey('subject', b'a]b')),
    (b'BODY {6+}\r\nx\r\ny\x01z', BodyKey(b'x\r\ny\x01z', False)),
]


@pytest.mark.parametrize(('data', 'expected'), KEYS,
                         ids=[data.decode('latin-1') for data, _ in KEYS])
def test_search_key(data: bytes, expected: SearchKey) -> None:
    assert keys(data) == expected


def test_every_rfc3501_key_is_covered() -> None:
    names = {data.split(b' ')[0] for data, _ in KEYS}
    assert names >= set(
        b'ALL ANSWERED BCC BEFORE BODY CC DELETED DRAFT FLAGGED FROM HEADER '
        b'KEYWORD LARGER NEW NOT OLD ON OR RECENT SEEN SENTBEFORE SENTON '
        b'SENTSINCE SINCE SMALLER SUBJECT TEXT TO UID UNANSWERED UNDELETED '
        b'UNDRAFT UNFLAGGED UNKEYWORD UNSEEN'.split())


@pytest.mark.parametrize(('data', 'expected'), KEYS[:8],
                         ids=[data.decode('latin-1') for data, _ in KEYS[:8]])
def test_keys_are_case_insensitive(data: bytes,
                                   expected: SearchKey) -> None:
    name, _, rest = data.partition(b' ')
    lowered = name.lower() + (b' ' + rest if rest else b'')
    assert keys(lowered) == expected


@pytest.mark.parametrize(('command', 'charset', 'uid'), [
    (b'a SEARCH ALL', None, False),
    (b'a SEARCH CHARSET UTF-8 ALL', 'UTF-8', False),
    (b'a SEARCH charset utf-8 ALL', 'UTF-8', False),
    (b'a SEARCH CHARSET "us-ascii" ALL', 'US-ASCII', False),
    (b'a SEARCH CHARSET {5}\r\nutf-8 ALL', 'UTF-8', False),
    (b'a UID SEARCH CHARSET ISO-8859-1 ALL', 'ISO-8859-1', True),
])
def test_charset(command: bytes, charset: str | None, uid: bool) -> None:
    assert parse_command(command) == SearchCommand(b'a', AllKey(),
                                                   charset, uid)


def test_charset_is_only_a_prefix() -> None:
    result = parse_command(b'a SEARCH ALL CHARSET UTF-8')
    assert isinstance(result, InvalidCommand)
    assert result.verb == b'SEARCH'


def test_nesting_limit() -> None:
    inside = b'NOT ' * MAX_DEPTH + b'ALL'
    key = keys(inside)
    for _ in range(MAX_DEPTH):
        assert isinstance(key, NotKey)
        key = key.key
    assert key == AllKey()
    with pytest.raises(ParseError, match='nested'):
        keys(b'NOT ' * (MAX_DEPTH + 1) + b'ALL')
    with pytest.raises(ParseError, match='nested'):
        keys(b'(' * (MAX_DEPTH + 1) + b'ALL' + b')' * (MAX_DEPTH + 1))


def test_deep_or_chain_is_refused_not_crashing() -> None:
    result = parse_command(b'a SEARCH ' + b'OR SEEN ' * 500 + b'ALL')
    assert isinstance(result, InvalidCommand)
    assert 'nested' in result.reason


@pytest.mark.parametrize('data', [
    b'', b'FOO', b'()', b'OR SEEN', b'NOT', b'LARGER', b'LARGER -1',
    b'LARGER 4294967296', b'UID', b'UID 0', b'HEADER Subject',
    b'KEYWORD (a)', b'KEYWORD', b'BEFORE 30-Feb-2024', b'SEEN  SEEN',
    b'ON 1-Jan-24', b'FROM', b'0', b'1:0',
])
def test_search_rejects(data: bytes) -> None:
    scanner = Scanner(data)
    with pytest.raises(ParseError):
        parse_search_keys(scanner)
        scanner.end()

"""Input that is not a valid command becomes an InvalidCommand with the
tag (or ``*``), the verb when it was read, and a reason; never an
exception."""

from __future__ import annotations

import pytest

from pymap.parsing.commands import InvalidCommand
from pymap.parsing.parser import parse_command

A = b'a1'


def case(wire: bytes, tag: bytes, verb: bytes | None) -> object:
    return pytest.param(wire, tag, verb, id=repr(wire[:50]))


INVALID = [
    # Missing or malformed tag, missing or unknown command.
    case(b'', b'*', None),
    case(b' NOOP', b'*', None),
    case(b'+ NOOP', b'*', None),
    case(b'* NOOP', b'*', None),
    case(b'"a1" NOOP', b'*', None),
    case(b'a(1 NOOP', b'*', None),
    case(b'a\xe91 NOOP', b'*', None),
    case(b'\x00 NOOP', b'*', None),
    case(b'NOOP', b'NOOP', None),
    case(b'a1', A, None),
    case(b'a1 ', A, None),
    case(b'a1  NOOP', A, None),
    case(b'a1 123', A, None),
    case(b'a1 FROB', A, b'FROB'),
    case(b'a1 UID', A, b'UID'),
    case(b'a1 UID FROB 1', A, b'UID FROB'),
    case(b'a1 UID NOOP', A, b'UID NOOP'),
    # Trailing garbage.
    case(b'a1 NOOP extra', A, b'NOOP'),
    case(b'a1 NOOP ', A, b'NOOP'),
    case(b'a1 NOOP\x00', A, b'NOOP'),
    case(b'a1 LOGOUT\r', A, b'LOGOUT'),
    case(b'a1 SELECT INBOX extra', A, b'SELECT'),
    case(b'a1 FETCH 1 FLAGS extra', A, b'FETCH'),
    case(b'a1 LOGIN a b c', A, b'LOGIN'),
    case(b'a1 EXPUNGE 1', A, b'EXPUNGE'),
    # Bad sequence sets.
    case(b'a1 FETCH 0 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH 1:0 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH 4294967296 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH 1:4294967296 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH ' + b'9' * 5000 + b' FLAGS', A, b'FETCH'),
    case(b'a1 FETCH 1:2:3 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH 1, FLAGS', A, b'FETCH'),
    case(b'a1 FETCH ,1 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH 1,,2 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH -1 FLAGS', A, b'FETCH'),
    case(b'a1 FETCH $ FLAGS', A, b'FETCH'),
    case(b'a1 FETCH x FLAGS', A, b'FETCH'),
    case(b'a1 UID FETCH 0:5 FLAGS', A, b'UID FETCH'),
    case(b'a1 UID EXPUNGE', A, b'UID EXPUNGE'),
    case(b'a1 UID EXPUNGE 0', A, b'UID EXPUNGE'),
    case(b'a1 STORE 0 FLAGS ()', A, b'STORE'),
    case(b'a1 COPY 0 Trash', A, b'COPY'),
    case(b'a1 SEARCH 0', A, b'SEARCH'),
    case(b'a1 SEARCH UID 4294967296', A, b'SEARCH'),
    # Unbalanced parentheses.
    case(b'a1 FETCH 1 (FLAGS UID', A, b'FETCH'),
    case(b'a1 FETCH 1 FLAGS)', A, b'FETCH'),
    case(b'a1 FETCH 1 ((FLAGS))', A, b'FETCH'),
    case(b'a1 SEARCH (SEEN', A, b'SEARCH'),
    case(b'a1 SEARCH SEEN)', A, b'SEARCH'),
    case(b'a1 SEARCH ((SEEN)', A, b'SEARCH'),
    case(b'a1 STORE 1 FLAGS (\\Seen', A, b'STORE'),
    case(b'a1 STORE 1 FLAGS \\Seen)', A, b'STORE'),
    case(b'a1 STATUS INBOX (MESSAGES', A, b'STATUS'),
    case(b'a1 ID ("a" "b"', A, b'ID'),
    case(b'a1 APPEND INBOX (\\Seen {1}\r\nx', A, b'APPEND'),
    # Literals: short, NUL, literal8 where not allowed, malformed.
    case(b'a1 LOGIN {5}\r\nabc', A, b'LOGIN'),
    case(b'a1 LOGIN user {5}\r\nabc', A, b'LOGIN'),
    case(b'a1 APPEND INBOX {5}\r\nabc', A, b'APPEND'),
    case(b'a1 APPEND INBOX ~{5}\r\nabc', A, b'APPEND'),
    case(b'a1 LOGIN {3}\r\na\x00b pw', A, b'LOGIN'),
    case(b'a1 SELECT {3}\r\na\x00b', A, b'SELECT'),
    case(b'a1 APPEND INBOX {3}\r\na\x00b', A, b'APPEND'),
    case(b'a1 APPEND INBOX {3+}\r\n\x00\x00\x00', A, b'APPEND'),
    case(b'a1 LOGIN ~{3}\r\nabc pw', A, b'LOGIN'),
    case(b'a1 SELECT ~{5}\r\nINBOX', A, b'SELECT'),
    case(b'a1 LOGIN {3}abc pw', A, b'LOGIN'),
    case(b'a1 LOGIN {3}\nabc pw', A, b'LOGIN'),
    case(b'a1 LOGIN {x}\r\nabc pw', A, b'LOGIN'),
    case(b'a1 LOGIN {-1}\r\nabc pw', A, b'LOGIN'),
    case(b'a1 LOGIN {3++}\r\nabc pw', A, b'LOGIN'),
    case(b'a1 LOGIN {' + b'9' * 5000 + b'}\r\nabc pw', A, b'LOGIN'),
    # Quoted strings.
    case(b'a1 LOGIN "abc pw', A, b'LOGIN'),
    case(b'a1 LOGIN "a\\b" pw', A, b'LOGIN'),
    case(b'a1 LOGIN "a\rb" pw', A, b'LOGIN'),
    case(b'a1 LOGIN "a\nb" pw', A, b'LOGIN'),
    case(b'a1 LOGIN "a\x00b" pw', A, b'LOGIN'),
    case(b'a1 LOGIN "abc\\" pw', A, b'LOGIN'),
    # 8-bit bytes and specials in atoms.
    case(b'a1 LOGIN us\xe9r pw', A, b'LOGIN'),
    case(b'a1 LOGIN user p\x80w', A, b'LOGIN'),
    case(b'a1 SELECT caf\xc3\xa9', A, b'SELECT'),
    case(b'a1 ENABLE CONDST\xd6RE', A, b'ENABLE'),
    case(b'a1 SEARCH SUBJECT caf\xe9', A, b'SEARCH'),
    case(b'a1 SEARCH KEYWORD \xff', A, b'SEARCH'),
    case(b'a1 STORE 1 +FLAGS (fl\xe4g)', A, b'STORE'),
    case(b'a1 LOGIN us*er pw', A, b'LOGIN'),
    case(b'a1 LOGIN us%er pw', A, b'LOGIN'),
    case(b'a1 LOGIN user\x7f pw', A, b'LOGIN'),
    case(b'a1 STORE 1 FLAGS (a]b)', A, b'STORE'),
    case(b'a1 STORE 1 FLAGS (\\*)', A, b'STORE'),
    case(b'a1 STORE 1 FLAGS (\\\\Seen)', A, b'STORE'),
    case(b'a1 STORE 1 FLAGS (\\)', A, b'STORE'),
    # Invalid modified UTF-7 in mailbox names.
    case(b'a1 SELECT &Jjo!-', A, b'SELECT'),
    case(b'a1 SELECT &A-', A, b'SELECT'),
    case(b'a1 SELECT &AO-', A, b'SELECT'),
    case(b'a1 SELECT &2D0-', A, b'SELECT'),
    case(b'a1 SELECT "&ZeVnLIqe,-"', A, b'SELECT'),
    case(b'a1 SELECT &U/BTFw-', A, b'SELECT'),
    case(b'a1 CREATE "a\x7fb"', A, b'CREATE'),
    case(b'a1 RENAME INBOX &&-', A, b'RENAME'),
    case(b'a1 LIST "" &Jjo!-', A, b'LIST'),
    case(b'a1 LSUB &Jjo!- *', A, b'LSUB'),
    case(b'a1 COPY 1 &Jjo!-', A, b'COPY'),
    case(b'a1 SELECT foo&bar', A, b'SELECT'),
    case(b'a1 CREATE foo&', A, b'CREATE'),
    case(b'a1 SELECT &ZeVnLIqe', A, b'SELECT'),
    # FETCH attributes.
    case(b'a1 FETCH 1 FOO', A, b'FETCH'),
    case(b'a1 FETCH 1 (FLAGS FOO)', A, b'FETCH'),
    case(b'a1 FETCH 1 ()', A, b'FETCH'),
    case(b'a1 FETCH 1 (ALL)', A, b'FETCH'),
    case(b'a1 FETCH 1 (FAST FLAGS)', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY.PEEK', A, b'FETCH'),
    case(b'a1 FETCH 1 BINARY', A, b'FETCH'),
    case(b'a1 FETCH 1 BINARY.PEEK', A, b'FETCH'),
    case(b'a1 FETCH 1 BINARY.SIZE', A, b'FETCH'),
    case(b'a1 FETCH 1 RFC822[]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY.SIZE[]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY.PEEK.X[]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[0]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[01]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[1.]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[1.0]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[FOO]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[HEADERX]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[HEADER.FIELDS]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[HEADER.FIELDS ()]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[HEADER.FIELDS (A:B)]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[HEADER.FIELDS ("A B")]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[HEADER.FIELDS ("")]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[TEXT (A)]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[]<0.0>', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[]<0>', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[]<-1.5>', A, b'FETCH'),
    case(b'a1 FETCH 1 BINARY[1.TEXT]', A, b'FETCH'),
    case(b'a1 FETCH 1 BINARY[HEADER]', A, b'FETCH'),
    case(b'a1 FETCH 1 BINARY.SIZE[1]<0.5>', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[]<0.4294967296>', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[]<4294967296.1>', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY[4294967296]', A, b'FETCH'),
    case(b'a1 FETCH 1 BINARY[1.4294967296]', A, b'FETCH'),
    # MIME needs a part number.
    case(b'a1 FETCH 1 BODY[MIME]', A, b'FETCH'),
    case(b'a1 FETCH 1 BODY.PEEK[MIME]', A, b'FETCH'),
    case(b'a1 UID FETCH 1 (UID BODY[MIME])', A, b'UID FETCH'),
    # Bad dates and date-times.
    case(b'a1 SEARCH SINCE 31-Feb-2024', A, b'SEARCH'),
    case(b'a1 SEARCH SINCE 29-Feb-2023', A, b'SEARCH'),
    case(b'a1 SEARCH SINCE 0-Jan-2024', A, b'SEARCH'),
    case(b'a1 SEARCH SINCE 1-Foo-2024', A, b'SEARCH'),
    case(b'a1 SEARCH SINCE 1-February-2024', A, b'SEARCH'),
    case(b'a1 SEARCH BEFORE 1-Jan-24', A, b'SEARCH'),
    case(b'a1 SEARCH BEFORE 1-Jan-0000', A, b'SEARCH'),
    case(b'a1 SEARCH ON 001-Jan-2024', A, b'SEARCH'),
    case(b'a1 SEARCH ON 2024-01-01', A, b'SEARCH'),
    case(b'a1 SEARCH ON "1-Jan-2024', A, b'SEARCH'),
    case(b'a1 SEARCH SENTON 1/Jan/2024', A, b'SEARCH'),
    case(b'a1 SEARCH SENTBEFORE', A, b'SEARCH'),
    case(b'a1 APPEND INBOX "31-Apr-2024 00:00:00 +0000" {1}\r\nx',
         A, b'APPEND'),
    case(b'a1 APPEND INBOX "1-Apr-2024 00:00:00 +0000" {1}\r\nx',
         A, b'APPEND'),
    case(b'a1 APPEND INBOX "01-Apr-2024 24:00:00 +0000" {1}\r\nx',
         A, b'APPEND'),
    case(b'a1 APPEND INBOX "01-Apr-2024 00:60:00 +0000" {1}\r\nx',
         A, b'APPEND'),
    case(b'a1 APPEND INBOX "01-Apr-2024 00:00:00 +2400" {1}\r\nx',
         A, b'APPEND'),
    case(b'a1 APPEND INBOX "01-Apr-2024 00:00:00" {1}\r\nx', A, b'APPEND'),
    case(b'a1 APPEND INBOX "01-Apr-2024 0:00:00 +0000" {1}\r\nx',
         A, b'APPEND'),
    case(b'a1 APPEND INBOX "01-Xyz-2024 00:00:00 +0000" {1}\r\nx',
         A, b'APPEND'),
    case(b'a1 APPEND INBOX 01-Apr-2024 {1}\r\nx', A, b'APPEND'),
    # Flags that a client may not set.
    case(b'a1 STORE 1 FLAGS \\Recent', A, b'STORE'),
    case(b'a1 STORE 1 +FLAGS (\\Seen \\recent)', A, b'STORE'),
    case(b'a1 UID STORE 1 -FLAGS.SILENT (\\RECENT)', A, b'UID STORE'),
    case(b'a1 APPEND INBOX (\\Recent) {1}\r\nx', A, b'APPEND'),
    # STORE item names.
    case(b'a1 STORE 1 XFLAGS (\\Seen)', A, b'STORE'),
    case(b'a1 STORE 1 FLAGSX (\\Seen)', A, b'STORE'),
    case(b'a1 STORE 1 FLAGS.LOUD (\\Seen)', A, b'STORE'),
    case(b'a1 STORE 1 *FLAGS (\\Seen)', A, b'STORE'),
    case(b'a1 STORE 1 FLAGS', A, b'STORE'),
    case(b'a1 STORE 1 FLAGS ', A, b'STORE'),
    case(b'a1 STORE 1', A, b'STORE'),
    # SEARCH keys.
    case(b'a1 SEARCH', A, b'SEARCH'),
    case(b'a1 SEARCH ', A, b'SEARCH'),
    case(b'a1 SEARCH FOO', A, b'SEARCH'),
    case(b'a1 SEARCH FOO BAR', A, b'SEARCH'),
    case(b'a1 SEARCH ()', A, b'SEARCH'),
    case(b'a1 SEARCH SEEN  DELETED', A, b'SEARCH'),
    case(b'a1 SEARCH OR SEEN', A, b'SEARCH'),
    case(b'a1 SEARCH NOT', A, b'SEARCH'),
    case(b'a1 SEARCH LARGER x', A, b'SEARCH'),
    case(b'a1 SEARCH LARGER 4294967296', A, b'SEARCH'),
    case(b'a1 SEARCH SMALLER', A, b'SEARCH'),
    case(b'a1 SEARCH UID', A, b'SEARCH'),
    case(b'a1 SEARCH KEYWORD', A, b'SEARCH'),
    case(b'a1 SEARCH HEADER Subject', A, b'SEARCH'),
    case(b'a1 SEARCH FROM', A, b'SEARCH'),
    case(b'a1 SEARCH CHARSET UTF-8', A, b'SEARCH'),
    case(b'a1 SEARCH ' + b'NOT ' * 70 + b'ALL', A, b'SEARCH'),
    case(b'a1 SEARCH ' + b'(' * 70 + b'ALL' + b')' * 70, A, b'SEARCH'),
    # Other argument errors.
    case(b'a1 ENABLE', A, b'ENABLE'),
    case(b'a1 ENABLE ', A, b'ENABLE'),
    case(b'a1 AUTHENTICATE', A, b'AUTHENTICATE'),
    case(b'a1 AUTHENTICATE PL@IN', A, b'AUTHENTICATE'),
    case(b'a1 AUTHENTICATE A23456789012345678901', A, b'AUTHENTICATE'),
    case(b'a1 AUTHENTICATE "PLAIN"', A, b'AUTHENTICATE'),
    case(b'a1 AUTHENTICATE PLAIN ', A, b'AUTHENTICATE'),
    case(b'a1 AUTHENTICATE PLAIN ==', A, b'AUTHENTICATE'),
    case(b'a1 AUTHENTICATE PLAIN abc!', A, b'AUTHENTICATE'),
    case(b'a1 AUTHENTICATE PLAIN abc===', A, b'AUTHENTICATE'),
    case(b'a1 LOGIN', A, b'LOGIN'),
    case(b'a1 LOGIN user', A, b'LOGIN'),
    case(b'a1 LOGIN user ', A, b'LOGIN'),
    case(b'a1 SELECT', A, b'SELECT'),
    case(b'a1 SELECT a b', A, b'SELECT'),
    case(b'a1 SELECT (INBOX)', A, b'SELECT'),
    case(b'a1 RENAME a', A, b'RENAME'),
    case(b'a1 LIST ""', A, b'LIST'),
    case(b'a1 LIST "" (x)', A, b'LIST'),
    case(b'a1 ID', A, b'ID'),
    case(b'a1 ID x', A, b'ID'),
    case(b'a1 ID ("a")', A, b'ID'),
    case(b'a1 ID (a b)', A, b'ID'),
    case(b'a1 ID ("a" "b" "c")', A, b'ID'),
    case(b'a1 STATUS INBOX', A, b'STATUS'),
    case(b'a1 STATUS INBOX ()', A, b'STATUS'),
    case(b'a1 STATUS INBOX (FOO)', A, b'STATUS'),
    case(b'a1 STATUS INBOX MESSAGES', A, b'STATUS'),
    case(b'a1 APPEND INBOX', A, b'APPEND'),
    case(b'a1 APPEND INBOX (\\Seen)', A, b'APPEND'),
    case(b'a1 APPEND INBOX "x"', A, b'APPEND'),
    case(b'a1 APPEND INBOX {1}\r\nx ', A, b'APPEND'),
    case(b'a1 APPEND INBOX {1}\r\nx{1}\r\ny', A, b'APPEND'),
    case(b'a1 COPY 1', A, b'COPY'),
    case(b'a1 MOVE 1 ', A, b'MOVE'),
    case(b'a1 UID MOVE', A, b'UID MOVE'),
    case(b'a1 FETCH 1', A, b'FETCH'),
    case(b'a1 FETCH', A, b'FETCH'),
]


@pytest.mark.parametrize(('wire', 'tag', 'verb'), INVALID)
def test_invalid_command(wire: bytes, tag: bytes,
                         verb: bytes | None) -> None:
    result = parse_command(wire)
    assert isinstance(result, InvalidCommand), result
    assert result.tag == tag
    assert result.verb == verb
    assert isinstance(result.reason, str)
    assert result.reason.strip()


def test_reasons_name_what_was_expected() -> None:
    short = parse_command(b'a1 LOGIN {5}\r\nabc')
    unknown = parse_command(b'a1 FROB')
    fetch = parse_command(b'a1 FETCH 1 FOO')
    mime = parse_command(b'a1 FETCH 1 BODY[MIME]')
    recent = parse_command(b'a1 STORE 1 FLAGS \\Recent')
    assert isinstance(short, InvalidCommand)
    assert '5 bytes' in short.reason
    assert isinstance(unknown, InvalidCommand)
    assert 'Unknown command' in unknown.reason
    assert isinstance(fetch, InvalidCommand)
    assert 'FOO' in fetch.reason
    assert isinstance(mime, InvalidCommand)
    assert 'MIME' in mime.reason
    assert isinstance(recent, InvalidCommand)
    assert 'Recent' in recent.reason

"""Response serialization (RFC 3501 §7, §9)."""

from __future__ import annotations

import pytest

from pymap.mime.sexp import SExp
from pymap.parsing.response import (
    Response,
    render_astring,
    render_list,
    render_mailbox,
    render_nstring,
    render_sexp,
    render_string,
)


@pytest.mark.parametrize(('value', 'rendered'), [
    (b'', b'""'),
    (b'hello', b'"hello"'),
    (b'hello world', b'"hello world"'),
    (b'a"b', b'"a\\"b"'),
    (b'a\\b', b'"a\\\\b"'),
    (b'\\"', b'"\\\\\\""'),
    (b'NIL', b'"NIL"'),
    (b'(){%*]', b'"(){%*]"'),
    (b'\x01\t\x7f', b'"\x01\t\x7f"'),
    (b'x' * 1024, b'"' + b'x' * 1024 + b'"'),
])
def test_quoted(value: bytes, rendered: bytes) -> None:
    assert render_string(value) == rendered
    assert render_string(value, binary=True) == rendered


@pytest.mark.parametrize('value', [
    b'a\rb', b'a\nb', b'line\r\n', b'caf\xc3\xa9', b'\xff', b'\x80',
    b'x' * 1025,
])
def test_literal(value: bytes) -> None:
    expected = b'{%d}\r\n' % len(value) + value
    assert render_string(value) == expected
    assert render_string(value, binary=True) == expected


@pytest.mark.parametrize('value', [b'\x00', b'a\x00b', b'\x00\r\n\xff'])
def test_nul_needs_literal8_only_with_binary(value: bytes) -> None:
    assert render_string(value, binary=True) == \
        b'~{%d}\r\n' % len(value) + value
    plain = render_string(value)
    assert plain == b'{%d}\r\n' % len(value) + value.replace(b'\0', b'\x80')


def test_nstring() -> None:
    assert render_nstring(None) == b'NIL'
    assert render_nstring(b'NIL') == b'"NIL"'
    assert render_nstring(b'') == b'""'
    assert render_nstring(b'a\nb') == b'{3}\r\na\nb'


@pytest.mark.parametrize(('value', 'rendered'), [
    (b'INBOX', b'INBOX'),
    (b'foo.bar-baz+1', b'foo.bar-baz+1'),
    (b'&ZeVnLIqe-', b'&ZeVnLIqe-'),
    (b'NIL', b'"NIL"'),
    (b'nil', b'"nil"'),
    (b'Nil', b'"Nil"'),
    (b'NILS', b'NILS'),
    (b'', b'""'),
    (b'a b', b'"a b"'),
    (b'a]b', b'"a]b"'),
    (b'a%', b'"a%"'),
    (b'a*', b'"a*"'),
    (b'(a)', b'"(a)"'),
    (b'{1}', b'"{1}"'),
    (b'a"b', b'"a\\"b"'),
    (b'caf\xc3\xa9', b'{5}\r\ncaf\xc3\xa9'),
    (b'a\r\nb', b'{4}\r\na\r\nb'),
])
def test_astring(value: bytes, rendered: bytes) -> None:
    assert render_astring(value) == rendered


@pytest.mark.parametrize(('name', 'rendered'), [
    ('INBOX', b'INBOX'),
    ('Sent Items', b'"Sent Items"'),
    ('\u65e5\u672c\u8a9e', b'&ZeVnLIqe-'),
    ('R&D', b'R&-D'),
    ('Nil', b'"Nil"'),
    ('a"b', b'"a\\"b"'),
    ('100%', b'"100%"'),
    ('', b'""'),
])
def test_mailbox(name: str, rendered: bytes) -> None:
    assert render_mailbox(name) == rendered


def test_list() -> None:
    assert render_list([]) == b'()'
    assert render_list([b'a']) == b'(a)'
    assert render_list(iter([b'\\Seen', b'$Junk'])) == b'(\\Seen $Junk)'


@pytest.mark.parametrize(('value', 'rendered'), [
    (None, b'NIL'),
    (0, b'0'),
    (4294967295, b'4294967295'),
    (b'text', b'"text"'),
    (b'NIL', b'"NIL"'),
    ([], b'()'),
    ([None, 1, b'x'], b'(NIL 1 "x")'),
    ([b'TEXT', b'PLAIN', [b'CHARSET', b'US-ASCII'], None, None, b'7BIT',
      42, 3],
     b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 42 3)'),
    ([[[[]]], [None, [b'a\nb']]], b'(((())) (NIL ({3}\r\na\nb)))'),
])
def test_sexp(value: SExp, rendered: bytes) -> None:
    assert render_sexp(value) == rendered


@pytest.mark.parametrize(('response', 'rendered'), [
    (Response(b'a1', b'OK', 'LOGIN completed'),
     b'a1 OK LOGIN completed\r\n'),
    (Response(b'a1', b'OK', 'SELECT completed', b'READ-WRITE'),
     b'a1 OK [READ-WRITE] SELECT completed\r\n'),
    (Response(b'*', b'OK', 'Still here', b'UIDNEXT 4392'),
     b'* OK [UIDNEXT 4392] Still here\r\n'),
    (Response(b'*', b'BYE', 'Logging out'), b'* BYE Logging out\r\n'),
    (Response(b'a2', b'BAD', 'bad\r\nline\rtwo\nthree'),
     b'a2 BAD bad  line two three\r\n'),
    (Response(b'a3', b'NO', 'x\r\n* OK injected', b'ALERT'),
     b'a3 NO [ALERT] x  * OK injected\r\n'),
    (Response(b'a4', b'NO', 'Caf\u00e9'), b'a4 NO Caf\xc3\xa9\r\n'),
    (Response(b'a5', b'OK', 'done', b''), b'a5 OK done\r\n'),
])
def test_response(response: Response, rendered: bytes) -> None:
    data = bytes(response)
    assert data == rendered
    assert data.count(b'\r') == 1
    assert data.count(b'\n') == 1

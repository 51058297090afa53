"""The grammar primitives of RFC 3501 §9 in Scanner."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pymap.parsing.scanner import ParseError, Scanner


def scan(data: bytes, read: Callable[[Scanner], object]) -> object:
    """Reads one item; the whole input must be consumed."""
    scanner = Scanner(data)
    value = read(scanner)
    assert scanner.at_end, (data, scanner.pos)
    return value


@pytest.mark.parametrize(('data', 'expected'), [
    (b'a1', b'a1'),
    (b'A]001', b'A]001'),
    (b'~!#$&\'-./:;<=>?@[^_`|', b'~!#$&\'-./:;<=>?@[^_`|'),
])
def test_tag(data: bytes, expected: bytes) -> None:
    assert scan(data, Scanner.tag) == expected


@pytest.mark.parametrize('data', [b'', b'+', b'*', b'%', b'"', b'(', b')',
                                  b'{', b'\\', b' ', b'\x00', b'\xe9'])
def test_tag_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        Scanner(data).tag()


def test_tag_stops_at_plus() -> None:
    scanner = Scanner(b'ab+c')
    assert scanner.tag() == b'ab'
    assert scanner.peek() == b'+'


@pytest.mark.parametrize(('data', 'expected', 'rest'), [
    (b'FLAGS', b'FLAGS', b''),
    (b'a+b-c.d', b'a+b-c.d', b''),
    (b'abc def', b'abc', b' def'),
    (b'ab]c', b'ab', b']c'),
    (b'ab(c', b'ab', b'(c'),
    (b'ab%', b'ab', b'%'),
    (b'ab*', b'ab', b'*'),
    (b'ab"', b'ab', b'"'),
    (b'ab\\', b'ab', b'\\'),
    (b'ab{1}', b'ab', b'{1}'),
    (b'ab\x7f', b'ab', b'\x7f'),
    (b'ab\x80', b'ab', b'\x80'),
    (b'ab\tc', b'ab', b'\tc'),
])
def test_atom(data: bytes, expected: bytes, rest: bytes) -> None:
    scanner = Scanner(data)
    assert scanner.atom() == expected
    assert scanner.data[scanner.pos:] == rest


@pytest.mark.parametrize('data', [b'', b' a', b']', b'(', b'\xc3\xa9'])
def test_atom_rejects(data: bytes) -> None:
    with pytest.raises(ParseError, match='atom'):
        Scanner(data).atom()


def test_keyword_upper_cases() -> None:
    assert scan(b'uidNext', Scanner.keyword) == b'UIDNEXT'


@pytest.mark.parametrize(('data', 'expected'), [
    (b'0', 0), (b'007', 7), (b'4294967295', 2 ** 32 - 1),
])
def test_number(data: bytes, expected: int) -> None:
    assert scan(data, Scanner.number) == expected


@pytest.mark.parametrize('data', [b'4294967296', b'99999999999999999999',
                                  b'-1', b'', b'x'])
def test_number_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        Scanner(data).number()


def test_nonzero_number() -> None:
    assert Scanner(b'1').number(nonzero=True) == 1
    with pytest.raises(ParseError):
        Scanner(b'0').number(nonzero=True)
    with pytest.raises(ParseError):
        Scanner(b'000').number(nonzero=True)


@pytest.mark.parametrize(('data', 'expected'), [
    (b'""', b''),
    (b'"hello world"', b'hello world'),
    (b'"a\\"b"', b'a"b'),
    (b'"a\\\\b"', b'a\\b'),
    (b'"\\\\\\""', b'\\"'),
    (b'"(){%*]"', b'(){%*]'),
    (b'"NIL"', b'NIL'),
    (b'"\x01\x7f\t"', b'\x01\x7f\t'),
])
def test_quoted(data: bytes, expected: bytes) -> None:
    assert scan(data, Scanner.quoted) == expected
    assert scan(data, Scanner.string) == expected
    assert scan(data, Scanner.astring) == expected


@pytest.mark.parametrize('data', [
    b'"abc', b'abc"', b'"a\\b"', b'"a\\"', b'"a\rb"', b'"a\nb"',
    b'"a\x00b"', b'\'abc\'',
])
def test_quoted_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        Scanner(data).quoted()


def test_quoted_stops_at_closing_quote() -> None:
    scanner = Scanner(b'"a" "b"')
    assert scanner.quoted() == b'a'
    scanner.sp()
    assert scanner.quoted() == b'b'
    assert scanner.at_end


@pytest.mark.parametrize(('data', 'value', 'binary'), [
    (b'{0}\r\n', b'', False),
    (b'{5}\r\nhello', b'hello', False),
    (b'{5+}\r\nhello', b'hello', False),
    (b'{4}\r\n\r\n"\\', b'\r\n"\\', False),
    (b'{2}\r\n\xff\x80', b'\xff\x80', False),
    (b'{007}\r\nabcdefg', b'abcdefg', False),
    (b'~{3}\r\na\x00b', b'a\x00b', True),
    (b'~{3+}\r\n\x00\x00\x00', b'\x00\x00\x00', True),
])
def test_literal(data: bytes, value: bytes, binary: bool) -> None:
    scanner = Scanner(data)
    assert scanner.literal(allow_binary=True) == (value, binary)
    assert scanner.at_end


def test_literal_leaves_following_bytes() -> None:
    scanner = Scanner(b'{3}\r\nabc def')
    assert scanner.literal() == (b'abc', False)
    assert scanner.data[scanner.pos:] == b' def'


@pytest.mark.parametrize(('data', 'allow_binary'), [
    (b'{5}\r\nabc', False),
    (b'{5}\r\nabc', True),
    (b'~{5}\r\nabc', True),
    (b'{3}\r\na\x00b', False),
    (b'{3}\r\na\x00b', True),
    (b'~{3}\r\nabc', False),
    (b'{3}abc', False),
    (b'{3}\nabc', False),
    (b'{3}\rabc', False),
    (b'{}\r\n', False),
    (b'{+}\r\n', False),
    (b'{3-}\r\nabc', False),
    (b'{ 3}\r\nabc', False),
    (b'~~{1}\r\na', True),
    (b'"abc"', False),
])
def test_literal_rejects(data: bytes, allow_binary: bool) -> None:
    with pytest.raises(ParseError):
        Scanner(data).literal(allow_binary=allow_binary)


def test_string_refuses_literal8() -> None:
    with pytest.raises(ParseError):
        Scanner(b'~{1}\r\nx').string()
    with pytest.raises(ParseError, match='string'):
        Scanner(b'abc').string()


@pytest.mark.parametrize(('data', 'expected'), [
    (b'INBOX', b'INBOX'),
    (b'a]b', b'a]b'),
    (b'"a b"', b'a b'),
    (b'{3}\r\na b', b'a b'),
    (b'{3+}\r\na b', b'a b'),
    (b'NIL', b'NIL'),
])
def test_astring(data: bytes, expected: bytes) -> None:
    assert scan(data, Scanner.astring) == expected


@pytest.mark.parametrize('data', [b'', b'%', b'*', b'(', b')', b' ',
                                  b'\xe9'])
def test_astring_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        Scanner(data).astring()


@pytest.mark.parametrize(('data', 'expected'), [
    (b'*', b'*'), (b'%', b'%'), (b'a]%*', b'a]%*'),
    (b'"*"', b'*'), (b'{1}\r\n%', b'%'),
])
def test_list_mailbox(data: bytes, expected: bytes) -> None:
    assert scan(data, Scanner.list_mailbox) == expected


@pytest.mark.parametrize('data', [b'NIL', b'nil', b'Nil'])
def test_nil(data: bytes) -> None:
    scanner = Scanner(data)
    assert scanner.nil() is True
    assert scanner.at_end
    assert Scanner(data).nstring() is None


@pytest.mark.parametrize('data', [b'NILS', b'NIL.x', b'"NIL"', b'NI', b''])
def test_not_nil_leaves_cursor(data: bytes) -> None:
    scanner = Scanner(data)
    assert scanner.nil() is False
    assert scanner.pos == 0


def test_nil_followed_by_delimiter() -> None:
    scanner = Scanner(b'NIL)')
    assert scanner.nil() is True
    assert scanner.peek() == b')'


@pytest.mark.parametrize(('data', 'expected'), [
    (b'"x"', b'x'), (b'{1}\r\nx', b'x'), (b'"NIL"', b'NIL'), (b'""', b''),
])
def test_nstring(data: bytes, expected: bytes) -> None:
    assert scan(data, Scanner.nstring) == expected


def test_nstring_refuses_atoms() -> None:
    with pytest.raises(ParseError):
        Scanner(b'NILS').nstring()


@pytest.mark.parametrize(('data', 'expected'), [
    (b'()', []),
    (b'(a)', [b'A']),
    (b'(a b c)', [b'A', b'B', b'C']),
])
def test_paren_list(data: bytes, expected: list[bytes]) -> None:
    assert scan(data, lambda s: s.paren_list(Scanner.keyword)) == expected


def test_nested_paren_list() -> None:
    def item(scanner: Scanner) -> object:
        if scanner.peek() == b'(':
            return scanner.paren_list(item)
        return scanner.atom()
    assert scan(b'(a (b (c) ()) d)', item) == \
        [b'a', [b'b', [b'c'], []], b'd']


@pytest.mark.parametrize('data', [
    b'(', b'(a', b'(a ', b'(a  b)', b'( a)', b'(a )', b'a)', b'',
])
def test_paren_list_rejects(data: bytes) -> None:
    with pytest.raises(ParseError):
        Scanner(data).paren_list(Scanner.atom)


def test_paren_list_non_empty() -> None:
    with pytest.raises(ParseError, match='non-empty'):
        Scanner(b'()').paren_list(Scanner.atom, allow_empty=False)
    assert Scanner(b'(x)').paren_list(Scanner.atom, allow_empty=False) \
        == [b'x']


def test_cursor_helpers() -> None:
    scanner = Scanner(b'Uid fetch')
    assert scanner.peek(3) == b'Uid'
    assert scanner.try_literal_bytes(b'UID') is True
    assert scanner.try_literal_bytes(b'X') is False
    scanner.sp()
    with pytest.raises(ParseError):
        scanner.sp()
    with pytest.raises(ParseError, match='end of command'):
        scanner.end()
    scanner.expect(b'FETCH')
    scanner.end()
    assert scanner.at_end
    assert scanner.peek() == b''


def test_error_is_value_error() -> None:
    error = Scanner(b'').error('thing')
    assert isinstance(error, ValueError)
    assert 'thing' in str(error)

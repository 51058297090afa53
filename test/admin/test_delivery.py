"""What Append and SetUser accept, checked before anything is stored."""

from __future__ import annotations

import pytest

from pymap.admin.delivery import (
    InvalidArgument,
    InvalidMessage,
    check_password,
    check_user_name,
    parse_flags,
    prepare_message,
)
from pymap.exceptions import TooBig

LIMIT = 1000


@pytest.mark.parametrize('data', [
    b'Subject: hi\r\n\r\nbody\r\n',
    b'Subject: hi\n\nbody\n',
    b'Subject: only a header, no body',
    b'Subject: folded\r\n  continued\r\nTo: a@example.com\r\n\r\nx',
    b'Obsolete-Space : before the colon\r\n\r\nx',
    b'From: a@example.com\r\n\r\nbody that says\r\nhello there\r\n',
])
def test_accepts_messages(data: bytes) -> None:
    assert prepare_message(data, LIMIT) == data


def test_drops_mbox_envelope_line() -> None:
    data = b'From sender@example.com Mon Jan  1 00:00:00 2024\n' \
           b'Subject: hi\n\nbody\n'
    assert prepare_message(data, LIMIT) == b'Subject: hi\n\nbody\n'


@pytest.mark.parametrize(('data', 'reason'), [
    (b'', 'empty'),
    (b'\r\n \t\r\n', 'empty'),
    (b'From someone Mon Jan  1 00:00:00 2024\n', 'empty'),
    (b'hello world\r\n', 'no header block'),
    (b'\r\nSubject: after a blank line\r\n', 'no header block'),
    (b' Subject: starts folded\r\n\r\nx', 'no header block'),
    (b'Subject: x\r\nnot a field\r\n\r\nbody', 'line 2'),
])
def test_refuses_non_messages(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidMessage, match=reason):
        prepare_message(data, LIMIT)


def test_limit_is_checked_first() -> None:
    assert prepare_message(b'S: x\r\n\r\n' + b'x' * (LIMIT - 8), LIMIT)
    with pytest.raises(TooBig):
        prepare_message(b'S: x\r\n\r\n' + b'x' * (LIMIT - 7), LIMIT)


def test_flags_are_canonical() -> None:
    assert parse_flags(['\\seen', '\\FLAGGED', '$Label', 'Work']) == {
        b'\\Seen', b'\\Flagged', b'$Label', b'Work'}
    assert parse_flags([]) == frozenset()


@pytest.mark.parametrize('flag', [
    '\\Recent', '', 'two words', '(paren', 'quo"te', 'wild*', 'caf\u00e9'])
def test_refuses_bad_flags(flag: str) -> None:
    with pytest.raises(InvalidArgument, match='Invalid flag'):
        parse_flags([flag])


@pytest.mark.parametrize('name', ['bob', 'bob@example.com', 'b\u00f6b'])
def test_accepts_user_names(name: str) -> None:
    assert check_user_name(name) == name


@pytest.mark.parametrize('name', ['', 'two words', 'tab\tbed', 'nul\0'])
def test_refuses_user_names(name: str) -> None:
    with pytest.raises(InvalidArgument):
        check_user_name(name)


@pytest.mark.parametrize('password', ['', 'a\nb', 'a\rb', 'a\0b'])
def test_refuses_passwords(password: str) -> None:
    with pytest.raises(InvalidArgument):
        check_password(password)


def test_accepts_passwords() -> None:
    assert check_password('s3cret with spaces') == 's3cret with spaces'

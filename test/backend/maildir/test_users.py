"""The users file: parsing, paths, reloading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pymap.backend.maildir.users import (
    UsersFile,
    UsersFileError,
    parse_users,
)

BASE = Path('/srv/mail')

#: The examples of the issue.
EXAMPLE = """\
# comment
john::s3cretp4ssword

   # indented comment
sally:mail/data:sallypass\r
susan:/var/mail/susan:!@#$%^:*
"""


def test_issue_examples() -> None:
    users = parse_users(EXAMPLE, 'users.txt', BASE)
    assert list(users) == ['john', 'sally', 'susan']
    assert users['john'].root == BASE / 'john'
    assert users['sally'].root == BASE / 'mail' / 'data'
    assert users['susan'].root == Path('/var/mail/susan')
    assert users['john'].password.verify('s3cretp4ssword')
    assert users['sally'].password.verify('sallypass')
    assert users['susan'].password.verify('!@#$%^:*')
    assert not users['susan'].password.verify('!@#$%^')


def test_hashed_password() -> None:
    users = parse_users('u::{PLAIN-MD5}4b1f385a318de05225f949f1a7a605f2\n',
                        'f', BASE)
    assert users['u'].password.verify('pässword:1')


@pytest.mark.parametrize(('text', 'line', 'reason'), [
    ('ok::pw\nno-colons\n', 2, 'expected user:mailbox_path:password'),
    ('one-colon:pw\n', 1, 'expected user:mailbox_path:password'),
    (':path:pw\n', 1, 'invalid user name'),
    (' lead::pw\n', 1, 'invalid user name'),
    ('a::x\n\n#c\na::y\n', 4, "duplicate user 'a'"),
    ('evil:../../etc:pw\n', 1, "'..' in a relative mailbox path"),
    ('evil:a/../../b:pw\n', 1, "'..' in a relative mailbox path"),
    ('..::pw\n', 1, 'user name is not usable as a directory name'),
    ('a/b::pw\n', 1, 'user name is not usable as a directory name'),
    ('u:\x01:pw\n', 1, 'control characters in the mailbox path'),
    ('u::{NOPE}secret\n', 1, 'unsupported password scheme {NOPE}'),
])
def test_malformed_lines_report_their_number(text: str, line: int,
                                             reason: str) -> None:
    with pytest.raises(UsersFileError) as info:
        parse_users(text, 'users.txt', BASE)
    assert str(info.value) == f'users.txt:{line}: {reason}'
    assert 'secret' not in str(info.value)


def test_empty_password_and_absolute_escape_are_allowed() -> None:
    users = parse_users('u:/elsewhere/../u:\n', 'f', BASE)
    assert users['u'].password.verify('')
    assert users['u'].root == Path('/elsewhere/../u')


async def test_reload_on_change(tmp_path: Path) -> None:
    path = tmp_path / 'users.txt'
    path.write_text('a::one\n')
    users = UsersFile(path, tmp_path)
    await users.load()
    assert await users.lookup('b') is None
    path.write_text('a::one\nb::two\n')
    user = await users.lookup('b')
    assert user is not None and user.password.verify('two')


async def test_broken_edit_keeps_previous_users(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / 'users.txt'
    path.write_text('a::one\n')
    users = UsersFile(path, tmp_path)
    await users.load()
    path.write_text('a::one\nbroken line\n')
    assert await users.lookup('a') is not None
    assert 'users.txt:2: expected user:mailbox_path:password' in caplog.text
    caplog.clear()
    assert await users.lookup('a') is not None
    assert caplog.text == ''
    os.unlink(path)
    assert await users.lookup('a') is not None
    path.write_text('c::three\n')
    assert await users.lookup('a') is None
    assert await users.lookup('c') is not None


async def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        await UsersFile(tmp_path, tmp_path).load()  # a directory
    missing = UsersFile(tmp_path / 'missing', tmp_path)
    await missing.load()
    assert await missing.users() == {}
    path = tmp_path / 'users.txt'
    path.write_bytes(b'u::\xff\n')
    with pytest.raises(UsersFileError):
        await UsersFile(path, tmp_path).load()

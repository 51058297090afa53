"""Every command of RFC 3501 §6 (and pymap's extensions): wire bytes to
the typed command."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pymap.parsing.commands import (
    AppendCommand,
    AuthenticateCommand,
    Command,
    ExamineCommand,
    IdCommand,
    InvalidCommand,
    LoginCommand,
    SelectCommand,
    StoreCommand,
)
from pymap.parsing.parser import command_head, parse_command

from .cases import NO_ARGS, STORE_FORMS, VALID, seq


@pytest.mark.parametrize(('wire', 'expected'), VALID,
                         ids=[repr(wire[:40]) for wire, _ in VALID])
def test_valid_command(wire: bytes, expected: Command) -> None:
    command = parse_command(wire)
    assert type(command) is type(expected)
    assert command == expected


def test_every_verb_is_covered() -> None:
    verbs = {command_head(wire)[1] for wire, _ in VALID}
    assert verbs >= {
        b'CAPABILITY', b'NOOP', b'LOGOUT', b'ID', b'STARTTLS',
        b'AUTHENTICATE', b'LOGIN', b'ENABLE', b'SELECT', b'EXAMINE',
        b'CREATE', b'DELETE', b'RENAME', b'SUBSCRIBE', b'UNSUBSCRIBE',
        b'LIST', b'LSUB', b'NAMESPACE', b'STATUS', b'APPEND', b'IDLE',
        b'CHECK', b'CLOSE', b'UNSELECT', b'EXPUNGE', b'SEARCH', b'FETCH',
        b'STORE', b'COPY', b'MOVE', b'UID EXPUNGE', b'UID SEARCH',
        b'UID FETCH', b'UID STORE', b'UID COPY', b'UID MOVE'}


@pytest.mark.parametrize(('verb', 'cls'), NO_ARGS)
def test_no_argument_commands_refuse_arguments(
        verb: bytes, cls: type[Command]) -> None:
    result = parse_command(b'z9 ' + verb + b' extra')
    assert isinstance(result, InvalidCommand)
    assert (result.tag, result.verb) == (b'z9', verb)


@pytest.mark.parametrize(('item', 'mode', 'silent', 'flags'), STORE_FORMS,
                         ids=[form[0].decode() for form in STORE_FORMS])
@pytest.mark.parametrize('uid', [False, True])
def test_store_forms(item: bytes, mode: str, silent: bool,
                     flags: tuple[bytes, ...], uid: bool) -> None:
    prefix = b'a1 UID STORE' if uid else b'a1 STORE'
    command = parse_command(prefix + b' 1:3,7 ' + item)
    assert command == StoreCommand(b'a1', seq((1, 3), (7, 7)), mode,
                                   silent, flags, uid)


def test_select_and_examine_readonly() -> None:
    select = parse_command(b'a SELECT INBOX')
    examine = parse_command(b'a EXAMINE INBOX')
    assert isinstance(select, SelectCommand)
    assert isinstance(examine, ExamineCommand)
    assert select.readonly is False
    assert examine.readonly is True
    assert select != examine


def test_append_keeps_the_zone_offset() -> None:
    command = parse_command(
        b'a APPEND INBOX "17-Jul-1996 02:44:25 -0700" {1}\r\nx')
    assert isinstance(command, AppendCommand)
    stamp = command.messages[0].internal_date
    assert stamp is not None
    assert stamp.utcoffset() == -timedelta(hours=7)
    assert (stamp.day, stamp.hour, stamp.minute) == (17, 2, 44)


def test_append_literal_content_is_opaque() -> None:
    body = b'Subject: x\r\n\r\n{3}\r\n"quoted" (paren\r\n'
    command = parse_command(b'a APPEND INBOX {%d}\r\n%s' % (len(body),
                                                            body))
    assert isinstance(command, AppendCommand)
    assert command.messages[0].data == body
    assert command.messages[0].binary is False


def test_secrets_hidden_from_repr() -> None:
    login = parse_command(b'a LOGIN user hunter2')
    auth = parse_command(b'a AUTHENTICATE PLAIN c2VjcmV0')
    assert isinstance(login, LoginCommand)
    assert isinstance(auth, AuthenticateCommand)
    assert login.password == b'hunter2'
    assert auth.initial == b'c2VjcmV0'
    assert b'hunter2' not in repr(login).encode()
    assert 'c2VjcmV0' not in repr(auth)


def test_id_with_many_pairs_and_duplicates() -> None:
    pairs = b' '.join(b'"k%d" "v%d"' % (i, i) for i in range(30))
    command = parse_command(b'a ID (' + pairs + b')')
    assert isinstance(command, IdCommand)
    assert command.params is not None
    assert len(command.params) == 30
    assert command.params['k29'] == 'v29'
    dup = parse_command(b'a ID ("k" "1" "k" "2")')
    assert dup == IdCommand(b'a', {'k': '2'})
    too_many = parse_command(b'a ID (' + pairs + b' "x" "y")')
    assert isinstance(too_many, InvalidCommand)
    assert too_many.verb == b'ID'


@pytest.mark.parametrize(('line', 'head'), [
    (b'a1 NOOP', (b'a1', b'NOOP')),
    (b'a1 fetch 1 FLAGS', (b'a1', b'FETCH')),
    (b'a1 UID fetch 1 FLAGS', (b'a1', b'UID FETCH')),
    (b'a1 uid Store 1 FLAGS ()', (b'a1', b'UID STORE')),
    (b'a1 SEARCH ALL', (b'a1', b'SEARCH')),
    (b'a1 UID', (b'a1', b'UID')),
    (b'a1 LOGIN {4}\r\n', (b'a1', b'LOGIN')),
    (b'a1', (b'a1', None)),
    (b'a1 ', (b'a1', None)),
    (b'a1  NOOP', (b'a1', None)),
    (b'', (b'*', None)),
    (b' NOOP', (b'*', None)),
    (b'+ NOOP', (b'*', None)),
    (b'* NOOP', (b'*', None)),
    (b'a{1 NOOP', (b'*', None)),
    (b'"a" NOOP', (b'*', None)),
    (b'a\xff NOOP', (b'*', None)),
])
def test_command_head(line: bytes, head: tuple[bytes, bytes | None]) -> None:
    assert command_head(line) == head


def test_uid_variants_differ_from_plain() -> None:
    plain = parse_command(b'a COPY 1 X')
    uid = parse_command(b'a UID COPY 1 X')
    assert plain != uid
    assert getattr(uid, 'uid', None) is True
    assert getattr(plain, 'uid', None) is False


def test_inbox_folding_is_ascii_only() -> None:
    command = parse_command(b'a SELECT &ATE-nbox')
    assert command == SelectCommand(b'a', '\u0131nbox')


def test_inbox_folding_leaves_other_names() -> None:
    assert parse_command(b'a SELECT &AMk-NBOX') == \
        SelectCommand(b'a', '\u00c9NBOX')
    assert parse_command(b'a SELECT INBOX&AOk-') == \
        SelectCommand(b'a', 'INBOX\u00e9')
    assert parse_command(b'a COPY 1 Inbox') == \
        parse_command(b'a COPY 1 INBOX')

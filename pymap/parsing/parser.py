"""Parses one complete command into a typed :class:`Command` (RFC 3501 §9).

:func:`parse_command` never raises: any input becomes a command or an
:class:`InvalidCommand` carrying the reason for the ``BAD`` response.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .commands import (
    AppendCommand,
    AppendMessage,
    AuthenticateCommand,
    CapabilityCommand,
    CheckCommand,
    CloseCommand,
    Command,
    CopyCommand,
    CreateCommand,
    DeleteCommand,
    EnableCommand,
    ExamineCommand,
    ExpungeCommand,
    FetchCommand,
    IdCommand,
    IdleCommand,
    InvalidCommand,
    ListCommand,
    LoginCommand,
    LogoutCommand,
    LsubCommand,
    MoveCommand,
    NamespaceCommand,
    NoOpCommand,
    RenameCommand,
    SearchCommand,
    SelectCommand,
    StartTLSCommand,
    StatusCommand,
    StoreCommand,
    StoreMode,
    SubscribeCommand,
    UnselectCommand,
    UnsubscribeCommand,
)
from .fetch import parse_fetch_attributes
from .modutf7 import decode_modutf7
from .scanner import ParseError, Scanner
from .search import parse_search_keys
from .sequence import SequenceSet
from .values import (
    parse_datetime,
    parse_flag,
    parse_flag_list,
    parse_mailbox,
)

__all__ = ['STATUS_ITEMS', 'command_head', 'parse_command']

Parser = Callable[[Scanner, bytes], Command]

STATUS_ITEMS = frozenset({b'MESSAGES', b'RECENT', b'UIDNEXT',
                          b'UIDVALIDITY', b'UNSEEN', b'APPENDLIMIT'})
_TAG_MAX = 64
_HEAD = re.compile(rb'([^\x00-\x20\x7f-\xff(){%*"\\+]{1,64}) ([A-Za-z]+)'
                   rb'(?: ([A-Za-z]+))?')
_SASL_NAME = re.compile(rb'[A-Za-z0-9_-]{1,20}')
_BASE64 = re.compile(rb'[A-Za-z0-9+/]+={0,2}|=')
_STORE_ITEM = re.compile(rb'([+-]?)FLAGS(\.SILENT)?', re.IGNORECASE)
_STORE_MODES: dict[bytes, StoreMode] = {
    b'': 'replace', b'+': 'add', b'-': 'remove'}


def command_head(line: bytes) -> tuple[bytes, bytes | None]:
    """The tag and the upper-case verb of a command's first line, for the
    I/O layer to pick limits before the whole command is read. ``UID``
    commands report e.g. ``b'UID FETCH'``."""
    # The commonest shape, an alphanumeric tag and words of letters, is
    # told apart without the pattern (and its match groups), which cost
    # twice as much; the pattern decides everything else.
    words = line.split(b' ', 3)
    tag = words[0]
    if len(words) > 1 and len(tag) <= _TAG_MAX and tag.isalnum() \
            and words[1].isalpha():
        verb = words[1].upper()
        if verb != b'UID' or len(words) == 2:
            return tag, verb
        if words[2].isalpha():
            return tag, verb + b' ' + words[2].upper()
    return _head_by_pattern(line)


def _head_by_pattern(line: bytes) -> tuple[bytes, bytes | None]:
    match = _HEAD.match(line)
    if match is None:
        tag = line.split(b' ', 1)[0]
        return (tag if _HEAD.match(tag + b' X') else b'*'), None
    verb = match.group(2).upper()
    if verb == b'UID' and match.group(3):
        verb += b' ' + match.group(3).upper()
    return match.group(1), verb


def parse_command(data: bytes, literals: Sequence[bytes] = ()
                  ) -> Command | InvalidCommand:
    """Parses a whole command (without its final CRLF): as it came off
    the wire, or as :class:`~pymap.parsing.framing.Framed` gives it, with
    the *literals*' octets apart from *data*."""
    tag, verb = command_head(data)
    if verb is None:
        return InvalidCommand(tag, None, 'Missing or invalid command tag.'
                              if tag == b'*' else 'Missing command name.')
    scanner = Scanner(data, len(tag) + 1 + len(verb), literals)
    parser = _PARSERS.get(verb)
    if parser is None:
        return InvalidCommand(tag, verb, 'Unknown command.')
    try:
        command = parser(scanner, tag)
        scanner.end()
    except ParseError as exc:
        return InvalidCommand(tag, verb, str(exc))
    except ValueError:
        # Raised by the standard library on input no rule above caught:
        # its text is about the interpreter, not the command.
        return InvalidCommand(tag, verb, 'Invalid command syntax.')
    return command


def _no_args(cls: Callable[[bytes], Command]) -> Parser:
    return lambda _scanner, tag: cls(tag)


def _mailbox_arg(cls: Callable[[bytes, str], Command]) -> Parser:
    def parse(scanner: Scanner, tag: bytes) -> Command:
        scanner.sp()
        return cls(tag, parse_mailbox(scanner))
    return parse


def _parse_authenticate(scanner: Scanner, tag: bytes) -> Command:
    scanner.sp()
    match = _SASL_NAME.fullmatch(scanner.atom())
    if match is None:
        raise ParseError('Invalid SASL mechanism name.')
    initial = None
    if not scanner.at_end:
        scanner.sp()
        initial = _base64(scanner)
    return AuthenticateCommand(tag, match.group(0).upper(), initial)


def _base64(scanner: Scanner) -> bytes:
    match = _BASE64.match(scanner.data, scanner.pos)
    if match is None:
        raise scanner.error('base64 data')
    scanner.pos = match.end()
    return match.group(0)


def _parse_login(scanner: Scanner, tag: bytes) -> Command:
    scanner.sp()
    username = scanner.astring()
    scanner.sp()
    return LoginCommand(tag, username, scanner.astring())


def _parse_enable(scanner: Scanner, tag: bytes) -> Command:
    capabilities = []
    while not scanner.at_end:
        scanner.sp()
        capabilities.append(scanner.keyword())
    if not capabilities:
        raise scanner.error('capability')
    return EnableCommand(tag, tuple(capabilities))


def _parse_id(scanner: Scanner, tag: bytes) -> Command:
    scanner.sp()
    if scanner.nil():
        return IdCommand(tag, None)
    pairs = scanner.paren_list(_id_pair)
    if len(pairs) > 30:
        raise ParseError('Too many ID fields.')
    return IdCommand(tag, dict(pairs))


def _id_pair(scanner: Scanner) -> tuple[str, str | None]:
    key = scanner.string().decode('utf-8', 'replace')
    scanner.sp()
    value = scanner.nstring()
    return key, None if value is None else value.decode('utf-8', 'replace')


def _parse_rename(scanner: Scanner, tag: bytes) -> Command:
    scanner.sp()
    source = parse_mailbox(scanner)
    scanner.sp()
    return RenameCommand(tag, source, parse_mailbox(scanner))


def _list_parser(cls: type[ListCommand]) -> Parser:
    def parse(scanner: Scanner, tag: bytes) -> Command:
        scanner.sp()
        reference = decode_modutf7(scanner.astring())
        scanner.sp()
        return cls(tag, reference, decode_modutf7(scanner.list_mailbox()))
    return parse


def _parse_status(scanner: Scanner, tag: bytes) -> Command:
    scanner.sp()
    mailbox = parse_mailbox(scanner)
    scanner.sp()
    items = scanner.paren_list(Scanner.keyword, allow_empty=False)
    unknown = [item for item in items if item not in STATUS_ITEMS]
    if unknown:
        raise ParseError(f'Unknown STATUS item {unknown[0].decode()!r}.')
    return StatusCommand(tag, mailbox, tuple(items))


def _parse_append(scanner: Scanner, tag: bytes) -> Command:
    scanner.sp()
    mailbox = parse_mailbox(scanner)
    messages = [_append_message(scanner)]
    while not scanner.at_end:
        messages.append(_append_message(scanner))
    return AppendCommand(tag, mailbox, tuple(messages))


def _append_message(scanner: Scanner) -> AppendMessage:
    scanner.sp()
    while scanner.try_literal_bytes(b' '):
        continue  # some clients send extra spaces between messages
    flags: list[bytes] = []
    if scanner.peek() == b'(':
        flags = parse_flag_list(scanner)
        scanner.sp()
    internal_date = None
    if scanner.peek() == b'"':
        internal_date = parse_datetime(scanner)
        scanner.sp()
    data, binary = scanner.literal(allow_binary=True)
    return AppendMessage(data, tuple(dict.fromkeys(flags)), internal_date,
                         binary)


def _parse_expunge(scanner: Scanner, tag: bytes) -> Command:
    return ExpungeCommand(tag)


def _parse_uid_expunge(scanner: Scanner, tag: bytes) -> Command:
    scanner.sp()
    return ExpungeCommand(tag, SequenceSet.parse(scanner))


def _search_parser(uid: bool) -> Parser:
    def parse(scanner: Scanner, tag: bytes) -> Command:
        scanner.sp()
        charset = None
        if scanner.try_literal_bytes(b'CHARSET '):
            charset = scanner.astring().decode('ascii', 'replace').upper()
            scanner.sp()
        return SearchCommand(tag, parse_search_keys(scanner), charset, uid)
    return parse


def _fetch_parser(uid: bool) -> Parser:
    def parse(scanner: Scanner, tag: bytes) -> Command:
        scanner.sp()
        seq_set = SequenceSet.parse(scanner)
        scanner.sp()
        return FetchCommand(tag, seq_set, parse_fetch_attributes(scanner),
                            uid)
    return parse


def _store_parser(uid: bool) -> Parser:
    def parse(scanner: Scanner, tag: bytes) -> Command:
        scanner.sp()
        seq_set = SequenceSet.parse(scanner)
        scanner.sp()
        mode, silent = _store_item(scanner)
        scanner.sp()
        if scanner.peek() == b'(':
            flags = parse_flag_list(scanner)
        else:
            flags = [parse_flag(scanner)]
            while not scanner.at_end:
                scanner.sp()
                flags.append(parse_flag(scanner))
        return StoreCommand(tag, seq_set, mode, silent,
                            tuple(dict.fromkeys(flags)), uid)
    return parse


def _store_item(scanner: Scanner) -> tuple[StoreMode, bool]:
    match = _STORE_ITEM.match(scanner.data, scanner.pos)
    if match is None:
        raise scanner.error('FLAGS, +FLAGS or -FLAGS')
    scanner.pos = match.end()
    return _STORE_MODES[match.group(1)], match.group(2) is not None


def _copy_parser(cls: type[CopyCommand], uid: bool) -> Parser:
    def parse(scanner: Scanner, tag: bytes) -> Command:
        scanner.sp()
        seq_set = SequenceSet.parse(scanner)
        scanner.sp()
        return cls(tag, seq_set, parse_mailbox(scanner), uid)
    return parse


_PARSERS: dict[bytes, Parser] = {
    b'CAPABILITY': _no_args(CapabilityCommand),
    b'NOOP': _no_args(NoOpCommand),
    b'LOGOUT': _no_args(LogoutCommand),
    b'ID': _parse_id,
    b'STARTTLS': _no_args(StartTLSCommand),
    b'AUTHENTICATE': _parse_authenticate,
    b'LOGIN': _parse_login,
    b'ENABLE': _parse_enable,
    b'SELECT': _mailbox_arg(SelectCommand),
    b'EXAMINE': _mailbox_arg(ExamineCommand),
    b'CREATE': _mailbox_arg(CreateCommand),
    b'DELETE': _mailbox_arg(DeleteCommand),
    b'RENAME': _parse_rename,
    b'SUBSCRIBE': _mailbox_arg(SubscribeCommand),
    b'UNSUBSCRIBE': _mailbox_arg(UnsubscribeCommand),
    b'LIST': _list_parser(ListCommand),
    b'LSUB': _list_parser(LsubCommand),
    b'NAMESPACE': _no_args(NamespaceCommand),
    b'STATUS': _parse_status,
    b'APPEND': _parse_append,
    b'IDLE': _no_args(IdleCommand),
    b'CHECK': _no_args(CheckCommand),
    b'CLOSE': _no_args(CloseCommand),
    b'UNSELECT': _no_args(UnselectCommand),
    b'EXPUNGE': _parse_expunge,
    b'SEARCH': _search_parser(False),
    b'FETCH': _fetch_parser(False),
    b'STORE': _store_parser(False),
    b'COPY': _copy_parser(CopyCommand, False),
    b'MOVE': _copy_parser(MoveCommand, False),
    b'UID EXPUNGE': _parse_uid_expunge,
    b'UID SEARCH': _search_parser(True),
    b'UID FETCH': _fetch_parser(True),
    b'UID STORE': _store_parser(True),
    b'UID COPY': _copy_parser(CopyCommand, True),
    b'UID MOVE': _copy_parser(MoveCommand, True),
}

"""Shared tables of valid commands: the wire form (without the final
CRLF) and the command the parser must build from it. The parser tests
and the framer tests both walk these tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from pymap.parsing.commands import (
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
    SubscribeCommand,
    UnselectCommand,
    UnsubscribeCommand,
)
from pymap.parsing.fetch import FetchAttribute, Section
from pymap.parsing.search import (
    AllKey,
    AndKey,
    BodyKey,
    DateKey,
    FlagKey,
    HeaderKey,
    NotKey,
    OrKey,
    SequenceKey,
)
from pymap.parsing.sequence import SequenceSet

T = b'a1'
SEEN = b'\\Seen'
DELETED = b'\\Deleted'
FLAGGED = b'\\Flagged'
ANSWERED = b'\\Answered'
DRAFT = b'\\Draft'
RECENT = b'\\Recent'
PDT = timezone(-timedelta(hours=7))


def seq(*ranges: tuple[int | None, int | None]) -> SequenceSet:
    """A sequence set from explicit ``(low, high)`` pairs."""
    return SequenceSet(tuple(ranges))


def one(number: int | None) -> SequenceSet:
    """A sequence set of one number (or ``*`` for None)."""
    return seq((number, number))


def attr(name: bytes) -> FetchAttribute:
    """A plain fetch attribute."""
    return FetchAttribute(name)


FAST = (attr(b'FLAGS'), attr(b'INTERNALDATE'), attr(b'RFC822.SIZE'))
ALL = (*FAST, attr(b'ENVELOPE'))
FULL = (*ALL, attr(b'BODY'))

#: Commands without arguments; every verb in upper and lower case.
NO_ARGS: list[tuple[bytes, type[Command]]] = [
    (b'CAPABILITY', CapabilityCommand),
    (b'NOOP', NoOpCommand),
    (b'LOGOUT', LogoutCommand),
    (b'STARTTLS', StartTLSCommand),
    (b'NAMESPACE', NamespaceCommand),
    (b'IDLE', IdleCommand),
    (b'CHECK', CheckCommand),
    (b'CLOSE', CloseCommand),
    (b'UNSELECT', UnselectCommand),
    (b'EXPUNGE', ExpungeCommand),
]

VALID: list[tuple[bytes, Command]] = [
    *[(T + b' ' + verb, cls(T)) for verb, cls in NO_ARGS],
    *[(b'x.9 ' + verb.lower(), cls(b'x.9')) for verb, cls in NO_ARGS],
    # Tags: any ASTRING-CHAR but "+", including "]".
    (b'A]001 NOOP', NoOpCommand(b'A]001')),
    (b'~tag! NOOP', NoOpCommand(b'~tag!')),
    # ID (RFC 2971).
    (b'a1 ID NIL', IdCommand(T, None)),
    (b'a1 ID nil', IdCommand(T, None)),
    (b'a1 ID ()', IdCommand(T, {})),
    (b'a1 ID ("name" "pymap-client" "version" NIL)',
     IdCommand(T, {'name': 'pymap-client', 'version': None})),
    (b'a1 ID ({4}\r\nname {3+}\r\nabc)', IdCommand(T, {'name': 'abc'})),
    # AUTHENTICATE, with and without SASL-IR (RFC 4959).
    (b'a1 AUTHENTICATE PLAIN', AuthenticateCommand(T, b'PLAIN')),
    (b'a1 authenticate scram-sha-256',
     AuthenticateCommand(T, b'SCRAM-SHA-256')),
    (b'a1 AUTHENTICATE X_OAUTH2',
     AuthenticateCommand(T, b'X_OAUTH2')),
    (b'a1 AUTHENTICATE PLAIN AHVzZXIAcGFzcw==',
     AuthenticateCommand(T, b'PLAIN', b'AHVzZXIAcGFzcw==')),
    (b'a1 AUTHENTICATE PLAIN dXNlcg+/',
     AuthenticateCommand(T, b'PLAIN', b'dXNlcg+/')),
    (b'a1 AUTHENTICATE EXTERNAL =',
     AuthenticateCommand(T, b'EXTERNAL', b'=')),
    # LOGIN with atoms, quoted strings and both kinds of literal.
    (b'a1 LOGIN fred secret', LoginCommand(T, b'fred', b'secret')),
    (b'a1 LOGIN "fred smith" "p\\"w\\\\d"',
     LoginCommand(T, b'fred smith', b'p"w\\d')),
    (b'a1 LOGIN {4}\r\nfred {6}\r\nse\r\nrt',
     LoginCommand(T, b'fred', b'se\r\nrt')),
    (b'a1 LOGIN {4+}\r\nfred {0+}\r\n', LoginCommand(T, b'fred', b'')),
    (b'a1 LOGIN a]b ""', LoginCommand(T, b'a]b', b'')),
    # ENABLE (RFC 5161).
    (b'a1 ENABLE CONDSTORE', EnableCommand(T, (b'CONDSTORE',))),
    (b'a1 ENABLE utf8=accept qresync',
     EnableCommand(T, (b'UTF8=ACCEPT', b'QRESYNC'))),
    # Mailbox commands.
    (b'a1 SELECT INBOX', SelectCommand(T, 'INBOX')),
    (b'a1 SELECT inbox', SelectCommand(T, 'INBOX')),
    (b'a1 SELECT "InBoX"', SelectCommand(T, 'INBOX')),
    (b'a1 SELECT {5}\r\niNbOx', SelectCommand(T, 'INBOX')),
    (b'a1 SELECT INBOX.Sent', SelectCommand(T, 'INBOX.Sent')),
    (b'a1 SELECT inbox/Sent', SelectCommand(T, 'inbox/Sent')),
    (b'a1 SELECT INBOXES', SelectCommand(T, 'INBOXES')),
    (b'a1 SELECT "Sent Items"', SelectCommand(T, 'Sent Items')),
    (b'a1 SELECT {10+}\r\nSent Items', SelectCommand(T, 'Sent Items')),
    (b'a1 SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-',
     SelectCommand(T, '~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e')),
    (b'a1 SELECT Caf&AOk-', SelectCommand(T, 'Caf\u00e9')),
    (b'a1 SELECT R&-D', SelectCommand(T, 'R&D')),
    (b'a1 SELECT &2D3eAA-', SelectCommand(T, '\U0001f600')),
    (b'a1 SELECT "a]b"', SelectCommand(T, 'a]b')),
    (b'a1 SELECT a]b', SelectCommand(T, 'a]b')),
    (b'a1 EXAMINE inbox', ExamineCommand(T, 'INBOX')),
    (b'a1 EXAMINE "Archive/2024"', ExamineCommand(T, 'Archive/2024')),
    (b'a1 CREATE &ZeVnLIqe-', CreateCommand(T, '\u65e5\u672c\u8a9e')),
    (b'a1 CREATE "Work/Projects"', CreateCommand(T, 'Work/Projects')),
    (b'a1 DELETE Trash', DeleteCommand(T, 'Trash')),
    (b'a1 DELETE {5}\r\nTrash', DeleteCommand(T, 'Trash')),
    (b'a1 RENAME Old "New Name"', RenameCommand(T, 'Old', 'New Name')),
    (b'a1 RENAME inbox Archive', RenameCommand(T, 'INBOX', 'Archive')),
    (b'a1 RENAME {3}\r\nOld {3+}\r\nNew', RenameCommand(T, 'Old', 'New')),
    (b'a1 SUBSCRIBE news', SubscribeCommand(T, 'news')),
    (b'a1 UNSUBSCRIBE "news"', UnsubscribeCommand(T, 'news')),
    # LIST / LSUB: reference and pattern, wildcards, modified UTF-7.
    (b'a1 LIST "" *', ListCommand(T, '', '*')),
    (b'a1 LIST "" %', ListCommand(T, '', '%')),
    (b'a1 LIST ~/Mail/ "%"', ListCommand(T, '~/Mail/', '%')),
    (b'a1 LIST "" INBOX.*', ListCommand(T, '', 'INBOX.*')),
    (b'a1 LIST "" a]%', ListCommand(T, '', 'a]%')),
    (b'a1 LIST "" &ZeVnLIqe-/%', ListCommand(T, '', '\u65e5\u672c\u8a9e/%')),
    (b'a1 LIST {0}\r\n {1}\r\n*', ListCommand(T, '', '*')),
    (b'a1 LSUB "#news." "comp.mail.*"',
     LsubCommand(T, '#news.', 'comp.mail.*')),
    # STATUS, including APPENDLIMIT (RFC 7889).
    (b'a1 STATUS INBOX (MESSAGES UNSEEN)',
     StatusCommand(T, 'INBOX', (b'MESSAGES', b'UNSEEN'))),
    (b'a1 STATUS "Sent" (uidnext uidvalidity recent appendlimit)',
     StatusCommand(T, 'Sent', (b'UIDNEXT', b'UIDVALIDITY', b'RECENT',
                               b'APPENDLIMIT'))),
    # APPEND: flags, date-time, literal8, MULTIAPPEND (RFC 3502).
    (b'a1 APPEND INBOX {5}\r\nhello',
     AppendCommand(T, 'INBOX', (AppendMessage(b'hello'),))),
    (b'a1 APPEND INBOX {5+}\r\nhello',
     AppendCommand(T, 'INBOX', (AppendMessage(b'hello'),))),
    (b'a1 APPEND Drafts () {0}\r\n',
     AppendCommand(T, 'Drafts', (AppendMessage(b''),))),
    (b'a1 APPEND inbox (\\seen $Forwarded \\SEEN) {2}\r\nhi',
     AppendCommand(T, 'INBOX', (AppendMessage(
         b'hi', (SEEN, b'$Forwarded')),))),
    (b'a1 APPEND Sent (\\Draft) "17-Jul-1996 02:44:25 -0700" {3}\r\nabc',
     AppendCommand(T, 'Sent', (AppendMessage(
         b'abc', (DRAFT,), datetime(1996, 7, 17, 2, 44, 25, tzinfo=PDT)),))),
    (b'a1 APPEND Sent " 5-Jan-2024 23:59:59 +0530" {1}\r\nx',
     AppendCommand(T, 'Sent', (AppendMessage(
         b'x', (), datetime(2024, 1, 5, 23, 59, 59, tzinfo=timezone(
             timedelta(hours=5, minutes=30)))),))),
    (b'a1 APPEND INBOX ~{5}\r\nhe\x00lo',
     AppendCommand(T, 'INBOX', (AppendMessage(
         b'he\x00lo', binary=True),))),
    (b'a1 APPEND INBOX ~{3+}\r\n\x00\x01\x02',
     AppendCommand(T, 'INBOX', (AppendMessage(
         b'\x00\x01\x02', binary=True),))),
    (b'a1 APPEND INBOX (\\Seen) {3}\r\none {3}\r\ntwo'
     b' (\\Flagged) "01-Feb-2024 10:00:00 +0000" ~{5}\r\nth\x00ee',
     AppendCommand(T, 'INBOX', (
         AppendMessage(b'one', (SEEN,)),
         AppendMessage(b'two'),
         AppendMessage(b'th\x00ee', (FLAGGED,), datetime(
             2024, 2, 1, 10, 0, 0, tzinfo=UTC), True)))),
    # EXPUNGE / UID EXPUNGE (RFC 4315).
    (b'a1 UID EXPUNGE 1:5,7', ExpungeCommand(T, seq((1, 5), (7, 7)))),
    (b'a1 uid expunge *', ExpungeCommand(T, one(None))),
    # SEARCH / UID SEARCH.
    (b'a1 SEARCH ALL', SearchCommand(T, AllKey())),
    (b'a1 SEARCH CHARSET UTF-8 SUBJECT {4}\r\ncaf\xc3',
     SearchCommand(T, HeaderKey('subject', b'caf\xc3'), 'UTF-8')),
    (b'a1 SEARCH charset "us-ascii" TEXT hello',
     SearchCommand(T, BodyKey(b'hello', True), 'US-ASCII')),
    (b'a1 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
     SearchCommand(T, AndKey((
         FlagKey(FLAGGED),
         DateKey(False, 'since', datetime(1994, 2, 1).date()),
         NotKey(HeaderKey('from', b'Smith')))))),
    (b'a1 SEARCH OR (SEEN 1:3) UNANSWERED',
     SearchCommand(T, OrKey(
         AndKey((FlagKey(SEEN), SequenceKey(seq((1, 3)), False))),
         FlagKey(ANSWERED, False)))),
    (b'a1 UID SEARCH UID 100:* DELETED',
     SearchCommand(T, AndKey((SequenceKey(seq((100, None)), True),
                              FlagKey(DELETED))), uid=True)),
    (b'a1 uid search 1,3:5,*',
     SearchCommand(T, SequenceKey(seq((1, 1), (3, 5), (None, None)),
                                  False), uid=True)),
    # FETCH / UID FETCH.
    (b'a1 FETCH 1 FLAGS', FetchCommand(T, one(1), (attr(b'FLAGS'),))),
    (b'a1 FETCH 1:* ALL', FetchCommand(T, seq((1, None)), ALL)),
    (b'a1 FETCH 3:1 fast', FetchCommand(T, seq((3, 1)), FAST)),
    (b'a1 FETCH * FULL', FetchCommand(T, one(None), FULL)),
    (b'a1 FETCH 2,4 (UID BODY.PEEK[1.2.HEADER.FIELDS (A B)]<0.10>)',
     FetchCommand(T, seq((2, 2), (4, 4)), (
         attr(b'UID'),
         FetchAttribute(b'BODY', Section((1, 2), b'HEADER.FIELDS',
                                         (b'A', b'B')), (0, 10), True)))),
    (b'a1 FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[2] RFC822.SIZE)',
     FetchCommand(T, one(1), (
         FetchAttribute(b'BINARY', Section((1,)), peek=True),
         FetchAttribute(b'BINARY.SIZE', Section((2,))),
         attr(b'RFC822.SIZE')))),
    (b'a1 UID FETCH 1:100 (FLAGS)',
     FetchCommand(T, seq((1, 100)), (attr(b'FLAGS'),), True)),
    (b'a1 UID FETCH 4294967295 BODY[]',
     FetchCommand(T, one(4294967295),
                  (FetchAttribute(b'BODY', Section()),), True)),
    # STORE / UID STORE.
    (b'a1 STORE 2:4 +FLAGS (\\Deleted)',
     StoreCommand(T, seq((2, 4)), 'add', False, (DELETED,))),
    (b'a1 UID STORE 5 -FLAGS.SILENT \\Seen $Junk',
     StoreCommand(T, one(5), 'remove', True, (SEEN, b'$Junk'), True)),
    # COPY / MOVE (RFC 6851) and their UID forms.
    (b'a1 COPY 1:3 Trash', CopyCommand(T, seq((1, 3)), 'Trash')),
    (b'a1 COPY 2 inbox', CopyCommand(T, one(2), 'INBOX')),
    (b'a1 UID COPY 10,12 "Saved Mail"',
     CopyCommand(T, seq((10, 10), (12, 12)), 'Saved Mail', True)),
    (b'a1 MOVE * {4}\r\nJunk', MoveCommand(T, one(None), 'Junk')),
    (b'a1 UID MOVE 1:* &ZeVnLIqe-',
     MoveCommand(T, seq((1, None)), '\u65e5\u672c\u8a9e', True)),
]

#: Every STORE form (RFC 3501 §6.4.6): data item, then flags.
STORE_FORMS: list[tuple[bytes, str, bool, tuple[bytes, ...]]] = [
    (b'FLAGS (\\Seen)', 'replace', False, (SEEN,)),
    (b'FLAGS ()', 'replace', False, ()),
    (b'FLAGS \\Seen', 'replace', False, (SEEN,)),
    (b'flags.silent (\\seen \\DELETED)', 'replace', True,
     (SEEN, DELETED)),
    (b'+FLAGS (\\Answered $Label1)', 'add', False, (ANSWERED, b'$Label1')),
    (b'+FLAGS \\Flagged \\Draft', 'add', False, (FLAGGED, DRAFT)),
    (b'+FLAGS.SILENT (\\Deleted)', 'add', True, (DELETED,)),
    (b'+Flags.Silent Keyword', 'add', True, (b'Keyword',)),
    (b'-FLAGS (\\Seen \\Seen)', 'remove', False, (SEEN,)),
    (b'-FLAGS $Junk', 'remove', False, (b'$Junk',)),
    (b'-FLAGS.SILENT (\\Flagged)', 'remove', True, (FLAGGED,)),
    (b'-flags.silent \\draft', 'remove', True, (DRAFT,)),
    (b'FLAGS (\\Custom)', 'replace', False, (b'\\Custom',)),
]

"""``pymap-admin append USER``: delivers one message, read from standard
input or ``--file``, and prints its UIDVALIDITY and UID (RFC 4315
APPENDUID)."""

from __future__ import annotations

import argparse
import email.utils
import sys
from datetime import datetime

from ..admin_pb2 import AppendRequest
from .connection import Client, read_file
from .report import Report

__all__ = ['add_commands']


def parse_date(text: str) -> datetime:
    """``--date``: ISO 8601 or RFC 5322; local time when no zone is
    given."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(
                f'not an ISO 8601 or RFC 5322 date: {text!r}') from None
    return when if when.tzinfo is not None else when.astimezone()


def add_commands(commands: argparse._SubParsersAction[
        argparse.ArgumentParser]) -> None:
    """Registers ``append``."""
    parser = commands.add_parser(
        'append', help='deliver a message',
        description='Deliver a message (standard input, or --file) to a '
                    'user\'s mailbox and print its UIDVALIDITY and UID.')
    parser.add_argument('user', help='the recipient\'s user name')
    parser.add_argument('--mailbox', default='INBOX',
                        help='the mailbox (default: %(default)s)')
    parser.add_argument('--flag', dest='flags', action='append',
                        default=[], metavar='FLAG',
                        help='a flag or keyword to set, e.g. \\Seen '
                             '(repeatable)')
    parser.add_argument('--date', type=parse_date,
                        help='INTERNALDATE, ISO 8601 or RFC 5322 '
                             '(default: now)')
    parser.add_argument('--file', metavar='FILE',
                        help='read the message from FILE')
    parser.set_defaults(run=append)


async def append(client: Client, args: argparse.Namespace) -> Report:
    """Sends the message; the server validates it before storing it."""
    message = read_file(args.file) if args.file \
        else sys.stdin.buffer.read()
    request = AppendRequest(user=args.user, mailbox=args.mailbox,
                            flags=args.flags, message=message)
    if args.date is not None:
        request.internal_date.FromDatetime(args.date)
    response = await client.call(client.admin.Append, request)
    return Report(f'validity: {response.uid_validity}\nuid: {response.uid}',
                  {'mailbox': response.mailbox,
                   'validity': response.uid_validity, 'uid': response.uid})

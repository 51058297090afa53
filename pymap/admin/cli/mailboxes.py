"""``pymap-admin mailbox list|create|delete USER``."""

from __future__ import annotations

import argparse

from ..admin_pb2 import (
    CreateMailboxRequest,
    DeleteMailboxRequest,
    ListMailboxesRequest,
    Mailbox,
)
from .connection import Client
from .report import Report

__all__ = ['add_commands']

_COUNTS = ('messages', 'unseen', 'recent')


def add_commands(commands: argparse._SubParsersAction[
        argparse.ArgumentParser]) -> None:
    """Registers ``mailbox`` and its sub-commands."""
    group = commands.add_parser('mailbox', help='manage a user\'s '
                                                'mailboxes').add_subparsers(
        dest='mailbox_command', metavar='COMMAND', required=True)
    owner = argparse.ArgumentParser(add_help=False)
    owner.add_argument('user', help='the user name')
    group.add_parser('list', parents=[owner],
                     help='list mailboxes with message counts'
                     ).set_defaults(run=list_mailboxes)
    named = argparse.ArgumentParser(add_help=False, parents=[owner])
    named.add_argument('mailbox', help='the mailbox name, "/" between '
                                       'levels')
    group.add_parser('create', parents=[named],
                     help='create a mailbox (and missing parents)'
                     ).set_defaults(run=create_mailbox)
    group.add_parser('delete', parents=[named],
                     help='delete a mailbox and its messages'
                     ).set_defaults(run=delete_mailbox)


def _row(mailbox: Mailbox) -> str:
    if not mailbox.selectable:
        return f'{mailbox.name}\t\\Noselect'
    return f'{mailbox.name}\t' + ', '.join(
        f'{count} {getattr(mailbox, count)}' for count in _COUNTS)


async def list_mailboxes(client: Client,
                         args: argparse.Namespace) -> Report:
    """ListMailboxes: one mailbox per line with its counts."""
    response = await client.call(client.admin.ListMailboxes,
                                 ListMailboxesRequest(user=args.user))
    return Report(
        '\n'.join(_row(mailbox) for mailbox in response.mailboxes),
        [{'name': mailbox.name, 'selectable': mailbox.selectable,
          'messages': mailbox.messages, 'unseen': mailbox.unseen,
          'recent': mailbox.recent, 'uid_validity': mailbox.uid_validity,
          'next_uid': mailbox.next_uid}
         for mailbox in response.mailboxes])


async def create_mailbox(client: Client,
                         args: argparse.Namespace) -> Report:
    """CreateMailbox, with IMAP CREATE's rules."""
    await client.call(client.admin.CreateMailbox, CreateMailboxRequest(
        user=args.user, mailbox=args.mailbox))
    return Report(f'created {args.mailbox} for {args.user}',
                  {'created': args.mailbox, 'user': args.user})


async def delete_mailbox(client: Client,
                         args: argparse.Namespace) -> Report:
    """DeleteMailbox, with IMAP DELETE's rules (never INBOX)."""
    await client.call(client.admin.DeleteMailbox, DeleteMailboxRequest(
        user=args.user, mailbox=args.mailbox))
    return Report(f'deleted {args.mailbox} of {args.user}',
                  {'deleted': args.mailbox, 'user': args.user})

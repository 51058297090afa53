"""``pymap-admin user list|get|set|passwd|delete``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from ..admin_pb2 import (
    ChangePasswordRequest,
    DeleteUserRequest,
    GetUserRequest,
    ListUsersRequest,
    SetUserRequest,
    UserResponse,
)
from .connection import Client, read_file
from .exits import CommandError
from .report import Report

__all__ = ['add_commands']


def add_commands(commands: argparse._SubParsersAction[
        argparse.ArgumentParser]) -> None:
    """Registers ``user`` and its sub-commands."""
    group = commands.add_parser('user', help='manage users').add_subparsers(
        dest='user_command', metavar='COMMAND', required=True)
    group.add_parser('list', help='list user names'
                     ).set_defaults(run=list_users)
    named = argparse.ArgumentParser(add_help=False)
    named.add_argument('name', help='the user name')
    group.add_parser('get', parents=[named],
                     help='show a user').set_defaults(run=get_user)
    group.add_parser('delete', parents=[named],
                     help='delete a user and all of the user\'s mail'
                     ).set_defaults(run=delete_user)
    with_password = argparse.ArgumentParser(add_help=False, parents=[named])
    source = with_password.add_mutually_exclusive_group()
    source.add_argument('--password', help='the password (visible to other '
                                           'local users; prefer a file)')
    source.add_argument('--password-file', metavar='FILE',
                        help='read the password from the first line of FILE '
                             '(default: standard input)')
    setter = group.add_parser('set', parents=[with_password],
                              help='create or replace a user')
    setter.add_argument('--etag', help='only replace the user if unchanged '
                                       'since it had this tag ("" for: only '
                                       'create)')
    setter.set_defaults(run=set_user)
    group.add_parser('passwd', parents=[with_password],
                     help='change a user\'s password'
                     ).set_defaults(run=change_password)


def read_password(args: argparse.Namespace) -> str:
    """The new password: ``--password``, the first line of
    ``--password-file``, a prompt on a terminal, or the first line of
    standard input."""
    if args.password is not None:
        return str(args.password)
    if args.password_file:
        text = read_file(args.password_file).decode('utf-8', 'replace')
    elif sys.stdin.isatty():
        text = getpass.getpass('Password: ')
    else:
        text = sys.stdin.readline()
    password = text.splitlines()[0] if text else ''
    if not password:
        raise CommandError(os.EX_DATAERR, 'no password given')
    return password


def _record(response: UserResponse) -> Report:
    user = response.user
    path = user.mailbox_path if user.HasField('mailbox_path') else None
    lines = [f'name: {user.name}', f'etag: {user.etag}']
    if path is not None:
        lines.append(f'mailbox path: {path}')
    return Report('\n'.join(lines), {'name': user.name, 'etag': user.etag,
                                     'mailbox_path': path})


async def list_users(client: Client, args: argparse.Namespace) -> Report:
    """ListUsers: one name per line."""
    response = await client.call(client.admin.ListUsers, ListUsersRequest())
    return Report('\n'.join(response.names), list(response.names))


async def get_user(client: Client, args: argparse.Namespace) -> Report:
    """GetUser: the name, entity tag and mail location; never a
    password."""
    return _record(await client.call(client.admin.GetUser,
                                     GetUserRequest(name=args.name)))


async def set_user(client: Client, args: argparse.Namespace) -> Report:
    """SetUser: creates or replaces the user, optionally only if
    unchanged (``--etag``)."""
    request = SetUserRequest(name=args.name, password=read_password(args),
                             etag=args.etag)
    return _record(await client.call(client.admin.SetUser, request))


async def change_password(client: Client,
                          args: argparse.Namespace) -> Report:
    """ChangePassword: the user must exist."""
    request = ChangePasswordRequest(name=args.name,
                                    password=read_password(args))
    return _record(await client.call(client.admin.ChangePassword, request))


async def delete_user(client: Client, args: argparse.Namespace) -> Report:
    """DeleteUser: the user's mail goes too."""
    await client.call(client.admin.DeleteUser,
                      DeleteUserRequest(name=args.name))
    return Report(f'deleted user {args.name} and all of the user\'s mail',
                  {'deleted': args.name, 'mail_deleted': True})

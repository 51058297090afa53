"""The ``pymap-admin`` command: the admin service's client.

``pymap-admin [server options] [--json] COMMAND ...`` with the commands
``append``, ``ping``, ``health``, ``user list|get|set|passwd|delete`` and
``mailbox list|create|delete``. Failures are one line on standard error
and a sysexits(3) status (see :mod:`.exits`), never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from pymap import __version__

from . import append, mailboxes, system, users
from .connection import add_arguments, connect
from .exits import CommandError
from .report import Report

__all__ = ['build_parser', 'main', 'run']


class _Parser(argparse.ArgumentParser):
    """Usage errors exit with EX_USAGE, as sysexits(3) asks."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(os.EX_USAGE, f'{self.prog}: error: {message}\n')


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = _Parser(prog='pymap-admin',
                     description='Manage a running pymap server and deliver '
                                 'mail to it.')
    parser.add_argument('--version', action='version',
                        version=f'pymap-admin {__version__}')
    parser.add_argument('--json', action='store_true',
                        help='print JSON for scripts')
    add_arguments(parser)
    commands = parser.add_subparsers(dest='command', metavar='COMMAND',
                                     required=True)
    for module in (append, system, users, mailboxes):
        module.add_commands(commands)
    return parser


async def _execute(args: argparse.Namespace) -> Report:
    async with connect(args) as client:
        report: Report = await args.run(client, args)
        return report


def run(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        report = asyncio.run(_execute(args))
    except CommandError as exc:
        print(f'pymap-admin: {exc}', file=sys.stderr)
        return exc.status
    except Exception as exc:
        print(f'pymap-admin: unexpected error: {type(exc).__name__}: {exc}',
              file=sys.stderr)
        return os.EX_SOFTWARE
    print(report.render(args.json))
    return report.status


def main() -> NoReturn:
    """Entry point of the ``pymap-admin`` console script."""
    sys.exit(run())

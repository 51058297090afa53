"""The command-line parsers the documentation renders with
``sphinx-argparse``: the very objects ``pymap`` and ``pymap-admin`` use,
so the option reference can never drift from the code."""

from __future__ import annotations

from argparse import ArgumentParser

from pymap.admin.cli import build_parser as build_admin_parser
from pymap.main import build_parser
from pymap.plugin import load_backends

__all__ = ['admin', 'server', 'sqlite']


def server() -> ArgumentParser:
    """``pymap``, with one sub-command per installed backend."""
    return build_parser(load_backends())


def admin() -> ArgumentParser:
    """``pymap-admin``."""
    return build_admin_parser()


def sqlite() -> ArgumentParser:
    """``pymap sqlite``, the example plugin, whether installed or not."""
    from pymap_sqlite import SqliteBackend
    summary = (SqliteBackend.__doc__ or '').strip().splitlines()[0]
    parser = ArgumentParser(prog='pymap sqlite', description=summary)
    SqliteBackend.add_arguments(parser)
    return parser

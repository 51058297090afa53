"""pymap: a lightweight, asynchronous IMAP server with pluggable backends."""

from importlib.util import find_spec

__version__ = '0.1.0'
__all__ = ['__version__', 'build']


def build() -> str:
    """Which build of pymap runs: ``'compiled'`` when mypyc compiled its
    per-command modules (the wheel ``pip install .`` makes where a C
    compiler is at hand), else ``'pure Python'``. The compiled modules
    come with their shared runtime library, which only that build has."""
    if find_spec('pymap._compiled__mypyc') is None:
        return 'pure Python'
    return 'compiled'

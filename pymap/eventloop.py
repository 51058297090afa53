"""The event loop the server runs on: uvloop when it is installed (the
``uvloop`` extra), which makes the socket layer cheaper for every command,
else asyncio's own. ``--event-loop`` picks one explicitly."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Callable, Coroutine
from typing import Any

__all__ = ['CHOICES', 'loop_name', 'run_forever_on', 'uvloop_installed']

#: The values of ``--event-loop``.
CHOICES = ('auto', 'asyncio', 'uvloop')

Main = Coroutine[Any, Any, None]


def uvloop_installed() -> bool:
    """Whether uvloop can be imported."""
    return importlib.util.find_spec('uvloop') is not None


def run_forever_on(choice: str) -> Callable[[Main], None]:
    """The function that runs the server's main coroutine on the loop
    *choice* names (one of :data:`CHOICES`). Raises :exc:`ValueError`
    when ``uvloop`` is asked for and not installed."""
    if choice == 'asyncio' or (choice == 'auto' and not uvloop_installed()):
        return asyncio.run
    if not uvloop_installed():
        raise ValueError('--event-loop uvloop: uvloop is not installed '
                         "(pip install 'pymap[uvloop]')")
    import uvloop
    return uvloop.run


def loop_name() -> str:
    """``uvloop`` or ``asyncio``: what the running loop is, for the log."""
    return type(asyncio.get_running_loop()).__module__.partition('.')[0]

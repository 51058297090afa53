"""What a backend plugin provides to the server (entry-point group
``pymap.backend``), and what a service plugin provides (``pymap.service``).
"""

from __future__ import annotations

from argparse import ArgumentParser, Namespace
from dataclasses import dataclass
from typing import Protocol

from pymap.config import IMAPConfig

from .login import Login
from .users import UserStore

__all__ = ['Backend', 'BackendType', 'HealthStatus', 'Service',
           'ServiceType']


@dataclass(frozen=True, slots=True)
class HealthStatus:
    """Whether a backend can serve now, and why not when it cannot."""

    ok: bool
    detail: str = ''


class Backend(Protocol):
    """A started backend."""

    @property
    def login(self) -> Login:
        """Authenticates users."""
        ...

    @property
    def users(self) -> UserStore:
        """Manages users (for the admin service)."""
        ...

    async def health(self) -> HealthStatus:
        """A cheap check that the store answers, for the admin service's
        health reports."""
        ...

    async def close(self) -> None:
        """Releases the backend's resources at shutdown."""
        ...


class BackendType(Protocol):
    """The class registered under ``pymap.backend``. Its docstring's
    first line is the sub-command's help text. A class attribute
    ``shared_store = True`` declares that several processes may serve the
    same store at once (``pymap --workers``)."""

    @classmethod
    def add_arguments(cls, parser: ArgumentParser) -> None:
        """Adds the backend's own command-line options."""
        ...

    @classmethod
    async def init(cls, args: Namespace, config: IMAPConfig) -> Backend:
        """Builds the backend from the parsed command line."""
        ...


class Service(Protocol):
    """A started service running beside the IMAP server."""

    async def close(self) -> None:
        """Stops the service."""
        ...


class ServiceType(Protocol):
    """The class registered under ``pymap.service``."""

    @classmethod
    def add_arguments(cls, parser: ArgumentParser) -> None:
        """Adds the service's options to the main command line."""
        ...

    @classmethod
    async def start(cls, backend: Backend, config: IMAPConfig,
                    args: Namespace) -> Service:
        """Starts the service for a running backend."""
        ...

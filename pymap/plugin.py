"""Discovers backend and service plugins through entry points (groups
``pymap.backend`` and ``pymap.service``)."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from typing import cast

from .interfaces.backend import BackendType, ServiceType

__all__ = ['BACKEND_GROUP', 'SERVICE_GROUP', 'load_backends',
           'load_services']

BACKEND_GROUP = 'pymap.backend'
SERVICE_GROUP = 'pymap.service'

_log = logging.getLogger(__name__)


def _load(group: str) -> dict[str, object]:
    loaded: dict[str, object] = {}
    for entry in entry_points(group=group):
        try:
            loaded[entry.name] = entry.load()
        except ImportError as exc:
            _log.warning('plugin %r in %s unavailable: %s', entry.name,
                         group, exc)
    return loaded


def load_backends() -> dict[str, BackendType]:
    """Backend classes by name; a plugin whose imports fail is left out
    with a warning."""
    return {name: cast(BackendType, cls)
            for name, cls in _load(BACKEND_GROUP).items()}


def load_services() -> dict[str, ServiceType]:
    """Service classes by name."""
    return {name: cast(ServiceType, cls)
            for name, cls in _load(SERVICE_GROUP).items()}

"""Names the tests under ``test/`` share; the fixtures live in the root
``conftest.py`` and in :mod:`pymap.testing.plugin`."""

from __future__ import annotations

from pymap.testing import OTHER_USER
from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER

from .backends import (
    dict_backend,
    maildir_backend_factory,
    redis_backend_factory,
    require_tool,
)

__all__ = ['OTHER_USER', 'PASSWORD', 'USER', 'dict_backend',
           'maildir_backend_factory', 'redis_backend_factory',
           'require_tool']

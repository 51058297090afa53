"""Skipping a test for a missing tool, unless ``PYMAP_TEST_STRICT=1`` (as
CI sets it) asks that nothing be skipped."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ['skip_or_fail']


def skip_or_fail(message: str) -> NoReturn:
    """Skips the test with *message*, or fails it in strict mode."""
    if os.environ.get('PYMAP_TEST_STRICT') == '1':
        pytest.fail(message)
    pytest.skip(message)

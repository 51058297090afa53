"""Micro-benchmarks of pymap's hot paths (pytest-benchmark). The test
suite only runs each once, untimed (test/test_bench_micro.py). Time them
with::

    pip install -e '.[bench]' && python -m pytest bench/micro
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """An event loop the benchmark drives round by round."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()

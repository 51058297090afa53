"""The server process collects young garbage less often (pymap.daemon)."""

from __future__ import annotations

import gc

from pymap.daemon import GC_YOUNG_THRESHOLD, tune_gc


def test_tune_gc_raises_only_the_young_threshold() -> None:
    saved = gc.get_threshold()
    try:
        tune_gc()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *saved[1:])
    finally:
        gc.set_threshold(*saved)

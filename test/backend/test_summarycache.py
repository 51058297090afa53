"""The summary cache: least recently used first out, bounded in bytes."""

from __future__ import annotations

from pymap.backend.summarycache import SummaryCache
from pymap.mime import MessageContent, MessageSummary


def _summary(text_size: int) -> MessageSummary:
    return MessageContent.parse(b'Subject: s\r\n\r\n' + b'x' * text_size)\
        .summary


def test_least_recently_used_are_evicted() -> None:
    one = _summary(1000)
    cache: SummaryCache[str] = SummaryCache(3 * one.footprint)
    for key in 'abc':
        cache.put(key, one)
    assert cache.get('a') is one
    cache.put('d', one)
    assert [cache.get(key) is one for key in 'abcd'] == \
        [True, False, True, True]
    assert cache.size == 3 * one.footprint


def test_bytes_bound_the_cache() -> None:
    small, large = _summary(10), _summary(50_000)
    cache: SummaryCache[int] = SummaryCache(large.footprint + 5
                                            * small.footprint)
    for key in range(10):
        cache.put(key, small)
    cache.put(100, large)
    assert [key for key in (*range(10), 100) if cache.get(key)] == \
        [5, 6, 7, 8, 9, 100]
    assert cache.size == cache.max_bytes


def test_replacing_and_oversized_entries() -> None:
    small, large = _summary(10), _summary(50_000)
    cache: SummaryCache[str] = SummaryCache(large.footprint - 1)
    cache.put('a', small)
    cache.put('a', small)
    assert cache.size == small.footprint
    cache.put('b', large)
    cache.put('a', large)
    assert (cache.get('a'), cache.get('b'), cache.size) == (None, None, 0)

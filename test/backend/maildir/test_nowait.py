"""Reads that the kernel serves from memory or refuses (openat2(2)
RESOLVE_CACHED, preadv2(2) RWF_NOWAIT), on real files."""

from __future__ import annotations

import ctypes
import mmap
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pymap.backend.maildir.nowait import AVAILABLE, MAX_SIZE, read_cached

needs_nowait = pytest.mark.skipif(
    not AVAILABLE, reason='needs Linux 5.12+ (openat2 RESOLVE_CACHED)')

_PAGE = os.sysconf('SC_PAGE_SIZE')
_EVICT_ATTEMPTS = 100
_mincore = ctypes.CDLL(None, use_errno=True).mincore
_mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]


def _kernel_release() -> tuple[int, int]:
    found = re.match(r'(\d+)\.(\d+)', os.uname().release)
    assert found is not None
    return int(found[1]), int(found[2])


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _resident_pages(path: Path) -> int:
    """How many of the file's pages the page cache holds, by mincore(2)
    on a mapping of the file: a check that does not go through the code
    under test."""
    size = path.stat().st_size
    with path.open('rb') as file:
        # Private and writable only so that ctypes can take its address;
        # nothing is written, so every page is still the file's.
        mapped = mmap.mmap(file.fileno(), size, flags=mmap.MAP_PRIVATE,
                           prot=mmap.PROT_READ | mmap.PROT_WRITE)
    try:
        anchor = ctypes.c_char.from_buffer(mapped)
        pages = (ctypes.c_ubyte * -(-size // _PAGE))()
        result = _mincore(ctypes.addressof(anchor), size, pages)
        del anchor
        assert result == 0, os.strerror(ctypes.get_errno())
        return sum(page & 1 for page in pages)
    finally:
        mapped.close()


def _evict_pages(path: Path) -> None:
    """Drops the file's (clean) pages from the page cache. The kernel
    skips a page that something else holds at that moment (a per-CPU
    batch, a reclaim scan), about one time in 1,600 here, so the drop is
    repeated until mincore(2) finds none left."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        for _ in range(_EVICT_ATTEMPTS):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            if _resident_pages(path) == 0:
                return
            time.sleep(0.01)
    finally:
        os.close(fd)
    raise AssertionError(f'the kernel kept pages of {path} in its cache')


def _cache_pages(path: Path, length: int) -> None:
    """Reads the first *length* bytes of the file into the page cache, and
    no more (no read-ahead)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
        os.pread(fd, length, 0)
    finally:
        os.close(fd)


def _open_fds() -> int:
    return len(os.listdir('/proc/self/fd'))


def test_available_on_linux_5_12_and_later() -> None:
    if sys.platform != 'linux' or _kernel_release() < (5, 12):
        pytest.skip('RESOLVE_CACHED needs Linux 5.12+')
    assert AVAILABLE


@needs_nowait
def test_a_file_just_written_is_read_whole(tmp_path: Path) -> None:
    data = os.urandom(20_000)
    path = _written(tmp_path / 'message', data)
    assert read_cached(str(path), len(data)) == data


@needs_nowait
def test_an_empty_file_is_read(tmp_path: Path) -> None:
    path = _written(tmp_path / 'message', b'')
    assert read_cached(str(path), 0) == b''


@needs_nowait
def test_missing_paths_and_directories_are_misses(tmp_path: Path) -> None:
    assert read_cached(str(tmp_path / 'renamed'), 10) is None
    assert read_cached(str(tmp_path), 10) is None


@needs_nowait
def test_unusable_arguments_are_misses(tmp_path: Path) -> None:
    path = _written(tmp_path / 'message', b'data')
    assert read_cached(f'{path}\0ignored', 4) is None
    assert read_cached(f'{path}\ud800', 4) is None
    assert read_cached(str(path), -1) is None


@needs_nowait
def test_a_size_beyond_the_file_is_a_miss(tmp_path: Path) -> None:
    path = _written(tmp_path / 'message', b'short')
    assert read_cached(str(path), 6) is None
    assert read_cached(str(path), 5) == b'short'


@needs_nowait
def test_a_file_beyond_max_size_is_a_miss(tmp_path: Path) -> None:
    data = os.urandom(MAX_SIZE + 1)
    path = _written(tmp_path / 'message', data)
    assert read_cached(str(path), len(data)) is None
    assert read_cached(str(path), MAX_SIZE) == data[:MAX_SIZE]


@needs_nowait
def test_each_read_keeps_its_own_bytes(tmp_path: Path) -> None:
    first, second = os.urandom(30_000), os.urandom(20_000)
    read_first = read_cached(str(_written(tmp_path / 'a', first)), 30_000)
    read_second = read_cached(str(_written(tmp_path / 'b', second)), 20_000)
    assert (read_first, read_second) == (first, second)


@needs_nowait
def test_threads_reading_at_once_each_get_their_file(
        tmp_path: Path) -> None:
    """``preadv`` lets go of the GIL, so each thread needs a buffer of its
    own: four threads reading 64 files over and over, each in its own
    order, get every file's bytes (or a miss, should the kernel drop a
    page meanwhile; never another file's bytes)."""
    contents = [bytes([index]) * (10_000 + index) for index in range(64)]
    paths = [str(_written(tmp_path / f'message{index}', data))
             for index, data in enumerate(contents)]
    orders = [[(offset + step) % 64 for step in range(20 * 64)]
              for offset in range(0, 64, 16)]

    def read_all(order: list[int]) -> list[bytes | None]:
        return [read_cached(paths[index], len(contents[index]))
                for index in order]

    with ThreadPoolExecutor(len(orders)) as pool:
        results = list(pool.map(read_all, orders))
    reads = [(read, contents[index])
             for order, result in zip(orders, results, strict=True)
             for index, read in zip(order, result, strict=True)]
    assert all(read in (None, wanted) for read, wanted in reads)
    assert sum(read is not None for read, _ in reads) > len(reads) // 2


@needs_nowait
def test_data_not_in_the_page_cache_is_a_miss(tmp_path: Path) -> None:
    data = os.urandom(4 * _PAGE)
    path = _written(tmp_path / 'message', data)
    _evict_pages(path)
    assert read_cached(str(path), len(data)) is None
    assert path.read_bytes() == data  # cached again
    assert read_cached(str(path), len(data)) == data


#: Larger than the largest folio (2 MiB with 4 KiB pages) that a file
#: system may read in one go: reading its first pages cannot cache it all.
_BEYOND_A_FOLIO = 4 * 1024 * 1024


@needs_nowait
def test_partly_cached_data_is_a_miss(tmp_path: Path) -> None:
    data = os.urandom(_BEYOND_A_FOLIO)
    path = _written(tmp_path / 'message', data)
    _evict_pages(path)
    _cache_pages(path, 2 * _PAGE)
    assert 0 < _resident_pages(path) < len(data) // _PAGE
    assert read_cached(str(path), len(data)) is None
    assert read_cached(str(path), 2 * _PAGE) == data[:2 * _PAGE]


@needs_nowait
def test_a_path_not_in_the_dentry_cache_is_a_miss(tmp_path: Path) -> None:
    data = b'message'
    nested = tmp_path / 'new' / 'nested'
    nested.mkdir(parents=True)
    path = _written(nested / 'message', data)
    os.sync()
    try:
        Path('/proc/sys/vm/drop_caches').write_text('2')
    except OSError as exc:
        pytest.skip(f'cannot drop the dentry cache: {exc}')
    assert read_cached(str(path), len(data)) is None
    assert path.read_bytes() == data  # looked up and cached again
    assert read_cached(str(path), len(data)) == data


@needs_nowait
def test_no_file_is_left_open(tmp_path: Path) -> None:
    data = b'x' * 100
    path = _written(tmp_path / 'message', data)
    before = _open_fds()
    for _ in range(25):
        assert read_cached(str(path), len(data)) == data
        assert read_cached(str(path), len(data) + 1) is None
        assert read_cached(str(tmp_path), 1) is None
        assert read_cached(str(tmp_path / 'missing'), 1) is None
    assert _open_fds() == before

"""UIDVALIDITY allocation."""

from __future__ import annotations

import time
from pathlib import Path

from pymap.backend.maildir.uidvalidity import next_uid_validity


def test_values_grow_within_one_second(tmp_path: Path) -> None:
    (tmp_path / 'tmp').mkdir()
    values = [next_uid_validity(tmp_path, fsync=False) for _ in range(5)]
    assert values == sorted(set(values))
    assert values[0] >= int(time.time()) - 5
    assert (tmp_path / 'dovecot-uidvalidity').read_text() == \
        f'{values[-1]:08x}'
    markers = sorted(path.name for path in tmp_path.iterdir()
                     if path.name.startswith('dovecot-uidvalidity.'))
    assert markers == [f'dovecot-uidvalidity.{values[-1]:08x}']


def test_value_from_the_future_is_continued(tmp_path: Path) -> None:
    future = int(time.time()) + 1000
    (tmp_path / 'dovecot-uidvalidity').write_text(f'{future:08x}')
    assert next_uid_validity(tmp_path, fsync=False) == future + 1


def test_taken_marker_is_skipped(tmp_path: Path) -> None:
    now = int(time.time())
    for value in range(now, now + 3):
        (tmp_path / f'dovecot-uidvalidity.{value:08x}').touch()
    assert next_uid_validity(tmp_path, fsync=False) >= now + 3


def test_garbage_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / 'dovecot-uidvalidity').write_text('not hex')
    assert next_uid_validity(tmp_path, fsync=False) >= int(time.time()) - 5

"""The dovecot-keywords file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pymap.backend.maildir.keywords import (
    KeywordLimit,
    add_keywords,
    parse_keywords,
    read_keywords,
    render_keywords,
)

#: As Dovecot 2.3 writes it.
DOVECOT_FILE = b'0 $Label1\n1 foo\n2 bar\n'


def test_parse_dovecot_file() -> None:
    assert parse_keywords(DOVECOT_FILE) == {
        'a': b'$Label1', 'b': b'foo', 'c': b'bar'}


def test_render_is_parse_inverse() -> None:
    keywords = parse_keywords(DOVECOT_FILE)
    assert render_keywords(keywords) == DOVECOT_FILE


def test_malformed_lines_and_indexes_past_z_are_ignored() -> None:
    data = b'junk\n3 ok\n26 toofar\nx bad\n4 \n\n25 last\n'
    assert parse_keywords(data) == {'d': b'ok', 'z': b'last'}


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert read_keywords(tmp_path) == {}


def test_add_keywords_fills_free_letters(tmp_path: Path) -> None:
    (tmp_path / 'tmp').mkdir()
    (tmp_path / 'dovecot-keywords').write_bytes(b'1 foo\n3 bar\n')
    table = add_keywords(tmp_path, [b'new1', b'foo', b'new2'], fsync=True)
    assert table == {'a': b'new1', 'b': b'foo', 'c': b'new2', 'd': b'bar'}
    assert read_keywords(tmp_path) == table
    assert not (tmp_path / 'dovecot-keywords.lock').exists()
    assert list((tmp_path / 'tmp').iterdir()) == []


def test_add_known_keywords_does_not_write(tmp_path: Path) -> None:
    path = tmp_path / 'dovecot-keywords'
    path.write_bytes(b'0 foo\n')
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert add_keywords(tmp_path, [b'foo'], fsync=False) == {'a': b'foo'}
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


def test_twenty_seventh_keyword_is_refused(tmp_path: Path) -> None:
    add_keywords(tmp_path, [b'k%d' % i for i in range(26)], fsync=False)
    with pytest.raises(KeywordLimit) as info:
        add_keywords(tmp_path, [b'one-more'], fsync=False)
    assert info.value.code == b'LIMIT'
    assert len(read_keywords(tmp_path)) == 26

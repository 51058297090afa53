"""Maildir file names: info letters, S=/W= sizes, unique bases."""

from __future__ import annotations

import re

import pytest

from pymap.backend.maildir import filenames
from pymap.backend.maildir.filenames import (
    FlagLetters,
    base_sizes,
    filename,
    new_base,
    renamed_base,
    split_filename,
)

KEYWORDS = {'a': b'$Label1', 'b': b'foo', 'd': b'bar'}


@pytest.mark.parametrize(('name', 'expected'), [
    ('123.M4P5.host,S=5,W=6:2,FS', ('123.M4P5.host,S=5,W=6', 'FS')),
    ('123.M4P5.host:2,', ('123.M4P5.host', '')),
    ('123.M4P5.host', ('123.M4P5.host', '')),
    ('123.M4P5.host:1,experimental', ('123.M4P5.host', '')),
])
def test_split_filename(name: str, expected: tuple[str, str]) -> None:
    assert split_filename(name) == expected


def test_filename_appends_info() -> None:
    assert filename('base,S=1', 'RS') == 'base,S=1:2,RS'


@pytest.mark.parametrize(('base', 'sizes'), [
    ('1.M2P3.host,S=1355,W=1394', (1355, 1394)),
    ('1.M2P3.host,W=7', (None, 7)),
    ('1.M2P3.host', (None, None)),
    ('1.M2P3.host,S=x,W=', (None, None)),
    ('1.M2P3.host,Z=3,S=4', (4, None)),
])
def test_base_sizes(base: str, sizes: tuple[int | None, int | None]
                    ) -> None:
    assert base_sizes(base) == sizes


def test_new_base_is_unique_and_carries_sizes() -> None:
    bases = {new_base(1700000000.25, 10, 12) for _ in range(1000)}
    assert len(bases) == 1000
    for base in bases:
        assert re.fullmatch(r'1700000000\.M250000P\d+Q\d+\.[^/:,]+'
                            r',S=10,W=12', base)
        assert base_sizes(base) == (10, 12)


def test_host_name_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filenames.socket, 'gethostname',
                        lambda: 'we/ird:host,name')
    base = new_base(1.0, 1, 1)
    assert '.we\\057ird\\072host\\054name,S=1,W=1' in base
    assert split_filename(filename(base, 'S')) == (base, 'S')


def test_renamed_base_keeps_size_fields() -> None:
    fresh = renamed_base(5.0, '1.M2P3.host,S=4,W=5')
    assert fresh != '1.M2P3.host,S=4,W=5'
    assert base_sizes(fresh) == (4, 5)
    assert ',' not in renamed_base(5.0, '1.M2P3.host')


def test_letters_to_flags() -> None:
    letters = FlagLetters(KEYWORDS)
    assert letters.flags('DFPRSTabz') == {
        b'\\Draft', b'\\Flagged', b'\\Answered', b'\\Seen', b'\\Deleted',
        b'$Label1', b'foo'}
    assert letters.flags('') == frozenset()


def test_flags_to_sorted_letters_keeping_unknown_ones() -> None:
    letters = FlagLetters(KEYWORDS)
    assert letters.letters({b'\\Seen', b'bar', b'\\Flagged', b'$Label1'},
                           '') == 'FSad'
    # P has no IMAP flag and z no keyword: both are kept; letters that
    # stand for flags follow the new flags.
    assert letters.letters({b'\\Seen'}, 'PSaz') == 'PSz'


def test_flag_round_trip() -> None:
    letters = FlagLetters(KEYWORDS)
    flags = frozenset({b'\\Draft', b'foo', b'bar'})
    assert letters.flags(letters.letters(flags, '')) == flags

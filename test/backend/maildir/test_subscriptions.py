"""The subscriptions file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pymap.backend.maildir.dirs import make_maildir
from pymap.backend.maildir.layout import FsLayout, MaildirPlusPlus
from pymap.backend.maildir.subscriptions import (
    parse_subscriptions,
    read_subscriptions,
    render_subscriptions,
    set_subscribed,
)
from pymap.exceptions import NotAllowed

#: As Dovecot 2.3 with listescape and separator "/" writes it.
DOVECOT_FILE = b'V\t2\n\na\\2eb\tc\nINBOX\nEntw&APw-rfe\tx\n'
NAMES = {'a.b/c', 'INBOX', 'Entwürfe/x'}


def test_parse_dovecot_file(tmp_path: Path) -> None:
    assert parse_subscriptions(DOVECOT_FILE, MaildirPlusPlus(tmp_path)) \
        == NAMES


def test_render_sorted_version_2(tmp_path: Path) -> None:
    assert render_subscriptions(NAMES, MaildirPlusPlus(tmp_path)) == \
        b'V\t2\n\nEntw&APw-rfe\tx\nINBOX\na\\2eb\tc\n'


def test_parse_version_1(tmp_path: Path) -> None:
    data = b'INBOX\nSent.2024\n\\2e\\2e\n'
    assert parse_subscriptions(data, MaildirPlusPlus(tmp_path)) == {
        'INBOX', 'Sent/2024'}
    assert parse_subscriptions(b'a/b.c\n', FsLayout(tmp_path)) == {'a/b.c'}


def test_set_subscribed(tmp_path: Path) -> None:
    make_maildir(tmp_path, tmp_path, fsync=False, folder=False)
    layout = MaildirPlusPlus(tmp_path)
    assert read_subscriptions(layout) == set()
    set_subscribed(layout, 'a.b/c', True, fsync=True)
    set_subscribed(layout, 'Sent', True, fsync=True)
    set_subscribed(layout, 'Sent', True, fsync=True)
    set_subscribed(layout, 'gone', False, fsync=True)
    assert read_subscriptions(layout) == {'a.b/c', 'Sent'}
    set_subscribed(layout, 'Sent', False, fsync=True)
    assert (tmp_path / 'subscriptions').read_bytes() == \
        b'V\t2\n\na\\2eb\tc\n'
    with pytest.raises(NotAllowed):
        set_subscribed(layout, '../x', True, fsync=True)

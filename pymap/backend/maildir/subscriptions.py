"""The ``subscriptions`` file in the user's root, in Dovecot's format.

Version 2 (what Dovecot 2.x writes): a ``V<TAB>2`` line and an empty line,
then one subscribed name per line with its levels in stored form (see
:mod:`.layout`) separated by TABs. Version 1 files (one stored name per
line, levels separated by the layout's separator) are read too. Changes
rewrite the file atomically under the ``subscriptions.lock`` dot-lock.
"""

from __future__ import annotations

import logging

from .atomic import write_atomic
from .layout import Layout
from .lock import DotLock

__all__ = ['SUBSCRIPTIONS_FILE', 'parse_subscriptions',
           'read_subscriptions', 'render_subscriptions', 'set_subscribed']

SUBSCRIPTIONS_FILE = 'subscriptions'
_HEADER = 'V\t2'

_log = logging.getLogger(__name__)


def parse_subscriptions(data: bytes, layout: Layout) -> set[str]:
    """The subscribed names; lines no name encodes to are skipped."""
    lines = data.decode('utf-8', 'replace').split('\n')
    separator = layout.separator
    if lines[0] == _HEADER:
        lines, separator = lines[2:], '\t'
    names = set()
    for line in filter(None, lines):
        try:
            names.add(layout.name_of(line.split(separator)))
        except ValueError:
            _log.warning('ignoring subscription %r', line)
    return names


def render_subscriptions(names: set[str], layout: Layout) -> bytes:
    """The version 2 file."""
    lines = [_HEADER, '']
    lines += sorted('\t'.join(layout.levels(name)) for name in names)
    return ('\n'.join(lines) + '\n').encode('utf-8')


def read_subscriptions(layout: Layout) -> set[str]:
    """The subscribed names of the user (none without a file)."""
    try:
        data = (layout.root / SUBSCRIPTIONS_FILE).read_bytes()
    except FileNotFoundError:
        return set()
    return parse_subscriptions(data, layout)


def set_subscribed(layout: Layout, name: str, subscribed: bool,
                   fsync: bool) -> None:
    """Adds or removes one subscription."""
    layout.levels(name)
    path = layout.root / SUBSCRIPTIONS_FILE
    with DotLock(path):
        names = read_subscriptions(layout)
        if (name in names) == subscribed:
            return
        if subscribed:
            names.add(name)
        else:
            names.discard(name)
        write_atomic(path, render_subscriptions(names, layout), fsync)

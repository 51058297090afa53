"""Compact UID sets for response codes (RFC 4315 ``uid-set``)."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ['render_uid_set']


def render_uid_set(uids: Iterable[int]) -> bytes:
    """Renders UIDs as ranges in the order given, e.g. ``1:3,7``; order
    matters for COPYUID, which pairs source and target sets."""
    ranges: list[list[int]] = []
    for uid in uids:
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return b','.join(b'%d' % low if low == high else b'%d:%d' % (low, high)
                     for low, high in ranges)

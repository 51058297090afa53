"""Random mailbox changes for the snapshot and change-log tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from pymap.interfaces.storage import Mailbox, NewMessage

__all__ = ['DATE', 'message', 'random_change']

DATE = datetime(2024, 5, 6, tzinfo=UTC)


def message(number: int) -> NewMessage:
    """A small message whose subject is *number*."""
    return NewMessage(b'Subject: %d\r\n\r\nbody\r\n' % number,
                      frozenset(), DATE)


async def random_change(mailbox: Mailbox, rng: random.Random) -> None:
    """One append, flag change, expunge, copy or move of up to three
    messages, chosen by *rng*."""
    uids = list((await mailbox.snapshot()).uids)
    picked = rng.sample(uids, min(len(uids), rng.randint(1, 3)))
    choice = rng.randrange(4) if uids else 0
    if choice == 0:
        await mailbox.append([message(rng.randrange(1000))])
    elif choice == 1:
        await mailbox.update_flags(picked, frozenset([b'\\Seen', b'$x']),
                                   rng.choice(['add', 'remove', 'replace']))
    elif choice == 2:
        await mailbox.expunge(picked)
    else:
        await mailbox.copy_to(picked, mailbox, move=rng.random() < 0.5)

"""Loads the bundled demo mailboxes (``demo/<Mailbox>/*.eml`` with
``demo/flags.txt``) into a user's mailbox set."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable

from pymap.interfaces.storage import NewMessage
from pymap.mime import MessageContent

from .store import DictMailboxSet

__all__ = ['load_demo_data']


def _read_flags(demo: Traversable) -> dict[str, frozenset[bytes]]:
    flags: dict[str, frozenset[bytes]] = {}
    for line in demo.joinpath('flags.txt').read_text('utf-8').splitlines():
        words = line.split()
        if words and not words[0].startswith('#'):
            flags[words[0]] = frozenset(word.encode() for word in words[1:])
    return flags


def _date_of(data: bytes) -> datetime:
    sent = MessageContent.parse(data).date()
    return sent or datetime.now(UTC).replace(microsecond=0)


async def load_demo_data(mailboxes: DictMailboxSet) -> None:
    """Creates INBOX, Sent and Trash with realistic messages."""
    demo = files(__package__).joinpath('demo')
    flags = _read_flags(demo)
    folders = sorted((entry for entry in demo.iterdir() if entry.is_dir()),
                     key=lambda entry: entry.name)
    for folder in folders:
        if folder.name != 'INBOX':
            await mailboxes.create_mailbox(folder.name)
        mailbox = await mailboxes.get_mailbox(folder.name)
        messages = []
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            data = entry.read_bytes()
            key = f'{folder.name}/{entry.name}'
            messages.append(NewMessage(data, flags.get(key, frozenset()),
                                       _date_of(data)))
        await mailbox.append(messages)
        await mailboxes.set_subscribed(folder.name, True)

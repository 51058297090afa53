"""The key layout of the redis backend (doc/redis.md, "Key layout").

Every key of one user carries the same Redis Cluster hash tag, the user's
escaped name in braces, so that all of the user's keys live in one hash
slot and every Lua script touching them runs atomically on one node::

    <prefix>{<user>}:mailboxes           hash   name -> mailbox id
    <prefix>{<user>}:subscriptions       set    subscribed names
    <prefix>{<user>}:uidvalidity         string last UIDVALIDITY given
    <prefix>{<user>}:refs                hash   content digest -> count
    <prefix>{<user>}:trash               set    mailbox ids to purge
    <prefix>{<user>}:content:<sha256>    string message bytes
    <prefix>{<user>}:staged:<token>      string message bytes on their way
                                                into append.lua (expiring)
    <prefix>{<user>}:mbx:<id>:meta       hash   uidvalidity, uidnext,
                                                modseq, recent
    <prefix>{<user>}:mbx:<id>:flags      hash   uid -> flags
    <prefix>{<user>}:mbx:<id>:msgs       hash   uid -> digest size date
    <prefix>{<user>}:mbx:<id>:log        list   one entry per modseq

Keys shared by the whole deployment use the tag ``{%pymap}``, which no
escaped user name can produce (``%`` is always escaped).
"""

from __future__ import annotations

import itertools
import os
import secrets
from dataclasses import dataclass

__all__ = ['GlobalKeys', 'MailboxKeys', 'UserKeys', 'escape_name',
           'validate_prefix']

_ESCAPES = str.maketrans({'%': '%25', '{': '%7B', '}': '%7D'})


class _StagedTokens:
    """Tokens of staged keys, unique across processes without a system
    call each: a random prefix drawn once per process (and again in a
    forked child), then a counter."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._prefix = ''
        self.draw()

    def draw(self) -> None:
        self._prefix = secrets.token_hex(8) + '.'

    def next(self) -> str:
        return self._prefix + str(next(self._counter))


_STAGED = _StagedTokens()
os.register_at_fork(after_in_child=_STAGED.draw)


def escape_name(name: str) -> str:
    """A user name made safe inside a hash tag: no braces, and ``%`` is
    escaped so that escaping is reversible and ``{%...}`` stays reserved."""
    return name.translate(_ESCAPES)


def validate_prefix(prefix: str) -> str:
    """Checks a ``--prefix``: braces would change the hash tag."""
    if '{' in prefix or '}' in prefix:
        raise ValueError('the key prefix may not contain { or }')
    return prefix


@dataclass(frozen=True, slots=True)
class GlobalKeys:
    """Keys and the channel shared by every user under one prefix."""

    prefix: str

    @property
    def purge(self) -> str:
        """Set of user key bases whose trash still needs purging."""
        return f'{self.prefix}{{%pymap}}:purge'

    @property
    def channel(self) -> str:
        """Pub/sub channel announcing ``<mailbox namespace> <modseq>`` and
        the other news of a mailbox (:mod:`.notify`)."""
        return f'{self.prefix}{{%pymap}}:changes'

    def user(self, name: str) -> UserKeys:
        """The keys of the user *name*."""
        return UserKeys(f'{self.prefix}{{{escape_name(name)}}}:')


@dataclass(frozen=True, slots=True)
class UserKeys:
    """The keys of one user; *base* ends with the hash tag and ``:``."""

    base: str

    @property
    def mailboxes(self) -> str:
        return self.base + 'mailboxes'

    @property
    def subscriptions(self) -> str:
        return self.base + 'subscriptions'

    @property
    def uidvalidity(self) -> str:
        return self.base + 'uidvalidity'

    @property
    def refs(self) -> str:
        return self.base + 'refs'

    @property
    def trash(self) -> str:
        return self.base + 'trash'

    def content(self, digest: str) -> str:
        """The message bytes with this SHA-256 hex digest."""
        return f'{self.base}content:{digest}'

    def staged(self, token: str) -> str:
        """Message bytes stored just before the APPEND that takes them
        (doc/redis.md, "Atomicity")."""
        return f'{self.base}staged:{token}'

    def new_staged(self) -> str:
        """A :meth:`staged` key that no other APPEND, of this process or
        another, uses."""
        return self.staged(_STAGED.next())

    def mailbox(self, mailbox_id: str) -> MailboxKeys:
        """The keys of the mailbox with this (random, never reused) id."""
        return MailboxKeys(self, f'{self.base}mbx:{mailbox_id}:')


@dataclass(frozen=True, slots=True)
class MailboxKeys:
    """The keys of one mailbox; *base* doubles as the mailbox's
    notification namespace."""

    user: UserKeys
    base: str

    @property
    def meta(self) -> str:
        return self.base + 'meta'

    @property
    def flags(self) -> str:
        return self.base + 'flags'

    @property
    def msgs(self) -> str:
        return self.base + 'msgs'

    @property
    def log(self) -> str:
        return self.base + 'log'

    @property
    def all(self) -> list[str]:
        """meta, flags, msgs and log, in the order the scripts expect."""
        return [self.meta, self.flags, self.msgs, self.log]

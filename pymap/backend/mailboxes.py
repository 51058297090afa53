"""Mailbox-level commands of the authenticated state (RFC 3501 §6.3)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterable

from pymap.config import IMAPConfig
from pymap.exceptions import (
    IMAPError,
    MailboxConflict,
    MailboxHasChildren,
    MailboxNotFound,
    NotAllowed,
)
from pymap.interfaces.session import Done, Untagged
from pymap.interfaces.storage import DELIMITER, MailboxEntry, MailboxSet
from pymap.parsing.commands import (
    CreateCommand,
    DeleteCommand,
    ListCommand,
    LsubCommand,
    NamespaceCommand,
    RenameCommand,
    StatusCommand,
    SubscribeCommand,
    UnsubscribeCommand,
)
from pymap.parsing.response import render_list, render_mailbox

from .names import check_name, join_pattern, match_pattern, parents_of

__all__ = ['MailboxCommands']

_INBOX = 'INBOX'
_QUOTED_DELIMITER = b'"' + DELIMITER.encode('ascii') + b'"'


class MailboxCommands:
    """CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS
    and NAMESPACE over a :class:`MailboxSet`."""

    def __init__(self, mailboxes: MailboxSet, config: IMAPConfig) -> None:
        self.mailboxes = mailboxes
        self.config = config

    @staticmethod
    async def _queue_all(out: Untagged, lines: list[bytes]) -> None:
        """Queues *lines* as one piece (none: nothing)."""
        if lines:
            await out.queue(b''.join(lines))

    async def _entries(self) -> dict[str, MailboxEntry]:
        return {entry.name: entry
                for entry in await self.mailboxes.list_mailboxes()}

    async def create(self, cmd: CreateCommand, out: Untagged) -> Done:
        """CREATE (§6.3.3): superior names are created as needed. A name
        kept only for its inferiors (``\\Noselect`` after DELETE, §6.3.4)
        is not an extant mailbox, so it may be created again."""
        name = check_name(cmd.mailbox)
        entries = await self._entries()
        entry = entries.get(name)
        if name == _INBOX or (entry is not None and entry.selectable):
            raise MailboxConflict()
        await self._with_parents(
            name, entries, lambda: self.mailboxes.create_mailbox(name))
        return Done('CREATE completed.')

    async def delete(self, cmd: DeleteCommand, out: Untagged) -> Done:
        """DELETE (§6.3.4)."""
        name = check_name(cmd.mailbox)
        if name == _INBOX:
            raise NotAllowed('INBOX cannot be deleted.')
        entries = await self._entries()
        entry = entries.get(name)
        if entry is None:
            raise MailboxNotFound()
        if not entry.selectable and _has_children(name, entries):
            raise MailboxHasChildren()
        await self.mailboxes.delete_mailbox(name)
        return Done('DELETE completed.')

    async def rename(self, cmd: RenameCommand, out: Untagged) -> Done:
        """RENAME (§6.3.5); renaming INBOX moves its messages into the new
        mailbox and leaves INBOX (and its inferiors) in place, so the new
        name may be below INBOX."""
        source = check_name(cmd.source)
        destination = check_name(cmd.destination)
        entries = await self._entries()
        if source not in entries:
            raise MailboxNotFound()
        if destination in entries or destination == _INBOX:
            raise MailboxConflict()
        if source != _INBOX and destination.startswith(source + DELIMITER):
            raise NotAllowed('Cannot rename a mailbox into itself.')
        await self._with_parents(
            destination, entries,
            lambda: self._rename_inbox(destination) if source == _INBOX
            else self.mailboxes.rename_mailbox(source, destination))
        return Done('RENAME completed.')

    async def _with_parents(self, name: str,
                            entries: dict[str, MailboxEntry],
                            action: Callable[[], Awaitable[None]]) -> None:
        """Creates the superior names of *name* that do not exist yet, then
        runs *action*; if it fails, the superiors made for it are removed
        again, so that a refused name leaves nothing behind."""
        created: list[str] = []
        try:
            for parent in parents_of(name):
                if parent not in entries:
                    await self.mailboxes.create_mailbox(parent)
                    created.append(parent)
            await action()
        except IMAPError as exc:
            for parent in reversed(created):
                with contextlib.suppress(IMAPError):
                    await self.mailboxes.delete_mailbox(parent)
            raise exc  # not a bare raise (see Connection.run)

    async def _rename_inbox(self, destination: str) -> None:
        await self.mailboxes.create_mailbox(destination)
        inbox = await self.mailboxes.get_mailbox(_INBOX)
        target = await self.mailboxes.get_mailbox(destination)
        snapshot = await inbox.snapshot()
        await inbox.copy_to(list(snapshot.uids), target, move=True)

    async def subscribe(self, cmd: SubscribeCommand, out: Untagged) -> Done:
        """SUBSCRIBE (§6.3.6)."""
        await self.mailboxes.set_subscribed(check_name(cmd.mailbox), True)
        return Done('SUBSCRIBE completed.')

    async def unsubscribe(self, cmd: UnsubscribeCommand,
                          out: Untagged) -> Done:
        """UNSUBSCRIBE (§6.3.7)."""
        name = check_name(cmd.mailbox)
        if name not in await self.mailboxes.get_subscriptions():
            raise MailboxNotFound('Mailbox is not subscribed.')
        await self.mailboxes.set_subscribed(name, False)
        return Done('UNSUBSCRIBE completed.')

    async def list_mailboxes(self, cmd: ListCommand, out: Untagged) -> Done:
        """LIST (§6.3.8) and LSUB (§6.3.9), with CHILDREN (RFC 3348)."""
        lsub = isinstance(cmd, LsubCommand)
        verb = b'LSUB' if lsub else b'LIST'
        if not cmd.pattern:
            await out.queue(b'* %s (\\Noselect) %s ""\r\n'
                            % (verb, _QUOTED_DELIMITER))
        else:
            pattern = join_pattern(cmd.reference, cmd.pattern)
            entries = await self._entries()
            listed = await self._subscribed(entries, pattern) if lsub \
                else _listed(entries, pattern)
            lines = [b'* %s %s %s %s\r\n' % (
                verb, render_list(attributes), _QUOTED_DELIMITER,
                render_mailbox(name)) for name, attributes in listed]
            await self._queue_all(out, lines)
        return Done(f'{verb.decode()} completed.')

    async def _subscribed(self, entries: dict[str, MailboxEntry],
                          pattern: str) -> list[tuple[str, list[bytes]]]:
        """LSUB's matches. When only a subscribed name's unsubscribed
        superior matches (``foo`` for ``foo/bar`` and ``%``), the superior
        is returned as ``\\Noselect`` (RFC 3501 §6.3.9)."""
        subscribed = await self.mailboxes.get_subscriptions()
        listed: dict[str, list[bytes]] = {}
        for name in subscribed:
            if match_pattern(pattern, name):
                entry = entries.get(name)
                selectable = entry is not None and entry.selectable
                listed[name] = [] if selectable else [b'\\Noselect']
                continue
            for parent in parents_of(name):
                if parent not in subscribed \
                        and match_pattern(pattern, parent):
                    listed[parent] = [b'\\Noselect']
        return sorted(listed.items())

    async def namespace(self, cmd: NamespaceCommand, out: Untagged) -> Done:
        """NAMESPACE (RFC 2342): one personal namespace."""
        await out.queue(b'* NAMESPACE (("" %s)) NIL NIL\r\n'
                        % _QUOTED_DELIMITER)
        return Done('NAMESPACE completed.')

    async def status(self, cmd: StatusCommand, out: Untagged) -> Done:
        """STATUS (§6.3.10), with APPENDLIMIT (RFC 7889)."""
        mailbox = await self.mailboxes.get_mailbox(check_name(cmd.mailbox))
        snapshot = await mailbox.snapshot()
        values = {
            b'MESSAGES': len(snapshot.uids),
            b'RECENT': sum(1 for uid in snapshot.uids
                           if uid > snapshot.recent_uid),
            b'UIDNEXT': snapshot.next_uid,
            b'UIDVALIDITY': snapshot.uid_validity,
            b'UNSEEN': sum(1 for flags in snapshot.flags.values()
                           if b'\\Seen' not in flags),
            b'APPENDLIMIT': self.config.max_append,
        }
        items = [b'%s %d' % (item, values[item]) for item in cmd.items]
        await out.queue(b'* STATUS %s %s\r\n' % (
            render_mailbox(cmd.mailbox), render_list(items)))
        return Done('STATUS completed.')


def _listed(entries: dict[str, MailboxEntry],
            pattern: str) -> list[tuple[str, list[bytes]]]:
    return [(name, _attributes(entry, entries))
            for name, entry in sorted(entries.items())
            if match_pattern(pattern, name)]


def _has_children(name: str, names: Iterable[str]) -> bool:
    prefix = name + DELIMITER
    return any(other.startswith(prefix) for other in names)


def _attributes(entry: MailboxEntry,
                entries: dict[str, MailboxEntry]) -> list[bytes]:
    attributes = [] if entry.selectable else [b'\\Noselect']
    children = _has_children(entry.name, entries)
    attributes.append(b'\\HasChildren' if children else b'\\HasNoChildren')
    return attributes

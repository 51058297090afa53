"""The shared session: every IMAP-ish behaviour, once, above the storage
contract (RFC 3501 §6.3, §6.4 and the extensions pymap offers)."""

from __future__ import annotations

import asyncio
import contextlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from pymap.config import IMAPConfig
from pymap.exceptions import (
    ExpungeIssued,
    IMAPError,
    InvalidSequence,
    MailboxNotFound,
    NotAllowed,
)
from pymap.interfaces.session import Done, Untagged
from pymap.interfaces.storage import (
    FlagSet,
    Mailbox,
    MailboxSet,
    MessageMeta,
    NewMessage,
    assigned_validity,
)
from pymap.mime import MessageSummary
from pymap.parsing.commands import (
    AppendCommand,
    CheckCommand,
    CloseCommand,
    CopyCommand,
    ExpungeCommand,
    FetchCommand,
    MoveCommand,
    NoOpCommand,
    SearchCommand,
    SelectCommand,
    StoreCommand,
    UnselectCommand,
)
from pymap.search import SearchContext, SearchQuery
from pymap.selected import SelectedView, render_flags

from .command_end import command_end
from .fetch import command_plan
from .fetch_responses import FetchResponses
from .mailboxes import MailboxCommands
from .names import check_name
from .summaries import load_metas, load_summaries
from .uidset import render_uid_set

__all__ = ['BaseSession']

_SEEN = b'\\Seen'
_NOOP_DONE = Done('NOOP completed.')
_FETCH_DONE = Done('FETCH completed.')
_STORE_DONE = Done('STORE completed.')
_DELETED = b'\\Deleted'
_SYSTEM_FLAGS = (b'\\Answered', b'\\Flagged', b'\\Deleted', b'\\Seen',
                 b'\\Draft')


class BaseSession(MailboxCommands):
    """An authenticated session over a user's :class:`MailboxSet`.

    Args:
        mailboxes: The user's mailboxes.
        config: Server settings.
    """

    def __init__(self, mailboxes: MailboxSet, config: IMAPConfig) -> None:
        super().__init__(mailboxes, config)
        self._mailbox: Mailbox | None = None
        self._view: SelectedView | None = None

    @property
    def selected(self) -> bool:
        return self._view is not None

    def _require_selected(self) -> tuple[Mailbox, SelectedView]:
        if self._mailbox is None or self._view is None:
            raise IMAPError('No mailbox selected.')
        return self._mailbox, self._view

    def _require_writable(self) -> tuple[Mailbox, SelectedView]:
        mailbox, view = self._require_selected()
        if view.readonly:
            raise NotAllowed('Mailbox is read-only.')
        return mailbox, view

    async def _updates(self, allow_expunge: bool = True) -> list[bytes]:
        """Untagged responses for what changed since the last look."""
        if self._mailbox is None or self._view is None:
            return []
        mailbox, view = self._mailbox, self._view
        snapshot = await mailbox.snapshot()
        new_recent: Sequence[int] = []
        # Once another session has claimed the new messages (the mark only
        # rises), there is nothing left to claim.
        if snapshot.modseq != view.modseq and not view.readonly \
                and snapshot.next_uid > view.next_uid \
                and snapshot.recent_uid < snapshot.next_uid - 1:
            claimed = await mailbox.claim_recent(snapshot.next_uid - 1)
            new_recent = snapshot.uids[bisect_right(
                snapshot.uids, max(claimed, view.next_uid - 1)):]
        return view.update(snapshot, new_recent, allow_expunge)

    async def _finish(self, out: Untagged, done: Done,
                      allow_expunge: bool = True,
                      lasting: bool = False) -> Done:
        """The end of a command: queues its untagged updates and returns
        *done*. A *lasting* command changed another mailbox: when the
        selected one was deleted meanwhile, it still gets its ``OK``, so
        that a client does not repeat it, and the next command finds the
        deletion (RFC 2180 §3.2)."""
        with command_end():
            try:
                lines = await self._updates(allow_expunge)
            except MailboxNotFound:
                if not lasting:
                    raise
                return done
        await self._queue_all(out, lines)
        return done

    # -- selected state ---------------------------------------------------

    async def select(self, cmd: SelectCommand, out: Untagged) -> Done:
        """SELECT / EXAMINE (RFC 3501 §6.3.1, §6.3.2)."""
        self._mailbox = self._view = None
        mailbox = await self.mailboxes.get_mailbox(check_name(cmd.mailbox))
        snapshot = await mailbox.snapshot()
        recent_after = snapshot.recent_uid
        if not cmd.readonly:
            recent_after = await mailbox.claim_recent(snapshot.next_uid - 1)
        view = SelectedView(snapshot, recent_after, cmd.readonly)
        self._mailbox, self._view = mailbox, view
        await self._queue_all(out, self._select_lines(
            view, snapshot.flags.values()))
        mode = b'READ-ONLY' if cmd.readonly else b'READ-WRITE'
        return Done(f'{"EXAMINE" if cmd.readonly else "SELECT"} completed.',
                    mode)

    @staticmethod
    def _select_lines(view: SelectedView,
                      all_flags: Iterable[FlagSet]) -> list[bytes]:
        keywords: set[bytes] = set()
        for flags in set(all_flags):
            keywords.update(flags)
        defined = list(_SYSTEM_FLAGS) + sorted(
            keywords - set(_SYSTEM_FLAGS))
        lines = [b'* FLAGS %s\r\n' % render_flags([*defined, b'\\Recent']),
                 b'* %d EXISTS\r\n' % view.exists,
                 b'* %d RECENT\r\n' % len(view.recent)]
        unseen = next((seq for seq, uid in enumerate(view.uids, 1)
                       if _SEEN not in view.flags[uid]), None)
        if unseen is not None:
            lines.append(b'* OK [UNSEEN %d] First unseen.\r\n' % unseen)
        permanent = b'()' if view.readonly else \
            render_flags([*defined, b'\\*'])
        lines += [b'* OK [PERMANENTFLAGS %s] Flags permitted.\r\n'
                  % permanent,
                  b'* OK [UIDVALIDITY %d] UIDs valid.\r\n'
                  % view.uid_validity,
                  b'* OK [UIDNEXT %d] Predicted next UID.\r\n'
                  % view.next_uid]
        return lines

    async def noop(self, cmd: NoOpCommand, out: Untagged) -> Done:
        """NOOP (RFC 3501 §6.1.2): reports pending updates."""
        return await self._finish(out, _NOOP_DONE)

    async def check(self, cmd: CheckCommand, out: Untagged) -> Done:
        """CHECK (§6.4.1): the stores write through, so a checkpoint is
        only an update."""
        self._require_selected()
        return await self._finish(out, Done('CHECK completed.'))

    async def idle(self, timeout: float) -> list[bytes]:
        """Waits for a change pushed by the store (RFC 2177); EXPUNGE
        responses held back by an earlier command go out at once. With no
        mailbox selected nothing can change, so it just waits out
        *timeout* rather than returning at once to a caller that loops."""
        if self._mailbox is None or self._view is None:
            await asyncio.sleep(timeout)
            return []
        if not self._view.ghosts:
            await self._mailbox.wait_for_change(self._view.modseq, timeout)
        return await self._updates()

    async def close(self, cmd: CloseCommand, out: Untagged) -> Done:
        """CLOSE (§6.4.2): silently expunges ``\\Deleted`` messages unless
        read-only, then deselects. A mailbox deleted meanwhile has nothing
        left to expunge: CLOSE may not answer ``NO``."""
        mailbox, view = self._require_selected()
        self._mailbox = self._view = None
        if not view.readonly:
            with contextlib.suppress(MailboxNotFound):
                snapshot = await mailbox.snapshot()
                deleted = [uid for uid in snapshot.uids
                           if _DELETED in snapshot.flags[uid]]
                if deleted:
                    await mailbox.expunge(deleted)
        return Done('CLOSE completed.')

    async def selected_deleted(self) -> bool:
        """Whether the selected mailbox no longer exists, asked when a
        command fails with :exc:`MailboxNotFound`, which may come from
        another mailbox (a COPY target). Leaves the selected state if
        so."""
        mailbox = self._mailbox
        if mailbox is None:
            return False
        try:
            await mailbox.snapshot()
        except MailboxNotFound:
            self._mailbox = self._view = None
            return True
        return False

    async def unselect(self, cmd: UnselectCommand, out: Untagged) -> Done:
        """UNSELECT (RFC 3691): deselects without expunging."""
        self._require_selected()
        self._mailbox = self._view = None
        return Done('UNSELECT completed.')

    async def expunge(self, cmd: ExpungeCommand, out: Untagged) -> Done:
        """EXPUNGE (§6.4.3) and UID EXPUNGE (RFC 4315 §2.1)."""
        mailbox, view = self._require_writable()
        await self._queue_all(out, await self._updates(allow_expunge=False))
        uids = view.uids if cmd.uid_set is None \
            else cmd.uid_set.select_uids(view.uids)
        deleted = [uid for uid in uids if uid not in view.ghosts
                   and _DELETED in view.flags[uid]]
        if deleted:
            await mailbox.expunge(deleted)
        return await self._finish(out, Done('EXPUNGE completed.'))

    def _resolve(self, view: SelectedView, cmd: FetchCommand
                 | StoreCommand | CopyCommand) -> list[int]:
        try:
            return view.resolve(cmd.seq_set, cmd.uid)
        except ValueError as exc:
            raise InvalidSequence(str(exc)) from exc

    async def search(self, cmd: SearchCommand, out: Untagged) -> Done:
        """SEARCH / UID SEARCH (§6.4.4). The view is refreshed first, so
        the result agrees with the flags and messages announced with it."""
        mailbox, view = self._require_selected()
        query = SearchQuery(cmd.key, cmd.charset)
        await self._queue_all(out, await self._updates(allow_expunge=cmd.uid))
        found = await self._search(mailbox, view, query)
        numbers = found if cmd.uid else [view.seq_of(uid) for uid in found]
        await out.queue(b'* SEARCH' + b''.join(b' %d' % num
                                               for num in numbers) + b'\r\n')
        return await self._finish(out, Done('SEARCH completed.'),
                                  allow_expunge=cmd.uid)

    @staticmethod
    async def _search(mailbox: Mailbox, view: SelectedView,
                      query: SearchQuery) -> list[int]:
        """The matching UIDs, loading per message only what the query
        needs: a summary, the meta data, or nothing."""
        ghosts = view.ghosts
        uids = [uid for uid in view.uids if uid not in ghosts] if ghosts \
            else view.uids
        describe, matches = _describer(view, query), query.matches
        if not (query.needs_summary or query.needs_meta):
            return [uid for uid in uids
                    if matches(describe(uid, None, None))]
        loaded = load_summaries(mailbox, uids) \
            if query.needs_summary else load_metas(mailbox, uids)
        found = []
        async for meta, summary in loaded:
            if matches(describe(meta.uid, meta, summary)):
                found.append(meta.uid)
        return found

    async def fetch(self, cmd: FetchCommand, out: Untagged) -> Done:
        """FETCH / UID FETCH (§6.4.5): streamed in batches of responses. A
        message expunged meanwhile fails FETCH with EXPUNGEISSUED (RFC 2180
        §4.1.2); UID FETCH ignores it, as §6.4.8 asks."""
        mailbox, view = self._require_selected()
        uids = self._resolve(view, cmd)
        plan = command_plan(cmd.attributes, cmd.uid)
        if plan.sets_seen and not view.readonly \
                and await self._mark_seen(mailbox, view, uids):
            plan = plan.with_flags()
        responses = FetchResponses(plan, view)
        await responses.send(mailbox, uids, out)
        done = await self._finish(out, _FETCH_DONE, allow_expunge=cmd.uid)
        if responses.count < len(uids) and not cmd.uid:
            raise ExpungeIssued()
        return done

    @staticmethod
    async def _mark_seen(mailbox: Mailbox, view: SelectedView,
                         uids: Sequence[int]) -> bool:
        """Sets ``\\Seen`` on the messages that lack it; whether any
        did."""
        unseen = [uid for uid in uids if uid not in view.ghosts
                  and _SEEN not in view.flags[uid]]
        if not unseen:
            return False
        view.set_flags(await mailbox.update_flags(
            unseen, frozenset([_SEEN]), 'add'))
        return True

    async def store(self, cmd: StoreCommand, out: Untagged) -> Done:
        """STORE / UID STORE (§6.4.6). Expunged messages are reported as
        for FETCH."""
        mailbox, view = self._require_writable()
        uids = self._resolve(view, cmd)
        live = [uid for uid in uids if uid not in view.ghosts]
        changed = await mailbox.update_flags(live, frozenset(cmd.flags),
                                             cmd.mode)
        view.set_flags(changed)
        if not cmd.silent:
            await self._queue_all(out, [
                view.fetch_flags(uid, with_uid=cmd.uid)
                for uid in live if uid in changed])
        done = await self._finish(out, _STORE_DONE, allow_expunge=cmd.uid)
        if len(changed) < len(uids) and not cmd.uid:
            raise ExpungeIssued()
        return done

    async def copy(self, cmd: CopyCommand, out: Untagged) -> Done:
        """COPY (§6.4.7) and MOVE (RFC 6851), with COPYUID (RFC 4315)."""
        move = isinstance(cmd, MoveCommand)
        mailbox, view = self._require_writable() if move \
            else self._require_selected()
        uids = self._resolve(view, cmd)
        target = await self._target(cmd.mailbox)
        pairs = await mailbox.copy_to(uids, target, move)
        code = await self._copy_uid(target, pairs)
        verb = 'MOVE' if move else 'COPY'
        if move:
            if code:
                await out.queue(b'* OK [%s] Moved.\r\n' % code)
            return await self._finish(out, Done(f'{verb} completed.'),
                                      lasting=True)
        return await self._finish(out, Done(f'{verb} completed.', code),
                                  allow_expunge=cmd.uid, lasting=True)

    async def _target(self, name: str) -> Mailbox:
        try:
            return await self.mailboxes.get_mailbox(check_name(name))
        except MailboxNotFound as exc:
            raise MailboxNotFound(try_create=True) from exc

    @staticmethod
    async def _copy_uid(target: Mailbox,
                        pairs: list[tuple[int, int]]) -> bytes | None:
        if not pairs:
            return None
        validity = await assigned_validity(target, pairs)
        return b'COPYUID %d %s %s' % (
            validity, render_uid_set([src for src, _ in pairs]),
            render_uid_set([dst for _, dst in pairs]))

    async def append(self, cmd: AppendCommand, out: Untagged) -> Done:
        """APPEND (§6.3.11) with MULTIAPPEND (RFC 3502) and APPENDUID
        (RFC 4315)."""
        target = await self._target(cmd.mailbox)
        now = datetime.now(UTC).replace(microsecond=0)
        uids = await target.append([NewMessage(
            msg.data, frozenset(msg.flags), msg.internal_date or now)
            for msg in cmd.messages])
        validity = await assigned_validity(target, uids)
        code = b'APPENDUID %d %s' % (validity, render_uid_set(uids))
        return await self._finish(out, Done('APPEND completed.', code),
                                  lasting=True)


def _describer(view: SelectedView, query: SearchQuery) -> Callable[
        [int, MessageMeta | None, MessageSummary | None], SearchContext]:
    """Describes each message to *query* in one :class:`SearchContext`,
    reused from message to message, with the flags and sequence number
    only when a key looks at them: SEARCH looks at every message, and
    making a context for each cost more than most keys' tests."""
    uids = view.uids
    context = SearchContext(0, 0, frozenset(), view.exists,
                            uids[-1] if uids else 0)
    flag_set = view.flag_set if query.needs_flags else None
    seq_of = view.seq_of if query.needs_seq else None

    def describe(uid: int, meta: MessageMeta | None,
                 summary: MessageSummary | None) -> SearchContext:
        context.uid, context.meta, context.summary = uid, meta, summary
        if flag_set is not None:
            context.flags = flag_set(uid)
        if seq_of is not None:
            context.seq = seq_of(uid)
        return context
    return describe

"""The RPCs of ``admin.proto`` over a started backend, reached only
through its :class:`~pymap.interfaces.users.UserStore` and the storage
contract; mailbox rules are the IMAP ones (:mod:`pymap.backend.mailboxes`).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from grpclib.server import Stream

from pymap import __version__
from pymap.backend.mailboxes import MailboxCommands
from pymap.backend.names import check_name
from pymap.config import IMAPConfig
from pymap.exceptions import MailboxNotFound
from pymap.interfaces.backend import Backend
from pymap.interfaces.storage import (
    MailboxEntry,
    MailboxSet,
    NewMessage,
    assigned_validity,
)
from pymap.interfaces.users import UserRecord
from pymap.parsing.commands import CreateCommand, DeleteCommand

from .admin_grpc import AdminBase
from .admin_pb2 import (
    AppendRequest,
    AppendResponse,
    ChangePasswordRequest,
    CreateMailboxRequest,
    CreateMailboxResponse,
    DeleteMailboxRequest,
    DeleteMailboxResponse,
    DeleteUserRequest,
    DeleteUserResponse,
    GetUserRequest,
    ListMailboxesRequest,
    ListMailboxesResponse,
    ListUsersRequest,
    ListUsersResponse,
    Mailbox,
    PingRequest,
    PingResponse,
    SetUserRequest,
    User,
    UserResponse,
)
from .delivery import (
    check_password,
    check_user_name,
    parse_flags,
    prepare_message,
)
from .errors import answer

__all__ = ['AdminHandlers']

_log = logging.getLogger(__name__)
_TAG = b'admin'


class AdminHandlers(AdminBase):
    """The ``pymap.admin.Admin`` service.

    Args:
        backend: The started backend.
        config: Server settings (``max_append`` limits Append).
        backend_name: Reported by Ping.
    """

    def __init__(self, backend: Backend, config: IMAPConfig,
                 backend_name: str) -> None:
        self._users = backend.users
        self._config = config
        self._backend_name = backend_name
        self._started = time.monotonic()

    async def Ping(self, stream: Stream[PingRequest, PingResponse]) -> None:
        await answer(stream, self._ping)

    async def Append(self, stream: Stream[AppendRequest, AppendResponse]
                     ) -> None:
        await answer(stream, self._append)

    async def ListUsers(
            self, stream: Stream[ListUsersRequest, ListUsersResponse]
    ) -> None:
        await answer(stream, self._list_users)

    async def GetUser(self, stream: Stream[GetUserRequest, UserResponse]
                      ) -> None:
        await answer(stream, self._get_user)

    async def SetUser(self, stream: Stream[SetUserRequest, UserResponse]
                      ) -> None:
        await answer(stream, self._set_user)

    async def ChangePassword(
            self, stream: Stream[ChangePasswordRequest, UserResponse]
    ) -> None:
        await answer(stream, self._change_password)

    async def DeleteUser(
            self, stream: Stream[DeleteUserRequest, DeleteUserResponse]
    ) -> None:
        await answer(stream, self._delete_user)

    async def ListMailboxes(
            self, stream: Stream[ListMailboxesRequest, ListMailboxesResponse]
    ) -> None:
        await answer(stream, self._list_mailboxes)

    async def CreateMailbox(
            self, stream: Stream[CreateMailboxRequest, CreateMailboxResponse]
    ) -> None:
        await answer(stream, self._create_mailbox)

    async def DeleteMailbox(
            self, stream: Stream[DeleteMailboxRequest, DeleteMailboxResponse]
    ) -> None:
        await answer(stream, self._delete_mailbox)

    async def _ping(self, request: PingRequest) -> PingResponse:
        return PingResponse(version=__version__,
                            uptime=time.monotonic() - self._started,
                            backend=self._backend_name)

    async def _append(self, request: AppendRequest) -> AppendResponse:
        """Validates everything, then stores the message in one
        :meth:`~pymap.interfaces.storage.Mailbox.append` (all or
        nothing), as IMAP APPEND does (RFC 3501 §6.3.11)."""
        message = prepare_message(request.message, self._config.max_append)
        flags = parse_flags(request.flags)
        name = check_name(request.mailbox or 'INBOX')
        when = request.internal_date.ToDatetime(UTC) \
            if request.HasField('internal_date') else datetime.now(UTC)
        mailboxes = await self._users.mailboxes(request.user)
        mailbox = await mailboxes.get_mailbox(name)
        uids = await mailbox.append(
            [NewMessage(message, flags, when.replace(microsecond=0))])
        uid, = uids
        validity = await assigned_validity(mailbox, uids)
        _log.info('delivered %d bytes to %s of %s, uid %d', len(message),
                  name, request.user, uid)
        return AppendResponse(mailbox=name, uid_validity=validity, uid=uid)

    async def _list_users(self, request: ListUsersRequest
                          ) -> ListUsersResponse:
        return ListUsersResponse(names=await self._users.list_users())

    async def _get_user(self, request: GetUserRequest) -> UserResponse:
        return _user(await self._users.get_user(request.name))

    async def _set_user(self, request: SetUserRequest) -> UserResponse:
        etag = request.etag if request.HasField('etag') else None
        return _user(await self._users.set_user(
            check_user_name(request.name), check_password(request.password),
            etag))

    async def _change_password(self, request: ChangePasswordRequest
                               ) -> UserResponse:
        return _user(await self._users.change_password(
            request.name, check_password(request.password)))

    async def _delete_user(self, request: DeleteUserRequest
                           ) -> DeleteUserResponse:
        """Deletes the user and all of the user's mail (the
        :class:`~pymap.interfaces.users.UserStore` contract)."""
        await self._users.delete_user(request.name)
        return DeleteUserResponse()

    async def _list_mailboxes(self, request: ListMailboxesRequest
                              ) -> ListMailboxesResponse:
        mailboxes = await self._users.mailboxes(request.user)
        entries = sorted(await mailboxes.list_mailboxes(),
                         key=lambda entry: entry.name)
        described = [await _describe(mailboxes, entry) for entry in entries]
        return ListMailboxesResponse(
            mailboxes=[info for info in described if info is not None])

    async def _create_mailbox(self, request: CreateMailboxRequest
                              ) -> CreateMailboxResponse:
        """IMAP CREATE's rules (RFC 3501 §6.3.3): parents as needed."""
        commands = await self._commands(request.user)
        await commands.create(CreateCommand(_TAG, request.mailbox), _IGNORED)
        return CreateMailboxResponse()

    async def _delete_mailbox(self, request: DeleteMailboxRequest
                              ) -> DeleteMailboxResponse:
        """IMAP DELETE's rules (RFC 3501 §6.3.4): never INBOX."""
        commands = await self._commands(request.user)
        await commands.delete(DeleteCommand(_TAG, request.mailbox), _IGNORED)
        return DeleteMailboxResponse()

    async def _commands(self, user: str) -> MailboxCommands:
        return MailboxCommands(await self._users.mailboxes(user),
                               self._config)


def _user(record: UserRecord) -> UserResponse:
    """The record as sent: never a password or hash (the record has
    none)."""
    return UserResponse(user=User(name=record.name, etag=record.etag,
                                  mailbox_path=record.mailbox_path))


async def _describe(mailboxes: MailboxSet,
                    entry: MailboxEntry) -> Mailbox | None:
    """A mailbox with its counts (as STATUS gives them, RFC 3501
    §6.3.10), or None when it vanished meanwhile."""
    if not entry.selectable:
        return Mailbox(name=entry.name, selectable=False)
    try:
        snapshot = await (await mailboxes.get_mailbox(entry.name)).snapshot()
    except MailboxNotFound:
        return None
    return Mailbox(
        name=entry.name, selectable=True, messages=len(snapshot.uids),
        unseen=sum(1 for flags in snapshot.flags.values()
                   if b'\\Seen' not in flags),
        recent=sum(1 for uid in snapshot.uids if uid > snapshot.recent_uid),
        uid_validity=snapshot.uid_validity, next_uid=snapshot.next_uid)


class _Ignored:
    """Untagged responses of an IMAP command handler run for its effect
    alone: dropped."""

    async def queue(self, data: bytes) -> None:
        pass


_IGNORED = _Ignored()

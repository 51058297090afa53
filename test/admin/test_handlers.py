"""Every RPC of the admin service, in process (grpclib's ChannelFor),
against every backend of the ``backend`` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from grpclib.client import UnaryUnaryMethod
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.health.v1.health_grpc import HealthStub
from grpclib.health.v1.health_pb2 import (
    HealthCheckRequest,
    HealthCheckResponse,
)
from grpclib.testing import ChannelFor
from pysasl.creds.plain import PlainCredentials

from pymap import __version__
from pymap.admin.admin_grpc import AdminStub
from pymap.admin.admin_pb2 import (
    AppendRequest,
    ChangePasswordRequest,
    CreateMailboxRequest,
    DeleteMailboxRequest,
    DeleteUserRequest,
    GetUserRequest,
    ListMailboxesRequest,
    ListUsersRequest,
    PingRequest,
    SetUserRequest,
    User,
)
from pymap.admin.metadata import ERROR_KEY
from pymap.admin.service import services
from pymap.config import IMAPConfig
from pymap.exceptions import AuthenticationFailed
from pymap.interfaces.backend import Backend
from pymap.interfaces.storage import StoredMessage
from pymap.testing import BackendFactory

from ..conftest import OTHER_USER, PASSWORD, USER

LIMIT = 4 * 1024 * 1024
MESSAGE = b'From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n'


@dataclass
class Admin:
    """The backend, and stubs over an in-memory channel to its admin
    service."""

    backend: Backend
    stub: AdminStub
    health: HealthStub

    async def refusal(self, method: UnaryUnaryMethod[Any, Any],
                      request: object) -> tuple[Status, str]:
        """The status and ``pymap-error`` code of a refused call."""
        async with method.open() as stream:
            await stream.send_message(request, end=True)
            with pytest.raises(GRPCError) as info:
                await stream.recv_message()
            trailers = stream.trailing_metadata
        assert trailers is not None
        code = trailers[ERROR_KEY]
        assert isinstance(code, str)
        return info.value.status, code

    async def messages(self, user: str, mailbox: str = 'INBOX'
                       ) -> list[StoredMessage]:
        """The stored messages of a mailbox, read through the backend."""
        box = await (await self.backend.users.mailboxes(user)) \
            .get_mailbox(mailbox)
        snapshot = await box.snapshot()
        return [message async for message in box.load(snapshot.uids, True)
                if isinstance(message, StoredMessage)]


@pytest.fixture
async def admin(backend: BackendFactory) -> AsyncIterator[Admin]:
    started = await backend()
    handlers = services(started, IMAPConfig(max_append=LIMIT), 'testing')
    async with ChannelFor(handlers) as channel:
        yield Admin(started, AdminStub(channel), HealthStub(channel))
    await started.close()


# -- Ping and health ----------------------------------------------------------

async def test_ping(admin: Admin) -> None:
    response = await admin.stub.Ping(PingRequest())
    assert response.version == __version__
    assert response.backend == 'testing'
    assert 0 <= response.uptime < 60


@pytest.mark.parametrize('service', ['', 'pymap.admin.Admin'])
async def test_health_is_serving(admin: Admin, service: str) -> None:
    response = await admin.health.Check(HealthCheckRequest(service=service))
    assert response.status == HealthCheckResponse.SERVING


# -- Append -------------------------------------------------------------------

async def test_append_defaults_to_inbox(admin: Admin) -> None:
    response = await admin.stub.Append(
        AppendRequest(user=USER, message=MESSAGE))
    box = await (await admin.backend.users.mailboxes(USER)) \
        .get_mailbox('INBOX')
    snapshot = await box.snapshot()
    assert (response.mailbox, response.uid) == ('INBOX', 1)
    assert response.uid_validity == snapshot.uid_validity
    assert snapshot.uids == [1] and snapshot.flags[1] == frozenset()
    stored, = await admin.messages(USER)
    assert stored.content.raw.replace(b'\r\n', b'\n') == \
        MESSAGE.replace(b'\r\n', b'\n')
    assert await admin.messages(OTHER_USER) == []


async def test_append_flags_date_and_mailbox(admin: Admin) -> None:
    await admin.stub.CreateMailbox(
        CreateMailboxRequest(user=USER, mailbox='Lists/pymap'))
    when = datetime(2024, 2, 29, 12, 30, 15, tzinfo=UTC)
    request = AppendRequest(user=USER, mailbox='Lists/pymap',
                            flags=['\\seen', '$Label'], message=MESSAGE)
    request.internal_date.FromDatetime(when)
    first = await admin.stub.Append(request)
    second = await admin.stub.Append(request)
    assert (first.mailbox, first.uid, second.uid) == ('Lists/pymap', 1, 2)
    stored = await admin.messages(USER, 'Lists/pymap')
    assert [message.meta.internal_date for message in stored] == [when] * 2
    box = await (await admin.backend.users.mailboxes(USER)) \
        .get_mailbox('Lists/pymap')
    assert (await box.snapshot()).flags[1] == {b'\\Seen', b'$Label'}


async def test_append_drops_mbox_envelope_line(admin: Admin) -> None:
    await admin.stub.Append(AppendRequest(
        user=USER, message=b'From a@example.com Thu Feb 29 12:00:00 2024\n'
                           b'Subject: hi\n\nhello\n'))
    stored, = await admin.messages(USER)
    assert stored.content.raw.startswith(b'Subject: hi')


async def test_append_several_megabytes(admin: Admin) -> None:
    body = b''.join(b'line %07d of a long message\r\n' % number
                    for number in range(100_000))
    message = b'Subject: big\r\n\r\n' + body
    assert len(message) > 3_000_000
    response = await admin.stub.Append(
        AppendRequest(user=USER, message=message))
    stored, = await admin.messages(USER)
    assert response.uid == 1 and stored.meta.size == len(message)


@pytest.mark.parametrize(('request_', 'status', 'code'), [
    (AppendRequest(user='nobody', message=MESSAGE), Status.NOT_FOUND,
     'USER_NOT_FOUND'),
    (AppendRequest(user=USER, mailbox='Missing', message=MESSAGE),
     Status.NOT_FOUND, 'MAILBOX_NOT_FOUND'),
    (AppendRequest(user=USER, message=b''), Status.INVALID_ARGUMENT,
     'INVALID_MESSAGE'),
    (AppendRequest(user=USER, message=b'just some text\n'),
     Status.INVALID_ARGUMENT, 'INVALID_MESSAGE'),
    (AppendRequest(user=USER, message=b'S: x\n\n' + b'x' * LIMIT),
     Status.RESOURCE_EXHAUSTED, 'TOO_BIG'),
    (AppendRequest(user=USER, flags=['\\Recent'], message=MESSAGE),
     Status.INVALID_ARGUMENT, 'INVALID_ARGUMENT'),
    (AppendRequest(user=USER, flags=['two words'], message=MESSAGE),
     Status.INVALID_ARGUMENT, 'INVALID_ARGUMENT'),
    (AppendRequest(user=USER, mailbox='a//b', message=MESSAGE),
     Status.INVALID_ARGUMENT, 'INVALID_ARGUMENT'),
])
async def test_append_refusals_store_nothing(
        admin: Admin, request_: AppendRequest, status: Status,
        code: str) -> None:
    assert await admin.refusal(admin.stub.Append, request_) == (status, code)
    assert await admin.messages(USER) == []


# -- users --------------------------------------------------------------------

async def test_list_users(admin: Admin) -> None:
    response = await admin.stub.ListUsers(ListUsersRequest())
    assert list(response.names) == sorted([USER, OTHER_USER])


async def test_set_get_and_login(admin: Admin) -> None:
    created = await admin.stub.SetUser(
        SetUserRequest(name='carol', password='first pass', etag=''))
    fetched = await admin.stub.GetUser(GetUserRequest(name='carol'))
    assert fetched.user == created.user and created.user.name == 'carol'
    assert created.user.etag
    assert 'carol' in (await admin.stub.ListUsers(ListUsersRequest())).names
    identity = await admin.backend.login.authenticate(
        PlainCredentials('carol', 'first pass'))
    assert identity.name == 'carol'


async def test_set_user_checks_the_etag(admin: Admin) -> None:
    first = (await admin.stub.SetUser(
        SetUserRequest(name='carol', password='one'))).user
    assert await admin.refusal(admin.stub.SetUser, SetUserRequest(
        name='carol', password='two', etag='')) == (Status.ABORTED,
                                                    'CONFLICT')
    second = (await admin.stub.SetUser(SetUserRequest(
        name='carol', password='two', etag=first.etag))).user
    assert second.etag != first.etag
    assert await admin.refusal(admin.stub.SetUser, SetUserRequest(
        name='carol', password='three', etag=first.etag)) == (
        Status.ABORTED, 'CONFLICT')
    await admin.backend.login.authenticate(PlainCredentials('carol', 'two'))


async def test_change_password(admin: Admin) -> None:
    before = (await admin.stub.GetUser(GetUserRequest(name=USER))).user
    after = (await admin.stub.ChangePassword(
        ChangePasswordRequest(name=USER, password='new pass'))).user
    assert after.etag != before.etag
    with pytest.raises(AuthenticationFailed):
        await admin.backend.login.authenticate(
            PlainCredentials(USER, PASSWORD))
    await admin.backend.login.authenticate(
        PlainCredentials(USER, 'new pass'))


async def test_delete_user_deletes_mail(admin: Admin) -> None:
    await admin.stub.Append(AppendRequest(user=USER, message=MESSAGE))
    await admin.stub.DeleteUser(DeleteUserRequest(name=USER))
    assert USER not in (await admin.stub.ListUsers(ListUsersRequest())).names
    assert await admin.refusal(admin.stub.GetUser, GetUserRequest(
        name=USER)) == (Status.NOT_FOUND, 'USER_NOT_FOUND')
    await admin.stub.SetUser(SetUserRequest(name=USER, password=PASSWORD))
    assert await admin.messages(USER) == []


@pytest.mark.parametrize(('method', 'request_'), [
    ('GetUser', GetUserRequest(name='nobody')),
    ('ChangePassword', ChangePasswordRequest(name='nobody', password='x')),
    ('DeleteUser', DeleteUserRequest(name='nobody')),
    ('ListMailboxes', ListMailboxesRequest(user='nobody')),
    ('CreateMailbox', CreateMailboxRequest(user='nobody', mailbox='A')),
    ('DeleteMailbox', DeleteMailboxRequest(user='nobody', mailbox='A')),
])
async def test_unknown_user(admin: Admin, method: str,
                            request_: object) -> None:
    assert await admin.refusal(getattr(admin.stub, method), request_) == (
        Status.NOT_FOUND, 'USER_NOT_FOUND')


@pytest.mark.parametrize('request_', [
    SetUserRequest(name='carol', password=''),
    SetUserRequest(name='carol', password='line\nbreak'),
    SetUserRequest(name='', password='pass'),
    SetUserRequest(name='two words', password='pass'),
    ChangePasswordRequest(name=USER, password=''),
])
async def test_bad_user_arguments(admin: Admin, request_: object) -> None:
    method = admin.stub.SetUser if isinstance(request_, SetUserRequest) \
        else admin.stub.ChangePassword
    assert await admin.refusal(method, request_) == (
        Status.INVALID_ARGUMENT, 'INVALID_ARGUMENT')
    assert 'carol' not in (await admin.stub.ListUsers(
        ListUsersRequest())).names


async def test_no_password_or_hash_is_returned(admin: Admin) -> None:
    password = 'Very-Secret-Password-42'
    answers = [
        await admin.stub.SetUser(SetUserRequest(name='carol',
                                                password=password)),
        await admin.stub.ChangePassword(ChangePasswordRequest(
            name='carol', password=password)),
        await admin.stub.GetUser(GetUserRequest(name='carol')),
    ]
    for answer in answers:
        assert password.encode() not in answer.SerializeToString()
    assert [field.name for field in User.DESCRIPTOR.fields] == [
        'name', 'etag', 'mailbox_path']


# -- mailboxes ----------------------------------------------------------------

async def test_list_mailboxes_with_counts(admin: Admin) -> None:
    await admin.stub.Append(AppendRequest(user=USER, message=MESSAGE))
    await admin.stub.Append(AppendRequest(user=USER, flags=['\\Seen'],
                                          message=MESSAGE))
    await admin.stub.CreateMailbox(
        CreateMailboxRequest(user=USER, mailbox='Work/Projects'))
    response = await admin.stub.ListMailboxes(
        ListMailboxesRequest(user=USER))
    listed = {mailbox.name: mailbox for mailbox in response.mailboxes}
    assert list(listed) == ['INBOX', 'Work', 'Work/Projects']
    inbox = listed['INBOX']
    assert (inbox.selectable, inbox.messages, inbox.unseen, inbox.recent,
            inbox.next_uid) == (True, 2, 1, 2, 3)
    assert inbox.uid_validity > 0
    assert listed['Work/Projects'].messages == 0


async def test_deleted_parent_is_listed_not_selectable(admin: Admin) -> None:
    await admin.stub.CreateMailbox(
        CreateMailboxRequest(user=USER, mailbox='Work/Projects'))
    await admin.stub.DeleteMailbox(
        DeleteMailboxRequest(user=USER, mailbox='Work'))
    response = await admin.stub.ListMailboxes(
        ListMailboxesRequest(user=USER))
    work, = [mailbox for mailbox in response.mailboxes
             if mailbox.name == 'Work']
    assert not work.selectable and work.messages == 0


async def test_create_mailbox_refusals(admin: Admin) -> None:
    await admin.stub.CreateMailbox(CreateMailboxRequest(user=USER,
                                                        mailbox='Archive'))
    for name in ('Archive', 'INBOX', 'inbox'):
        assert await admin.refusal(admin.stub.CreateMailbox,
                                   CreateMailboxRequest(
                                       user=USER, mailbox=name)) == (
            Status.ALREADY_EXISTS, 'ALREADY_EXISTS')
    assert await admin.refusal(admin.stub.CreateMailbox, CreateMailboxRequest(
        user=USER, mailbox='')) == (Status.INVALID_ARGUMENT,
                                    'INVALID_ARGUMENT')


async def test_delete_mailbox(admin: Admin) -> None:
    await admin.stub.CreateMailbox(CreateMailboxRequest(user=USER,
                                                        mailbox='Old'))
    await admin.stub.Append(AppendRequest(user=USER, mailbox='Old',
                                          message=MESSAGE))
    await admin.stub.DeleteMailbox(DeleteMailboxRequest(user=USER,
                                                        mailbox='Old'))
    names = [mailbox.name for mailbox in (await admin.stub.ListMailboxes(
        ListMailboxesRequest(user=USER))).mailboxes]
    assert names == ['INBOX']
    assert await admin.refusal(admin.stub.DeleteMailbox, DeleteMailboxRequest(
        user=USER, mailbox='Old')) == (Status.NOT_FOUND, 'MAILBOX_NOT_FOUND')
    assert await admin.refusal(admin.stub.DeleteMailbox, DeleteMailboxRequest(
        user=USER, mailbox='INBOX')) == (Status.PERMISSION_DENIED, 'REFUSED')

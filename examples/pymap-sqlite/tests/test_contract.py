"""The classes implement pymap's protocols: mypy checks each assignment
below against the protocol it is annotated with, so a method with a wrong
name or signature fails ``mypy`` before it fails a test."""

from __future__ import annotations

from pymap.interfaces.backend import Backend, BackendType
from pymap.interfaces.login import Identity, Login
from pymap.interfaces.storage import Mailbox, MailboxSet
from pymap.interfaces.users import UserStore
from pysasl.creds.plain import PlainCredentials

from pymap_sqlite import SqliteBackend
from pymap_sqlite.mailboxes import SqliteMailboxSet


async def test_objects_satisfy_the_protocols(
        backend: SqliteBackend, mailboxes: SqliteMailboxSet) -> None:
    backend_type: BackendType = SqliteBackend
    started: Backend = backend
    login: Login = backend.login
    users: UserStore = backend.users
    identity: Identity = await login.authenticate(
        PlainCredentials('alice', 'secret'))
    mailbox_set: MailboxSet = mailboxes
    mailbox: Mailbox = await mailbox_set.get_mailbox('INBOX')
    assert backend_type.__doc__
    assert started.users is users
    assert identity.name == 'alice'
    assert mailbox.name == 'INBOX'


async def test_health_reports_a_working_database(
        backend: SqliteBackend) -> None:
    status = await backend.health()
    assert status.ok and status.detail == ''

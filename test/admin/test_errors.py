"""Domain errors map to gRPC statuses and admin error codes in one place,
and pymap-admin maps those codes to sysexits."""

from __future__ import annotations

import os

import pytest
from grpclib.const import Status

from pymap.admin.admin_pb2 import ErrorCode
from pymap.admin.cli.exits import exit_status
from pymap.admin.delivery import InvalidArgument, InvalidMessage
from pymap.admin.errors import classify
from pymap.exceptions import (
    AuthenticationFailed,
    EntityConflict,
    IMAPError,
    InUse,
    InvalidName,
    MailboxConflict,
    MailboxHasChildren,
    MailboxNotFound,
    NotAllowed,
    NotSupported,
    OverQuota,
    TemporaryFailure,
    TooBig,
    UserNotFound,
)


class _BackendOutage(TemporaryFailure):
    """A backend's own kind of temporary failure."""


CASES = [
    (UserNotFound(), Status.NOT_FOUND, ErrorCode.USER_NOT_FOUND,
     os.EX_NOUSER),
    (MailboxNotFound(), Status.NOT_FOUND, ErrorCode.MAILBOX_NOT_FOUND,
     os.EX_CANTCREAT),
    (MailboxConflict(), Status.ALREADY_EXISTS, ErrorCode.ALREADY_EXISTS,
     os.EX_CANTCREAT),
    (EntityConflict(), Status.ABORTED, ErrorCode.CONFLICT, os.EX_CANTCREAT),
    (MailboxHasChildren(), Status.FAILED_PRECONDITION, ErrorCode.CONFLICT,
     os.EX_CANTCREAT),
    (InvalidMessage(), Status.INVALID_ARGUMENT, ErrorCode.INVALID_MESSAGE,
     os.EX_DATAERR),
    (TooBig(), Status.RESOURCE_EXHAUSTED, ErrorCode.TOO_BIG, os.EX_DATAERR),
    (InvalidName(), Status.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT,
     os.EX_DATAERR),
    (InvalidArgument(), Status.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT,
     os.EX_DATAERR),
    (NotAllowed(), Status.PERMISSION_DENIED, ErrorCode.REFUSED,
     os.EX_NOPERM),
    (TemporaryFailure(), Status.UNAVAILABLE, ErrorCode.TEMPORARY_FAILURE,
     os.EX_TEMPFAIL),
    (_BackendOutage(), Status.UNAVAILABLE, ErrorCode.TEMPORARY_FAILURE,
     os.EX_TEMPFAIL),
    (OverQuota(), Status.RESOURCE_EXHAUSTED, ErrorCode.TEMPORARY_FAILURE,
     os.EX_TEMPFAIL),
    (InUse(), Status.UNAVAILABLE, ErrorCode.TEMPORARY_FAILURE,
     os.EX_TEMPFAIL),
    (NotSupported(), Status.UNIMPLEMENTED, ErrorCode.NOT_SUPPORTED,
     os.EX_UNAVAILABLE),
    (AuthenticationFailed(), Status.FAILED_PRECONDITION, ErrorCode.REFUSED,
     os.EX_NOPERM),
    (IMAPError(), Status.FAILED_PRECONDITION, ErrorCode.REFUSED,
     os.EX_NOPERM),
]


@pytest.mark.parametrize(('error', 'status', 'code', 'exit_code'), CASES)
def test_mapping(error: IMAPError, status: Status, code: ErrorCode,
                 exit_code: int) -> None:
    assert classify(error) == (status, code)
    assert exit_status(ErrorCode.Name(code), status) == exit_code


def test_every_error_code_is_covered() -> None:
    used = {code for _, _, code, _ in CASES}
    assert used == set(ErrorCode.values()) - {
        ErrorCode.ERROR_CODE_UNSPECIFIED}


@pytest.mark.parametrize(('status', 'exit_code'), [
    (Status.UNAUTHENTICATED, os.EX_NOPERM),
    (Status.PERMISSION_DENIED, os.EX_NOPERM),
    (Status.UNIMPLEMENTED, os.EX_UNAVAILABLE),
    (Status.UNAVAILABLE, os.EX_TEMPFAIL),
    (Status.DEADLINE_EXCEEDED, os.EX_TEMPFAIL),
    (Status.UNKNOWN, os.EX_TEMPFAIL),
])
def test_answers_without_error_code(status: Status, exit_code: int) -> None:
    assert exit_status(None, status) == exit_code
    assert exit_status('SOME_FUTURE_CODE', status) == exit_code

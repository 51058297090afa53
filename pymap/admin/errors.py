"""The one place where domain errors become gRPC answers.

A refusal (any :class:`~pymap.exceptions.IMAPError`) is sent as a non-OK
gRPC status with the error's one-line text, plus the trailing metadata
``pymap-error`` naming an :class:`ErrorCode` of ``admin.proto``, so that a
client can tell an unknown user from an unknown mailbox (``pymap-admin``
turns the code into a sysexits status). Anything else is a server bug:
grpclib logs it and answers ``UNKNOWN`` without details.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pymap.exceptions import (
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

from .admin_pb2 import ErrorCode
from .delivery import InvalidArgument, InvalidMessage
from .metadata import ERROR_KEY

__all__ = ['answer', 'classify']

_Request = TypeVar('_Request')
_Response = TypeVar('_Response')

_log = logging.getLogger(__name__)

_MAPPING: dict[type[IMAPError], tuple[Status, ErrorCode]] = {
    UserNotFound: (Status.NOT_FOUND, ErrorCode.USER_NOT_FOUND),
    MailboxNotFound: (Status.NOT_FOUND, ErrorCode.MAILBOX_NOT_FOUND),
    MailboxConflict: (Status.ALREADY_EXISTS, ErrorCode.ALREADY_EXISTS),
    EntityConflict: (Status.ABORTED, ErrorCode.CONFLICT),
    MailboxHasChildren: (Status.FAILED_PRECONDITION, ErrorCode.CONFLICT),
    InvalidMessage: (Status.INVALID_ARGUMENT, ErrorCode.INVALID_MESSAGE),
    TooBig: (Status.RESOURCE_EXHAUSTED, ErrorCode.TOO_BIG),
    InvalidName: (Status.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT),
    InvalidArgument: (Status.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT),
    NotAllowed: (Status.PERMISSION_DENIED, ErrorCode.REFUSED),
    OverQuota: (Status.RESOURCE_EXHAUSTED, ErrorCode.TEMPORARY_FAILURE),
    TemporaryFailure: (Status.UNAVAILABLE, ErrorCode.TEMPORARY_FAILURE),
    InUse: (Status.UNAVAILABLE, ErrorCode.TEMPORARY_FAILURE),
    NotSupported: (Status.UNIMPLEMENTED, ErrorCode.NOT_SUPPORTED),
    IMAPError: (Status.FAILED_PRECONDITION, ErrorCode.REFUSED),
}


def classify(exc: IMAPError) -> tuple[Status, ErrorCode]:
    """The gRPC status and error code of a domain error; a subclass (say,
    a backend's own kind of :exc:`TemporaryFailure`) maps like its
    nearest listed ancestor."""
    return next(_MAPPING[cls] for cls in type(exc).__mro__
                if cls in _MAPPING)


async def answer(stream: Stream[_Request, _Response],
                 handle: Callable[[_Request], Awaitable[_Response]]
                 ) -> None:
    """Serves one unary call: the request goes to *handle*, whose result
    is the response, and whose domain errors become the gRPC status and
    ``pymap-error`` trailer."""
    request = await stream.recv_message()
    if request is None:
        raise GRPCError(Status.INVALID_ARGUMENT, 'Missing request message.')
    try:
        response = await handle(request)
    except IMAPError as exc:
        status, code = classify(exc)
        name = ErrorCode.Name(code)
        _log.info('admin request refused: %s', name)
        await stream.send_trailing_metadata(
            status=status, status_message=exc.text,
            metadata={ERROR_KEY: name})
    else:
        await stream.send_message(response)

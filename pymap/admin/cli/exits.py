"""Exit statuses of ``pymap-admin``, from sysexits(3), so that an MTA can
run ``pymap-admin append`` as its delivery command: 0 delivered, 67
unknown user, 65 bad message, 77 refused, 75 try again later."""

from __future__ import annotations

import os
from collections.abc import Mapping

from grpclib.const import Status

from ..admin_pb2 import ErrorCode

__all__ = ['CommandError', 'exit_status']

_BY_ERROR: Mapping[ErrorCode, int] = {
    ErrorCode.USER_NOT_FOUND: os.EX_NOUSER,
    ErrorCode.MAILBOX_NOT_FOUND: os.EX_CANTCREAT,
    ErrorCode.ALREADY_EXISTS: os.EX_CANTCREAT,
    ErrorCode.CONFLICT: os.EX_CANTCREAT,
    ErrorCode.INVALID_MESSAGE: os.EX_DATAERR,
    ErrorCode.TOO_BIG: os.EX_DATAERR,
    ErrorCode.INVALID_ARGUMENT: os.EX_DATAERR,
    ErrorCode.REFUSED: os.EX_NOPERM,
    ErrorCode.TEMPORARY_FAILURE: os.EX_TEMPFAIL,
    ErrorCode.NOT_SUPPORTED: os.EX_UNAVAILABLE,
}

#: For answers without the ``pymap-error`` trailer: from grpclib or the
#: TCP token check. Anything unexpected is worth retrying later.
_BY_STATUS: Mapping[Status, int] = {
    Status.UNAUTHENTICATED: os.EX_NOPERM,
    Status.PERMISSION_DENIED: os.EX_NOPERM,
    Status.UNIMPLEMENTED: os.EX_UNAVAILABLE,
}


class CommandError(Exception):
    """A failure reported in one line, with its exit status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def exit_status(error_name: str | None, status: Status) -> int:
    """The exit status for a refusal: by its ``pymap-error`` code when
    the server sent one this client knows, else by its gRPC status."""
    by_name = {ErrorCode.Name(code): exit for code, exit in _BY_ERROR.items()}
    if error_name in by_name:
        return by_name[error_name]
    return _BY_STATUS.get(status, os.EX_TEMPFAIL)

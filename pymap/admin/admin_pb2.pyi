import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_CODE_UNSPECIFIED: _ClassVar[ErrorCode]
    USER_NOT_FOUND: _ClassVar[ErrorCode]
    MAILBOX_NOT_FOUND: _ClassVar[ErrorCode]
    ALREADY_EXISTS: _ClassVar[ErrorCode]
    CONFLICT: _ClassVar[ErrorCode]
    INVALID_MESSAGE: _ClassVar[ErrorCode]
    TOO_BIG: _ClassVar[ErrorCode]
    INVALID_ARGUMENT: _ClassVar[ErrorCode]
    REFUSED: _ClassVar[ErrorCode]
    TEMPORARY_FAILURE: _ClassVar[ErrorCode]
    NOT_SUPPORTED: _ClassVar[ErrorCode]
ERROR_CODE_UNSPECIFIED: ErrorCode
USER_NOT_FOUND: ErrorCode
MAILBOX_NOT_FOUND: ErrorCode
ALREADY_EXISTS: ErrorCode
CONFLICT: ErrorCode
INVALID_MESSAGE: ErrorCode
TOO_BIG: ErrorCode
INVALID_ARGUMENT: ErrorCode
REFUSED: ErrorCode
TEMPORARY_FAILURE: ErrorCode
NOT_SUPPORTED: ErrorCode

class PingRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PingResponse(_message.Message):
    __slots__ = ("version", "uptime", "backend")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UPTIME_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    version: str
    uptime: float
    backend: str
    def __init__(self, version: _Optional[str] = ..., uptime: _Optional[float] = ..., backend: _Optional[str] = ...) -> None: ...

class AppendRequest(_message.Message):
    __slots__ = ("user", "mailbox", "flags", "internal_date", "message")
    USER_FIELD_NUMBER: _ClassVar[int]
    MAILBOX_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_DATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    user: str
    mailbox: str
    flags: _containers.RepeatedScalarFieldContainer[str]
    internal_date: _timestamp_pb2.Timestamp
    message: bytes
    def __init__(self, user: _Optional[str] = ..., mailbox: _Optional[str] = ..., flags: _Optional[_Iterable[str]] = ..., internal_date: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[bytes] = ...) -> None: ...

class AppendResponse(_message.Message):
    __slots__ = ("mailbox", "uid_validity", "uid")
    MAILBOX_FIELD_NUMBER: _ClassVar[int]
    UID_VALIDITY_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    mailbox: str
    uid_validity: int
    uid: int
    def __init__(self, mailbox: _Optional[str] = ..., uid_validity: _Optional[int] = ..., uid: _Optional[int] = ...) -> None: ...

class User(_message.Message):
    __slots__ = ("name", "etag", "mailbox_path")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    MAILBOX_PATH_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    mailbox_path: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., mailbox_path: _Optional[str] = ...) -> None: ...

class UserResponse(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: User
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class SetUserRequest(_message.Message):
    __slots__ = ("name", "password", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    password: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., password: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ChangePasswordRequest(_message.Message):
    __slots__ = ("name", "password")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    name: str
    password: str
    def __init__(self, name: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class DeleteUserRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Mailbox(_message.Message):
    __slots__ = ("name", "selectable", "messages", "unseen", "recent", "uid_validity", "next_uid")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SELECTABLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    UNSEEN_FIELD_NUMBER: _ClassVar[int]
    RECENT_FIELD_NUMBER: _ClassVar[int]
    UID_VALIDITY_FIELD_NUMBER: _ClassVar[int]
    NEXT_UID_FIELD_NUMBER: _ClassVar[int]
    name: str
    selectable: bool
    messages: int
    unseen: int
    recent: int
    uid_validity: int
    next_uid: int
    def __init__(self, name: _Optional[str] = ..., selectable: _Optional[bool] = ..., messages: _Optional[int] = ..., unseen: _Optional[int] = ..., recent: _Optional[int] = ..., uid_validity: _Optional[int] = ..., next_uid: _Optional[int] = ...) -> None: ...

class ListMailboxesRequest(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: str
    def __init__(self, user: _Optional[str] = ...) -> None: ...

class ListMailboxesResponse(_message.Message):
    __slots__ = ("mailboxes",)
    MAILBOXES_FIELD_NUMBER: _ClassVar[int]
    mailboxes: _containers.RepeatedCompositeFieldContainer[Mailbox]
    def __init__(self, mailboxes: _Optional[_Iterable[_Union[Mailbox, _Mapping]]] = ...) -> None: ...

class CreateMailboxRequest(_message.Message):
    __slots__ = ("user", "mailbox")
    USER_FIELD_NUMBER: _ClassVar[int]
    MAILBOX_FIELD_NUMBER: _ClassVar[int]
    user: str
    mailbox: str
    def __init__(self, user: _Optional[str] = ..., mailbox: _Optional[str] = ...) -> None: ...

class CreateMailboxResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteMailboxRequest(_message.Message):
    __slots__ = ("user", "mailbox")
    USER_FIELD_NUMBER: _ClassVar[int]
    MAILBOX_FIELD_NUMBER: _ClassVar[int]
    user: str
    mailbox: str
    def __init__(self, user: _Optional[str] = ..., mailbox: _Optional[str] = ...) -> None: ...

class DeleteMailboxResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

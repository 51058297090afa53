"""Domain errors that know their IMAP rendering (RFC 3501 §7.1, RFC 5530).

Backends raise these; the IMAP layer turns them into a tagged ``NO`` (or
``BAD``) response with the right response code, and the admin service maps
the same classes in one place. The IMAP layer's own refusals live here too:
its modules may be compiled by mypyc, and a compiled subclass would not
override these class attributes.
"""

from __future__ import annotations

__all__ = [
    'AuthenticationFailed',
    'BadCharset',
    'BadCommand',
    'CloseConnection',
    'EntityConflict',
    'ExpungeIssued',
    'IMAPError',
    'InUse',
    'InvalidName',
    'InvalidSequence',
    'LoginsThrottled',
    'MailboxConflict',
    'MailboxHasChildren',
    'MailboxNotFound',
    'NotAllowed',
    'NotSupported',
    'OverQuota',
    'PrivacyRequired',
    'TemporaryFailure',
    'TooBig',
    'UnknownTransferEncoding',
    'UserNotFound',
]


class IMAPError(Exception):
    """A refusal with a tagged response: ``NO`` unless :attr:`status` says
    otherwise, with an optional response code (RFC 5530)."""

    status: bytes = b'NO'
    code: bytes | None = None
    default_text = 'Operation failed.'

    def __init__(self, text: str | None = None) -> None:
        super().__init__(text or self.default_text)
        self.text = text or self.default_text


class MailboxNotFound(IMAPError):
    """The named mailbox does not exist (``NONEXISTENT``, or ``TRYCREATE``
    for APPEND/COPY/MOVE targets as RFC 3501 §6.3.11 asks)."""

    code = b'NONEXISTENT'
    default_text = 'Mailbox does not exist.'

    def __init__(self, text: str | None = None, *,
                 try_create: bool = False) -> None:
        super().__init__(text)
        if try_create:
            self.code = b'TRYCREATE'


class MailboxConflict(IMAPError):
    """The mailbox name is already in use (``ALREADYEXISTS``)."""

    code = b'ALREADYEXISTS'
    default_text = 'Mailbox already exists.'


class MailboxHasChildren(IMAPError):
    """A non-selectable mailbox with inferiors cannot be deleted
    (RFC 3501 §6.3.4)."""

    code = b'INUSE'
    default_text = 'Mailbox has inferior hierarchical names.'


class NotAllowed(IMAPError):
    """The operation is not permitted for this user or mailbox
    (``NOPERM``)."""

    code = b'NOPERM'
    default_text = 'Operation not permitted.'


class TooBig(IMAPError):
    """The message or literal is larger than the server accepts
    (``TOOBIG``, RFC 7889)."""

    code = b'TOOBIG'
    default_text = 'Message too large.'


class TemporaryFailure(IMAPError):
    """The store cannot serve the request right now (``UNAVAILABLE``)."""

    code = b'UNAVAILABLE'
    default_text = 'Temporary failure, try again later.'


class OverQuota(TemporaryFailure):
    """The disk is full or the user's quota exceeded (RFC 5530 §3
    ``OVERQUOTA``); a kind of :exc:`TemporaryFailure`, since space may come
    back."""

    code = b'OVERQUOTA'
    default_text = 'Not enough disk space.'


class InUse(IMAPError):
    """The resource is locked by another operation (``INUSE``)."""

    code = b'INUSE'
    default_text = 'Mailbox in use, try again later.'


class AuthenticationFailed(IMAPError):
    """Wrong credentials (``AUTHENTICATIONFAILED``)."""

    code = b'AUTHENTICATIONFAILED'
    default_text = 'Invalid authentication credentials.'


class BadCharset(IMAPError):
    """SEARCH asked for a charset the server does not support
    (RFC 3501 §6.4.4, ``BADCHARSET`` with the supported list)."""

    code = b'BADCHARSET (UTF-8 US-ASCII)'
    default_text = 'Unsupported charset.'


class UnknownTransferEncoding(IMAPError):
    """BINARY cannot decode the part (RFC 3516 §4.3, ``UNKNOWN-CTE``)."""

    code = b'UNKNOWN-CTE'
    default_text = 'Unknown Content-Transfer-Encoding.'


class NotSupported(IMAPError):
    """The backend does not support this operation (``CANNOT``)."""

    code = b'CANNOT'
    default_text = 'Operation not supported.'


class UserNotFound(IMAPError):
    """No such user (admin service; never sent to IMAP clients, whose
    failed logins all look alike)."""

    code = b'NONEXISTENT'
    default_text = 'User does not exist.'


class EntityConflict(IMAPError):
    """A user record changed since it was read (admin service, optimistic
    concurrency)."""

    code = b'INUSE'
    default_text = 'The record was changed by someone else.'


class InvalidName(IMAPError):
    """A mailbox name the server cannot use (``CANNOT``)."""

    code = b'CANNOT'
    default_text = 'Invalid mailbox name.'


class ExpungeIssued(IMAPError):
    """Some requested messages were expunged by another session
    (RFC 5530 ``EXPUNGEISSUED``)."""

    code = b'EXPUNGEISSUED'
    default_text = 'Some of the requested messages no longer exist.'


class InvalidSequence(IMAPError):
    """A sequence set that names no message of the mailbox (``BAD``)."""

    status = b'BAD'
    default_text = 'Invalid sequence set.'


class BadCommand(IMAPError):
    """A command the connection cannot run as sent (``BAD``)."""

    status = b'BAD'


class PrivacyRequired(IMAPError):
    """A plain-text password on an unprotected connection (RFC 5530)."""

    code = b'PRIVACYREQUIRED'
    default_text = 'Use TLS (STARTTLS) before sending a password.'


class LoginsThrottled(IMAPError):
    """Too many failed logins from this address."""

    code = b'UNAVAILABLE'
    default_text = 'Too many failed logins; try again later.'


class CloseConnection(Exception):
    """Ends the connection after an untagged ``BYE`` with this text."""

    def __init__(self, text: str, code: bytes | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.code = code

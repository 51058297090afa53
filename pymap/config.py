"""The one configuration object: every limit and timeout, with safe
defaults."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

__all__ = ['IMAPConfig']

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class IMAPConfig:
    """Settings shared by the IMAP layer and the backends.

    Attributes:
        max_line_length: Longest command line accepted; longer lines are
            drained and answered with ``BAD``.
        max_literal: Largest literal accepted outside APPEND.
        max_append: Largest message accepted by APPEND (RFC 7889
            APPENDLIMIT).
        bad_command_limit: ``BAD`` responses in a row before ``BYE``.
        preauth_timeout: Seconds a client may stay unauthenticated and idle.
        autologout: Seconds an authenticated client may stay idle
            (RFC 3501 §5.4 asks for at least 30 minutes).
        ssl_context: TLS context for STARTTLS; ``None`` disables it.
        debug: Log the protocol exchange (secrets redacted).
    """

    max_line_length: int = 64 * KIB
    max_literal: int = 64 * KIB
    max_append: int = 50 * MIB
    bad_command_limit: int = 10
    preauth_timeout: float = 60.0
    autologout: float = 30 * 60.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    debug: bool = False

    @property
    def starttls_enabled(self) -> bool:
        """Whether STARTTLS is offered: only with a certificate."""
        return self.ssl_context is not None

    @classmethod
    def server_ssl_context(cls, cert: str, key: str) -> ssl.SSLContext:
        """A TLS 1.2+ server context from PEM certificate and key files."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert, key)
        return context

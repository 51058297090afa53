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
        ssl_context: TLS context for STARTTLS and the implicit-TLS port;
            ``None`` disables both.
        debug: Log the protocol exchange (secrets redacted).
        max_connections: Open connections allowed in all.
        max_connections_per_ip: Open connections allowed from one client
            address.
        login_failure_delay: Seconds to wait before answering a failed
            login.
        max_login_failures: Failed logins allowed from one client address
            within *login_failure_window* seconds; further attempts are
            refused without checking the password.
        login_failure_window: See *max_login_failures*.
        insecure_login: Allow plain-text passwords on connections that are
            neither TLS nor loopback (RFC 3501 §6.2.3 LOGINDISABLED).
        proxy_protocol: ``None``, or ``'v1'``, ``'v2'`` or ``'detect'``:
            every connection must start with a PROXY protocol header.
        shutdown_grace: Seconds in-flight commands get to finish at
            shutdown.
    """

    max_line_length: int = 64 * KIB
    max_literal: int = 64 * KIB
    max_append: int = 50 * MIB
    bad_command_limit: int = 10
    preauth_timeout: float = 60.0
    autologout: float = 30 * 60.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    debug: bool = False
    max_connections: int = 1000
    max_connections_per_ip: int = 50
    login_failure_delay: float = 1.0
    max_login_failures: int = 10
    login_failure_window: float = 600.0
    insecure_login: bool = False
    proxy_protocol: str | None = None
    shutdown_grace: float = 10.0

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

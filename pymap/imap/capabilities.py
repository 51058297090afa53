"""The CAPABILITY list (RFC 3501 §6.1.1), which depends on the
connection's state."""

from __future__ import annotations

from pymap.config import IMAPConfig

__all__ = ['SASL_MECHANISMS', 'capabilities']

SASL_MECHANISMS = (b'PLAIN', b'LOGIN', b'CRAM-MD5')

_ALWAYS = (b'IMAP4rev1', b'LITERAL+', b'SASL-IR', b'ID', b'ENABLE',
           b'IDLE', b'NAMESPACE', b'CHILDREN', b'UIDPLUS', b'MULTIAPPEND',
           b'BINARY', b'UNSELECT', b'MOVE')


def capabilities(config: IMAPConfig, authenticated: bool,
                 secure: bool) -> bytes:
    """The space-separated capability list for the current state:
    STARTTLS only before TLS and with a certificate, AUTH= only before
    login."""
    caps = list(_ALWAYS)
    caps.append(b'APPENDLIMIT=%d' % config.max_append)
    if not authenticated:
        if config.starttls_enabled and not secure:
            caps.append(b'STARTTLS')
        caps += [b'AUTH=' + mech for mech in SASL_MECHANISMS]
    return b' '.join(caps)

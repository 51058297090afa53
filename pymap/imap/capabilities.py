"""The CAPABILITY list (RFC 3501 §6.1.1), which depends on the
connection's state."""

from __future__ import annotations

from pymap.config import IMAPConfig

__all__ = ['PLAINTEXT_MECHANISMS', 'SASL_MECHANISMS', 'capabilities']

SASL_MECHANISMS = (b'PLAIN', b'LOGIN', b'CRAM-MD5')

#: Mechanisms that send the password itself, refused where eavesdropping
#: is possible (RFC 3501 §6.2.3, RFC 4959 §4).
PLAINTEXT_MECHANISMS = frozenset({b'PLAIN', b'LOGIN'})

_ALWAYS = (b'IMAP4rev1', b'LITERAL+', b'SASL-IR', b'ID', b'ENABLE',
           b'IDLE', b'NAMESPACE', b'CHILDREN', b'UIDPLUS', b'MULTIAPPEND',
           b'BINARY', b'UNSELECT', b'MOVE')


def capabilities(config: IMAPConfig, authenticated: bool, secure: bool,
                 plaintext_allowed: bool) -> bytes:
    """The space-separated capability list for the current state:
    STARTTLS only before TLS and with a certificate, AUTH= only before
    login, and LOGINDISABLED instead of the plain-text mechanisms where
    passwords may not travel in the clear."""
    caps = list(_ALWAYS)
    caps.append(b'APPENDLIMIT=%d' % config.max_append)
    if not authenticated:
        if config.starttls_enabled and not secure:
            caps.append(b'STARTTLS')
        if not plaintext_allowed:
            caps.append(b'LOGINDISABLED')
        caps += [b'AUTH=' + mech for mech in SASL_MECHANISMS
                 if plaintext_allowed or mech not in PLAINTEXT_MECHANISMS]
    return b' '.join(caps)

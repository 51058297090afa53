"""Password verification for the users file, with Dovecot's password
schemes (Dovecot documentation, "Password Schemes").

A stored password is plain text, or ``{SCHEME}`` followed by the hash;
``{SCHEME.HEX}`` and ``{SCHEME.B64}`` choose the hash's encoding where
Dovecot allows it. Supported:

* ``PLAIN``, ``CLEAR``, ``CLEARTEXT``;
* digests ``SHA`` (SHA-1), ``SHA256``, ``SHA512``, ``PLAIN-MD5``,
  ``LDAP-MD5`` and their salted forms ``SSHA``, ``SSHA256``, ``SSHA512``,
  ``SMD5`` (digest of password + salt, followed by the salt);
* ``SHA256-CRYPT``, ``SHA512-CRYPT`` (:mod:`.shacrypt`);
* ``BLF-CRYPT`` (bcrypt), ``ARGON2I``, ``ARGON2ID`` (argon2-cffi);
* ``PBKDF2`` (``$1$<salt>$<rounds>$<hex PBKDF2-HMAC-SHA1>``).

Every comparison takes constant time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import argon2
import bcrypt

from .shacrypt import SALT_CHARS, sha_crypt, verify_sha_crypt

__all__ = ['Password', 'hash_password', 'parse_password']

_PREFIX = re.compile(r'\{([A-Za-z0-9-]+)(?:\.([A-Za-z0-9]+))?\}')
_CLEAR = frozenset({'PLAIN', 'CLEAR', 'CLEARTEXT'})
_BCRYPT_MAX = 72

#: Digest schemes: hash function, salted, default encoding.
_DIGESTS: dict[str, tuple[str, bool, str]] = {
    'SHA': ('sha1', False, 'B64'), 'SHA1': ('sha1', False, 'B64'),
    'SHA256': ('sha256', False, 'B64'), 'SHA512': ('sha512', False, 'B64'),
    'PLAIN-MD5': ('md5', False, 'HEX'), 'LDAP-MD5': ('md5', False, 'B64'),
    'SSHA': ('sha1', True, 'B64'), 'SSHA256': ('sha256', True, 'B64'),
    'SSHA512': ('sha512', True, 'B64'), 'SMD5': ('md5', True, 'B64'),
}


def _decode(value: str, encoding: str) -> bytes:
    if encoding == 'HEX':
        return bytes.fromhex(value)
    return base64.b64decode(value, validate=True)


def _verify_digest(scheme: str, encoding: str, stored: str,
                   candidate: bytes) -> bool:
    algorithm, salted, default = _DIGESTS[scheme]
    try:
        raw = _decode(stored.strip(), encoding or default)
    except (ValueError, binascii.Error):
        return False
    size = hashlib.new(algorithm).digest_size
    digest, salt = raw[:size], raw[size:]
    if not salted and salt:
        return False
    computed = hashlib.new(algorithm, candidate + salt).digest()
    return hmac.compare_digest(computed, digest)


def _verify_pbkdf2(stored: str, candidate: bytes) -> bool:
    parts = stored.split('$')
    if len(parts) != 5 or parts[1] != '1' or not parts[3].isdigit():
        return False
    try:
        expected = bytes.fromhex(parts[4])
    except ValueError:
        return False
    computed = hashlib.pbkdf2_hmac('sha1', candidate, parts[2].encode(),
                                   int(parts[3]), len(expected) or 20)
    return hmac.compare_digest(computed, expected)


def _verify_bcrypt(stored: str, candidate: bytes) -> bool:
    try:
        return bcrypt.checkpw(candidate[:_BCRYPT_MAX], stored.encode())
    except ValueError:
        return False


def _verify_argon2(stored: str, candidate: bytes) -> bool:
    try:
        return argon2.PasswordHasher().verify(stored, candidate)
    except (argon2.exceptions.Argon2Error,
            argon2.exceptions.InvalidHashError):
        return False


_FUNCTIONS: dict[str, Callable[[str, bytes], bool]] = {
    'SHA256-CRYPT': lambda stored, candidate: stored.startswith('$5$')
    and verify_sha_crypt(candidate.decode('utf-8'), stored),
    'SHA512-CRYPT': lambda stored, candidate: stored.startswith('$6$')
    and verify_sha_crypt(candidate.decode('utf-8'), stored),
    'BLF-CRYPT': _verify_bcrypt,
    'ARGON2I': _verify_argon2,
    'ARGON2ID': _verify_argon2,
    'PBKDF2': _verify_pbkdf2,
}

#: Every supported scheme name.
SCHEMES = frozenset({*_CLEAR, *_DIGESTS, *_FUNCTIONS})


@dataclass(frozen=True, slots=True)
class Password:
    """A stored password and its scheme; :meth:`verify` checks a
    candidate. The value never appears in ``repr``."""

    scheme: str
    value: str = field(repr=False)
    encoding: str = ''

    @property
    def clear(self) -> str | None:
        """The password itself for plain-text schemes (needed by
        challenge-response SASL mechanisms), else ``None``."""
        return self.value if self.scheme in _CLEAR else None

    def verify(self, candidate: str) -> bool:
        """Whether *candidate* is the password (CPU-heavy for the crypt
        schemes: call it through the executor)."""
        data = candidate.encode('utf-8')
        if self.scheme in _CLEAR:
            return hmac.compare_digest(data, self.value.encode('utf-8'))
        if self.scheme in _DIGESTS:
            return _verify_digest(self.scheme, self.encoding, self.value,
                                  data)
        return _FUNCTIONS[self.scheme](self.value, data)


def parse_password(text: str) -> Password:
    """Parses a password field; raises :exc:`ValueError` naming an
    unsupported scheme (the password itself is never in the message)."""
    match = _PREFIX.match(text)
    if match is None:
        return Password('PLAIN', text)
    scheme = match.group(1).upper()
    encoding = (match.group(2) or '').upper()
    if encoding == 'BASE64':
        encoding = 'B64'
    if scheme not in SCHEMES:
        raise ValueError(f'unsupported password scheme {{{scheme}}}')
    if encoding not in ('', 'HEX', 'B64') or (
            encoding and scheme not in _DIGESTS):
        raise ValueError(f'unsupported encoding {{{scheme}.{encoding}}}')
    return Password(scheme, text[match.end():], encoding)


def hash_password(password: str) -> str:
    """A new ``{SHA512-CRYPT}`` hash of *password* with a random salt (the
    scheme Dovecot recommends among the ones every libc knows)."""
    salt = ''.join(secrets.choice(SALT_CHARS) for _ in range(16))
    return '{SHA512-CRYPT}' + sha_crypt(password, f'$6${salt}')

"""Password hashing with the standard library's scrypt (RFC 7914).

A stored password looks like ``scrypt$16384$8$1$<salt hex>$<key hex>``:
the cost parameters travel with the hash, so they can be raised later
without breaking the passwords already stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets

from pysasl.prep import saslprep

__all__ = ['hash_password', 'verify_password']

#: scrypt's CPU/memory cost (N), block size (r) and parallelism (p): about
#: 16 MiB and a few tens of milliseconds per hash.
COST, BLOCK_SIZE, PARALLELISM = 2 ** 14, 8, 1

_SALT_BYTES = 16
_KEY_BYTES = 32
_MAX_MEMORY = 64 * 1024 * 1024


def _prepare(password: str) -> bytes:
    """SASLprep (RFC 4013), as SASL mechanisms compare passwords, so that
    equivalent Unicode spellings match; a string SASLprep refuses is used
    as it is."""
    with contextlib.suppress(ValueError):
        password = saslprep(password)
    return password.encode('utf-8')


def _derive(password: str, salt: bytes, cost: int, block_size: int,
            parallelism: int) -> bytes:
    return hashlib.scrypt(_prepare(password), salt=salt, n=cost,
                          r=block_size, p=parallelism, dklen=_KEY_BYTES,
                          maxmem=_MAX_MEMORY)


def hash_password(password: str) -> str:
    """Hashes *password* with a fresh random salt. CPU-heavy: call it
    through :func:`pymap.executor.run_blocking`."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _derive(password, salt, COST, BLOCK_SIZE, PARALLELISM)
    return (f'scrypt${COST}${BLOCK_SIZE}${PARALLELISM}'
            f'${salt.hex()}${key.hex()}')


def verify_password(stored: str, password: str) -> bool:
    """Whether *password* matches the *stored* hash, compared in constant
    time. A malformed hash matches nothing. CPU-heavy, like
    :func:`hash_password`."""
    try:
        scheme, cost, block_size, parallelism, salt, key = stored.split('$')
        params = int(cost), int(block_size), int(parallelism)
        salt_bytes, key_bytes = bytes.fromhex(salt), bytes.fromhex(key)
    except ValueError:
        return False
    if scheme != 'scrypt':
        return False
    return hmac.compare_digest(
        _derive(password, salt_bytes, *params), key_bytes)

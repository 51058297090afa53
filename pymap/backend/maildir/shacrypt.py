"""SHA-crypt password hashes (``$5$`` SHA-256 and ``$6$`` SHA-512), as
specified by Ulrich Drepper in "Unix crypt using SHA-256 and SHA-512"
(https://www.akkadia.org/drepper/SHA-crypt.txt), the format Dovecot's
``SHA256-CRYPT`` and ``SHA512-CRYPT`` schemes store.

Written from the specification because Python's ``crypt`` module is
deprecated (PEP 594) and not available everywhere.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ['SALT_CHARS', 'sha_crypt', 'verify_sha_crypt']

_ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
#: The characters of salts (and of the encoded hash).
SALT_CHARS = _ITOA64
_DEFAULT_ROUNDS = 5000
_MIN_ROUNDS = 1000
_MAX_ROUNDS = 999_999_999
_MAX_SALT = 16


@dataclass(frozen=True, slots=True)
class _Variant:
    hash: Callable[[bytes], hashlib._Hash]
    #: Digest byte triples in the order the specification encodes them.
    order: tuple[tuple[int, int, int], ...]
    #: The remaining bytes and the number of characters for them.
    tail: tuple[tuple[int, int, int], int]


_SHA256_ORDER = (
    (0, 10, 20), (21, 1, 11), (12, 22, 2), (3, 13, 23), (24, 4, 14),
    (15, 25, 5), (6, 16, 26), (27, 7, 17), (18, 28, 8), (9, 19, 29))
_SHA512_ORDER = (
    (0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4),
    (47, 5, 26), (6, 27, 48), (28, 49, 7), (50, 8, 29), (9, 30, 51),
    (31, 52, 10), (53, 11, 32), (12, 33, 54), (34, 55, 13), (56, 14, 35),
    (15, 36, 57), (37, 58, 16), (59, 17, 38), (18, 39, 60), (40, 61, 19),
    (62, 20, 41))

_VARIANTS = {
    '5': _Variant(hashlib.sha256, _SHA256_ORDER, ((-1, 31, 30), 3)),
    '6': _Variant(hashlib.sha512, _SHA512_ORDER, ((-1, -1, 63), 2)),
}


def _repeat(block: bytes, length: int) -> bytes:
    """*block* repeated to exactly *length* bytes."""
    return (block * (length // len(block) + 1))[:length]


def _digest(variant: _Variant, password: bytes, salt: bytes,
            rounds: int) -> bytes:
    alternate = variant.hash(password + salt + password).digest()
    first = variant.hash(password + salt)
    first.update(_repeat(alternate, len(password)))
    length = len(password)
    while length:
        first.update(alternate if length & 1 else password)
        length >>= 1
    current = first.digest()
    p_bytes = _repeat(variant.hash(password * len(password)).digest(),
                      len(password))
    s_bytes = _repeat(variant.hash(salt * (16 + current[0])).digest(),
                      len(salt))
    for round_ in range(rounds):
        step = variant.hash(p_bytes if round_ & 1 else current)
        if round_ % 3:
            step.update(s_bytes)
        if round_ % 7:
            step.update(p_bytes)
        step.update(current if round_ & 1 else p_bytes)
        current = step.digest()
    return current


def _encode(variant: _Variant, digest: bytes) -> str:
    out = []
    (a, b, c), count = variant.tail
    groups = [*((triple, 4) for triple in variant.order), ((a, b, c), count)]
    for (first, second, third), chars in groups:
        value = ((digest[first] if first >= 0 else 0) << 16
                 | (digest[second] if second >= 0 else 0) << 8
                 | digest[third])
        for _ in range(chars):
            out.append(_ITOA64[value & 0x3f])
            value >>= 6
    return ''.join(out)


def sha_crypt(password: str, setting: str) -> str:
    """The crypt string of *password* for *setting*
    (``$5$[rounds=N$]salt`` or ``$6$...``, optionally with a hash after
    the salt, which is ignored). Raises :exc:`ValueError` on a malformed
    setting."""
    parts = setting.split('$')
    if len(parts) < 3 or parts[0] or parts[1] not in _VARIANTS:
        raise ValueError('not a SHA-crypt string')
    variant = _VARIANTS[parts[1]]
    rounds, custom = _DEFAULT_ROUNDS, False
    rest = parts[2:]
    if rest[0].startswith('rounds='):
        digits = rest[0][len('rounds='):]
        if not digits.isdigit() or len(rest) < 2:
            raise ValueError('bad rounds')
        rounds = min(max(int(digits), _MIN_ROUNDS), _MAX_ROUNDS)
        custom, rest = True, rest[1:]
    salt = rest[0][:_MAX_SALT]
    digest = _digest(variant, password.encode('utf-8'),
                     salt.encode('utf-8'), rounds)
    prefix = f'${parts[1]}$' + (f'rounds={rounds}$' if custom else '')
    return f'{prefix}{salt}${_encode(variant, digest)}'


def verify_sha_crypt(password: str, stored: str) -> bool:
    """Whether *password* matches the crypt string *stored* (constant-time
    comparison)."""
    try:
        computed = sha_crypt(password, stored)
    except ValueError:
        return False
    return hmac.compare_digest(computed.encode(), stored.encode())

"""Where login records live (the ``pymap redis`` login options): a key
holding the password (``SET john s3cretp4ssword``), a field of one hash
(``--users-hash``), a key built from a template (``--users-key
'users:{name}'``), and in each case optionally a JSON object whose
``"password"`` field holds it (``--users-json``). Passwords are plain or
``{SCHEME}``-prefixed hashes as in the maildir backend.

Login records share the keyspace with the mail, whose keys all carry a hash
tag in braces (:mod:`.keys`), so a name containing ``{`` or ``}`` is never
a user (:func:`is_login_name`), in every layout: it is refused before any
Redis read, and the hash name and key template may not contain braces
either (doc/redis.md, "Command line")."""

from __future__ import annotations

import json
from dataclasses import dataclass

from redis.exceptions import ResponseError

from .connection import RedisClient, as_bytes, as_text
from .scripts import Scripts

__all__ = ['LoginRecords', 'LoginSettings', 'UnreadableRecord',
           'is_login_name']

_NAME = '{name}'
_GLOB_SPECIAL = str.maketrans({c: '\\' + c for c in '*?[]\\'})
_BRACES = ('{', '}')


def is_login_name(name: str) -> bool:
    """Whether *name* can be a user: not when it contains ``{`` or ``}``.
    Every internal key carries a hash tag in braces and the prefix, hash
    name and key template may contain none (outside ``{name}``), so the
    key (or hash) of a login name's record is never an internal key
    (doc/redis.md, "Command line")."""
    return not any(brace in name for brace in _BRACES)


class UnreadableRecord(ValueError):
    """The record's key holds another type of value than the layout
    reads (Redis answered ``WRONGTYPE``): no valid record."""


@dataclass(frozen=True, slots=True)
class LoginSettings:
    """The login options.

    Attributes:
        users_hash: Hash whose field per user holds the record.
        users_key: Key template containing ``{name}`` once.
        users_json: Records are JSON objects with a ``"password"`` field.
    """

    users_hash: str | None = None
    users_key: str | None = None
    users_json: bool = False

    def __post_init__(self) -> None:
        if self.users_hash is not None \
                and not is_login_name(self.users_hash):
            raise ValueError('--users-hash may not contain { or }')
        if self.users_key is not None \
                and not is_login_name(self.users_key.replace(_NAME, '')):
            raise ValueError('--users-key may not contain { or } except '
                             'in {name}')
        if self.users_hash is not None and self.users_key is not None:
            raise ValueError('--users-hash and --users-key exclude each '
                             'other')
        if self.users_key is not None \
                and self.users_key.count(_NAME) != 1:
            raise ValueError('--users-key must contain {name} once')


class LoginRecords:
    """Reads and writes login records under the key prefix.

    Args:
        client: The process's client.
        scripts: The backend's scripts.
        prefix: The key prefix.
        settings: Where records live.
    """

    def __init__(self, client: RedisClient, scripts: Scripts, prefix: str,
                 settings: LoginSettings) -> None:
        self._client = client
        self._scripts = scripts
        self._prefix = prefix
        self._settings = settings

    def locate(self, name: str) -> tuple[str, str]:
        """The key of *name*'s record, and its hash field ('' when the
        key holds the record itself); :exc:`ValueError` when *name* is no
        login name (:func:`is_login_name`)."""
        if not is_login_name(name):
            raise ValueError('user names may not contain { or }')
        settings = self._settings
        if settings.users_hash is not None:
            return self._prefix + settings.users_hash, name
        template = settings.users_key or _NAME
        return self._prefix + template.replace(_NAME, name), ''

    async def read(self, name: str) -> bytes | None:
        """The stored record, or ``None``, without reading Redis when
        *name* is no login name (:func:`is_login_name`). Raises
        :exc:`UnreadableRecord` when the key holds another type."""
        if not is_login_name(name):
            return None
        key, field = self.locate(name)
        try:
            if field:
                record = await self._client.hget(key, field)
            else:
                record = await self._client.get(key)
        except ResponseError as exc:
            if str(exc).startswith('WRONGTYPE'):
                raise UnreadableRecord(
                    'the record\'s key holds another type') from exc
            raise
        return None if record is None else as_bytes(record)

    def password_of(self, record: bytes) -> str:
        """The password (or hash) in a record; raises :exc:`ValueError`
        on a malformed JSON record."""
        text = record.decode('utf-8')
        if not self._settings.users_json:
            return text
        value = json.loads(text)
        if not isinstance(value, dict) \
                or not isinstance(value.get('password'), str):
            raise ValueError('JSON login record without a "password"')
        return str(value['password'])

    def with_password(self, record: bytes | None, password: str) -> bytes:
        """*record* with a new password; other JSON fields are kept."""
        if not self._settings.users_json:
            return password.encode('utf-8')
        value = json.loads(record) if record is not None else {}
        if not isinstance(value, dict):
            value = {}
        value['password'] = password
        return json.dumps(value).encode('utf-8')

    async def write(self, name: str, old: bytes | None,
                    new: bytes) -> bool:
        """Replaces the record if it still is *old* (``None``: absent);
        ``False`` when it changed meanwhile."""
        key, field = self.locate(name)
        expect, expected = ('absent', b'') if old is None \
            else ('equal', old)
        return bool(await self._scripts.set_record(
            self._client, [key], [field, expect, expected, new]))

    async def delete(self, name: str) -> None:
        """Removes the record."""
        key, field = self.locate(name)
        if field:
            await self._client.hdel(key, field)
        else:
            await self._client.delete(key)

    async def names(self) -> list[str]:
        """Every user name with a record, sorted. With plain keys (no hash, no
        template) every string key under the prefix counts, except the
        backend's own, which contain braces like any name that is no login
        name (:func:`is_login_name`)."""
        if self._settings.users_hash is not None:
            fields = await self._client.hkeys(
                self._prefix + self._settings.users_hash)
            return sorted(name for name in map(as_text, fields)
                          if is_login_name(name))
        before, _, after = (self._settings.users_key or _NAME) \
            .partition(_NAME)
        head, tail = self._prefix + before, after
        pattern = head.translate(_GLOB_SPECIAL) + '*' \
            + tail.translate(_GLOB_SPECIAL)
        found = set()
        async for key in self._client.scan_iter(match=pattern,
                                                _type='string'):
            text = as_text(key)
            name = text[len(head):len(text) - len(tail)]
            if name and is_login_name(name):
                found.add(name)
        return sorted(found)

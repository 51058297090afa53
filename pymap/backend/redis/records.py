"""Where login records live (the ``pymap redis`` login options): a key
holding the password (``SET john s3cretp4ssword``), a field of one hash
(``--users-hash``), a key built from a template (``--users-key
'users:{name}'``), and in each case optionally a JSON object whose
``"password"`` field holds it (``--users-json``). Passwords are plain or
``{SCHEME}``-prefixed hashes as in the maildir backend."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .connection import RedisClient, as_bytes, as_text
from .scripts import Scripts

__all__ = ['LoginRecords', 'LoginSettings']

_NAME = '{name}'
_GLOB_SPECIAL = str.maketrans({c: '\\' + c for c in '*?[]\\'})


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
        key holds the record itself)."""
        settings = self._settings
        if settings.users_hash is not None:
            return self._prefix + settings.users_hash, name
        template = settings.users_key or _NAME
        return self._prefix + template.replace(_NAME, name), ''

    async def read(self, name: str) -> bytes | None:
        """The stored record, or ``None``."""
        key, field = self.locate(name)
        if field:
            record = await self._client.hget(key, field)
        else:
            record = await self._client.get(key)
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
        backend's own, which start with ``{``."""
        if self._settings.users_hash is not None:
            fields = await self._client.hkeys(
                self._prefix + self._settings.users_hash)
            return sorted(as_text(field) for field in fields)
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
            if name and not (self._settings.users_key is None
                             and name.startswith('{')):
                found.add(name)
        return sorted(found)

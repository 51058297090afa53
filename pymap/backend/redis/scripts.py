"""Loads the backend's Lua scripts and runs them with EVALSHA, falling back
to EVAL when Redis does not know the script yet, e.g. after a restart
(doc/redis.md, "Atomicity")."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

from redis.exceptions import NoScriptError

from .connection import Arg, RedisClient, call_after

__all__ = ['STAGED_SECONDS', 'Arg', 'Script', 'Scripts']

#: How long a staged value waits for its script (see :meth:`Script.__call__`).
STAGED_SECONDS = 300


def _source(name: str) -> str:
    return (files(__package__) / 'scripts' / name).read_text('utf-8')


class Script:
    """One script: the shared helpers of ``_lib.lua`` followed by the
    script's own file.

    Args:
        name: The script's file name under ``scripts/``, without ``.lua``.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.source = _source('_lib.lua') + '\n' + _source(name + '.lua')
        #: Redis names scripts by the SHA-1 of their source (EVALSHA).
        self.sha = hashlib.sha1(self.source.encode('utf-8'),
                                usedforsecurity=False).hexdigest()

    async def __call__(self, client: RedisClient, keys: Sequence[str],
                       args: Sequence[Arg],
                       staged: Sequence[tuple[str, bytes]] = ()) -> Any:
        """Runs the script; every key must share one hash slot.

        Each of the *staged* values is stored under its key first, to
        expire after :data:`STAGED_SECONDS` unless the script takes it:
        bulk data reaches the script without passing through Lua, which
        costs Redis about a microsecond per kilobyte.
        """
        stores = [('SET', key, value, 'EX', STAGED_SECONDS)
                  for key, value in staged]
        try:
            return await call_after(client, stores, (
                'EVALSHA', self.sha, len(keys), *keys, *args))
        except NoScriptError:
            return await client.eval(self.source, len(keys), *keys, *args)


class Scripts:
    """Every script of the backend, loaded once per process."""

    def __init__(self) -> None:
        self.append = Script('append')
        self.copy = Script('copy')
        self.flags = Script('flags')
        self.expunge = Script('expunge')
        self.claim_recent = Script('claim_recent')
        self.snapshot = Script('snapshot')
        self.load = Script('load')
        self.load_range = Script('load_range')
        self.create = Script('create')
        self.delete = Script('delete')
        self.rename = Script('rename')
        self.drop_user = Script('drop_user')
        self.purge = Script('purge')
        self.set_record = Script('set_record')

"""User management for the admin service
(:class:`~pymap.interfaces.users.UserStore`): accounts are lines of the
users file, changed in place (other lines and comments are kept); new
passwords are stored as ``{SHA512-CRYPT}`` hashes."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from pymap.exceptions import EntityConflict, NotAllowed, UserNotFound
from pymap.executor import run_blocking
from pymap.interfaces.users import UserRecord

from .login import MaildirLogin
from .passwords import hash_password
from .store import MaildirMailboxSet
from .users import User, UsersFile, check_name

__all__ = ['MaildirUsers']


def _record(user: User) -> UserRecord:
    return UserRecord(user.name, user.etag, str(user.root))


def _remove_mail(root: Path) -> None:
    """Deletes a mail root, but only one that is a maildir (a wrong path
    in the users file must not cost anything else)."""
    if not (root / 'cur').is_dir():
        return
    trash = root.with_name(f'.{root.name}.{uuid.uuid4().hex}.deleted')
    root.rename(trash)
    shutil.rmtree(trash, ignore_errors=True)


class MaildirUsers:
    """The users of a users file, for the admin service.

    Args:
        users: The users file.
        login: The backend's login, which opens mailbox sets.
    """

    def __init__(self, users: UsersFile, login: MaildirLogin) -> None:
        self._users = users
        self._login = login

    async def _get(self, name: str) -> User:
        user = await self._users.lookup(name)
        if user is None:
            raise UserNotFound()
        return user

    async def list_users(self) -> list[str]:
        return sorted(await self._users.users())

    async def get_user(self, name: str) -> UserRecord:
        return _record(await self._get(name))

    async def set_user(self, name: str, password: str,
                       etag: str | None = None) -> UserRecord:
        try:
            check_name(name)
        except ValueError as exc:
            raise NotAllowed('Invalid user name.') from exc
        user = await self._users.lookup(name)
        if etag is not None and etag != (user.etag if user else ''):
            raise EntityConflict()
        await self._write(name, password, user)
        return await self.get_user(name)

    async def change_password(self, name: str, password: str) -> UserRecord:
        await self._write(name, password, await self._get(name))
        return await self.get_user(name)

    async def _write(self, name: str, password: str,
                     user: User | None) -> None:
        path = ''
        if user is not None:
            line = await self._line(name)
            path = line.split(':', 2)[1]
        hashed = await run_blocking(hash_password, password)
        await self._users.edit(name, f'{name}:{path}:{hashed}')

    async def _line(self, name: str) -> str:
        text = await run_blocking(self._users.path.read_text, 'utf-8')
        return next(line for line in text.splitlines()
                    if line.partition(':')[0] == name
                    and not line.lstrip().startswith('#'))

    async def delete_user(self, name: str) -> None:
        user = await self._get(name)
        await self._users.edit(name, None)
        others = await self._users.users()
        if all(other.root != user.root for other in others.values()):
            self._login.forget(user.root)
            await run_blocking(_remove_mail, user.root)

    async def mailboxes(self, name: str) -> MaildirMailboxSet:
        return await self._login.mailbox_set((await self._get(name)).root)

"""The unprivileged user Dovecot runs as when the tests run as root:
Dovecot refuses to touch mail as root. The user is created on first use,
so that any test that needs it may be the first to run."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from .strict import skip_or_fail

__all__ = ['MAIL_USER', 'hand_over']

MAIL_USER = 'pymaptest'


def _mail_user() -> pwd.struct_passwd:
    """The mail user's entry, created as a system user when missing."""
    try:
        return pwd.getpwnam(MAIL_USER)
    except KeyError:
        pass
    created = subprocess.run(
        ['useradd', '--system', '--no-create-home', MAIL_USER],
        capture_output=True, text=True, check=False)
    try:
        return pwd.getpwnam(MAIL_USER)
    except KeyError:  # useradd failed, or is not here
        skip_or_fail(f'cannot create the system user {MAIL_USER}: '
                     f'{created.stderr.strip()}')


def hand_over(workdir: Path) -> tuple[str, list[str]]:
    """The user Dovecot runs as and the options that say so; as root,
    *workdir* and all in it are handed over to :data:`MAIL_USER` first."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name, []
    user = _mail_user()
    for path in (workdir, *workdir.rglob('*')):
        os.lchown(path, user.pw_uid, user.pw_gid)
    return MAIL_USER, ['-o', f'mail_uid={user.pw_uid}',
                       '-o', f'mail_gid={user.pw_gid}']

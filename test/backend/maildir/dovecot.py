"""Runs Dovecot's ``imap`` binary pre-authenticated on a maildir, as the
test peer for interoperability (the approach of
``test/mime/test_dovecot_diff.py``): Dovecot refuses to touch mail as
root, so as root it runs with the unprivileged user ``pymaptest``, and the
maildir is handed over to that user before each run."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path
from typing import IO

import pytest

from ...mailuser import hand_over
from ...strict import skip_or_fail

IMAP_BINARY = Path('/usr/lib/dovecot/imap')

#: Maildir++ with "/" as separator and the listescape plugin, so that names
#: with "." are stored as pymap stores them.
CONFIG = """\
protocols = imap
ssl = no
log_path = /dev/stderr
first_valid_uid = 1
mail_location = maildir:{root}{layout}
mail_plugins = listescape
namespace inbox {{
  separator = /
  inbox = yes
}}
"""


def require_dovecot() -> None:
    """Skips the test when Dovecot's imap binary is missing."""
    if not IMAP_BINARY.exists():
        skip_or_fail(f'Dovecot is not installed ({IMAP_BINARY} is missing)')


def make_workdir() -> Path:
    """A fresh directory the mail user can reach (unlike pytest's
    ``tmp_path`` under a private parent); remove it with
    :func:`shutil.rmtree`."""
    return Path(tempfile.mkdtemp(prefix='pymap-dovecot-'))


class Session:
    """What Dovecot answered, by command tag."""

    def __init__(self, responses: dict[bytes, bytes]) -> None:
        self.responses = responses

    def tagged(self, tag: bytes) -> bytes:
        """The tagged result line of *tag*, without the tag."""
        last = self.responses[tag].rstrip(b'\r\n').rsplit(b'\r\n', 1)[-1]
        return last.split(b' ', 1)[1]

    def untagged(self, tag: bytes) -> list[bytes]:
        """The other lines answering *tag* (literals included)."""
        return self.responses[tag].split(b'\r\n')[:-2]

    def flags(self, tag: bytes) -> dict[int, frozenset[bytes]]:
        """UID → flags (``\\Recent`` left out) of a ``UID FETCH ...
        (FLAGS)``."""
        result = {}
        for line in self.untagged(tag):
            match = _FETCH.match(line)
            if match is None:
                continue
            uid = re.search(rb'UID (\d+)', match.group(1))
            flags = re.search(rb'FLAGS \(([^)]*)\)', match.group(1))
            assert uid and flags, line
            result[int(uid.group(1))] = frozenset(
                flags.group(1).split()) - {b'\\Recent'}
        return result

    def bodies(self, tag: bytes) -> dict[int, bytes]:
        """UID → content of a ``UID FETCH ... (BODY.PEEK[])``."""
        output = self.responses[tag]
        bodies = {}
        for match in _BODY.finditer(output):
            start = match.end()
            bodies[int(match.group(1))] = \
                output[start:start + int(match.group(2))]
        return bodies

    def code(self, tag: bytes, code: bytes) -> int:
        """The number of an ``[UIDVALIDITY n]``-style response code."""
        match = re.search(rb'\[' + code + rb' (\d+)\]',
                          self.responses[tag])
        assert match, self.responses[tag]
        return int(match.group(1))


_FETCH = re.compile(rb'^\* \d+ FETCH \((.*)\)$')
_BODY = re.compile(rb'\* \d+ FETCH \(UID (\d+) BODY\[\] \{(\d+)\}\r\n')


def _answer(stdout: IO[bytes], tag: bytes) -> bytes:
    """Reads up to the tagged response of *tag*."""
    lines = []
    while True:
        line = stdout.readline()
        if not line:
            raise AssertionError(b''.join(lines))
        lines.append(line)
        if re.match(re.escape(tag) + rb' (OK|NO|BAD)', line):
            return b''.join(lines)


def run_dovecot(workdir: Path, commands: list[bytes], fs: bool = False,
                root: Path | None = None) -> Session:
    """Runs *commands* (``tag command``) one after the other in one
    Dovecot session on the maildir *root* (default ``workdir/mail``)."""
    require_dovecot()
    root = root or workdir / 'mail'
    conf = workdir / 'dovecot.conf'
    conf.write_text(CONFIG.format(root=root,
                                  layout=':LAYOUT=fs' if fs else ''))
    user, options = hand_over(workdir)
    with open(workdir / 'dovecot.log', 'wb') as log, subprocess.Popen(
            [str(IMAP_BINARY), '-c', str(conf), *options],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            cwd=workdir, env={'USER': user, 'HOME': str(workdir),
                              'PATH': '/usr/bin:/bin'}) as process:
        assert process.stdin is not None and process.stdout is not None
        greeting = process.stdout.readline()
        if not greeting.startswith(b'* PREAUTH'):
            pytest.fail('Dovecot did not start: '
                        f'{(workdir / "dovecot.log").read_text()}')
        responses = {}
        for command in [*commands, b'zz LOGOUT']:
            tag = command.split(b' ', 1)[0]
            process.stdin.write(command + b'\r\n')
            process.stdin.flush()
            responses[tag] = _answer(process.stdout, tag)
        process.stdin.close()
        process.wait(30)
    return Session(responses)

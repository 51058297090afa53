"""Backends and services are discovered through entry points: a package
that registers under ``pymap.backend`` or ``pymap.service`` shows up in
``pymap --help`` with its own options, without touching pymap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pymap.plugin import load_backends, load_services

_PLUGIN = '''\
"""A third-party plugin package used by pymap's tests."""

from pymap.backend.dict import DictBackend


class EchoBackend(DictBackend):
    """Echo backend: a test plugin."""

    @classmethod
    def add_arguments(cls, parser):
        super().add_arguments(parser)
        parser.add_argument('--echo-level', type=int, default=1)


class AuditService:
    """Audit service: a test plugin."""

    @classmethod
    def add_arguments(cls, parser):
        parser.add_argument('--audit-log', metavar='FILE')

    @classmethod
    async def start(cls, backend, config, args):
        return cls()

    async def close(self):
        pass
'''

_ENTRY_POINTS = '''\
[pymap.backend]
echo = pymap_echo_plugin:EchoBackend

[pymap.service]
audit = pymap_echo_plugin:AuditService
'''


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delitem(sys.modules, 'pymap_echo_plugin', raising=False)
    (tmp_path / 'pymap_echo_plugin.py').write_text(_PLUGIN)
    dist = tmp_path / 'pymap_echo_plugin-1.0.dist-info'
    dist.mkdir()
    (dist / 'METADATA').write_text(
        'Metadata-Version: 2.1\nName: pymap-echo-plugin\nVersion: 1.0\n')
    (dist / 'entry_points.txt').write_text(_ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_plugins_are_loaded(plugin_path: Path) -> None:
    assert 'echo' in load_backends()
    assert 'dict' in load_backends()
    assert 'audit' in load_services()


def test_help_shows_plugin_commands_and_options(plugin_path: Path) -> None:
    env_path = f'{plugin_path}'
    result = subprocess.run(
        [sys.executable, '-m', 'pymap', '--help'], capture_output=True,
        text=True, timeout=60, check=False, env={'PYTHONPATH': env_path})
    assert result.returncode == 0, result.stderr
    assert 'echo' in result.stdout and 'Echo backend' in result.stdout
    assert '--audit-log' in result.stdout
    result = subprocess.run(
        [sys.executable, '-m', 'pymap', 'echo', '--help'],
        capture_output=True, text=True, timeout=60, check=False,
        env={'PYTHONPATH': env_path})
    assert '--echo-level' in result.stdout
    assert '--demo-data' in result.stdout


def test_broken_plugin_is_left_out(plugin_path: Path,
                                   caplog: pytest.LogCaptureFixture) -> None:
    (plugin_path / 'pymap_echo_plugin.py').write_text(
        'import a_module_that_does_not_exist\n')
    assert 'echo' not in load_backends()
    assert 'dict' in load_backends()
    assert any('echo' in record.getMessage() for record in caplog.records)

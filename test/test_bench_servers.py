"""bench/servers.py lets a PYTHONPATH point this pymap's servers at a
build of it (a compiled copy), wherever the benchmark runs from, and
starts the original pymap from its own venv without that PYTHONPATH,
which the original cannot import."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Stands in for a ``pymap`` that is not this checkout's (the original's
#: script, or a build's ``__main__``): records the PYTHONPATH it was given
#: and listens on the port it is told until it is stopped.
_STAND_IN = '''\
    import os, socket, sys
    from pathlib import Path
    port = int(sys.argv[sys.argv.index('--port') + 1])
    Path(__file__).with_name('seen.txt').write_text(
        os.environ.get('PYTHONPATH', '(none)'))
    with socket.create_server(('127.0.0.1', port)) as listener:
        while True:
            listener.accept()[0].close()
'''


def _servers_module(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(ROOT / 'bench')  # as for a bench script
    spec = importlib.util.spec_from_file_location(
        'bench_servers', ROOT / 'bench' / 'servers.py')
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # for dataclasses
    spec.loader.exec_module(module)
    return module


def test_original_pymap_starts_without_pythonpath(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / 'venv' / 'pymap'
    script.parent.mkdir()
    script.write_text(f'#!{sys.executable}\n'
                      + textwrap.dedent(_STAND_IN))
    script.chmod(0o755)
    monkeypatch.setenv('PYTHONPATH', str(tmp_path / 'compiled-copy'))
    servers = _servers_module(monkeypatch)
    with servers.start_server('pymap-0.36.7-dict', tmp_path / 'work', None,
                              old_pymap=str(script)):
        seen = (script.parent / 'seen.txt').read_text()
    assert seen == '(none)'


def test_pymap_runs_the_build_on_pythonpath(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = tmp_path / 'compiled-copy' / 'pymap'
    build.mkdir(parents=True)
    (build / '__init__.py').write_text('')
    (build / '__main__.py').write_text(textwrap.dedent(_STAND_IN))
    monkeypatch.setenv('PYTHONPATH', str(build.parent))
    monkeypatch.chdir(ROOT)  # whose own pymap must not come first
    servers = _servers_module(monkeypatch)
    with servers.start_server('pymap-dict', tmp_path / 'work', None):
        seen = (build / 'seen.txt').read_text()
    assert seen == str(build.parent)

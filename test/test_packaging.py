"""How setup.py builds pymap (README, "The compiled build"): a wheel is
compiled where it can be and pure Python where the C compiler fails; an
editable install stays pure Python, so that edits to the sources count.
.ci/run builds the compiled wheel itself; that takes a minute."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def _source(tmp_path: Path) -> Path:
    """A copy of the sources without the products of earlier builds,
    which setuptools would otherwise reuse."""
    copy = tmp_path / 'src'
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        '.*', 'build', 'dist', '*.so', '*.egg-info', '__pycache__', 'doc',
        'test', 'bench', 'examples'))
    return copy


def _build(source: Path, hook: str, out: Path,
           **env: str) -> subprocess.CompletedProcess[str]:
    """Runs one of setuptools' PEP 517 hooks as pip does, in *source*,
    with no build chosen but by *env*."""
    inherited = {name: value for name, value in os.environ.items()
                 if name != 'PYMAP_MYPYC'}
    code = ('import sys; from setuptools import build_meta; '
            f'print(build_meta.{hook}(sys.argv[1]))')
    return subprocess.run(
        [sys.executable, '-c', code, str(out)], cwd=source,
        env={**inherited, **env}, capture_output=True, text=True,
        check=True)


def _compiled_files(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return [name for name in archive.namelist() if name.endswith('.so')]


def test_wheel_without_a_compiler_is_pure_python(tmp_path: Path) -> None:
    source, out = _source(tmp_path), tmp_path / 'dist'
    built = _build(source, 'build_wheel', out, CC='false')
    assert 'pymap is built as pure Python: the C compiler failed' \
        in built.stderr
    wheel = out / built.stdout.split()[-1]
    assert _compiled_files(wheel) == []
    with zipfile.ZipFile(wheel) as archive:
        assert 'pymap/parsing/parser.py' in archive.namelist()


def test_wheel_that_must_compile_fails_without_a_compiler(
        tmp_path: Path) -> None:
    source = _source(tmp_path)
    with pytest.raises(subprocess.CalledProcessError) as failed:
        _build(source, 'build_wheel', tmp_path / 'dist',
               CC='false', PYMAP_MYPYC='1')
    assert 'PYMAP_MYPYC=1: the compiled build failed' in failed.value.stderr


def test_editable_install_stays_pure_python(tmp_path: Path) -> None:
    source, out = _source(tmp_path), tmp_path / 'dist'
    built = _build(source, 'build_editable', out)
    assert _compiled_files(out / built.stdout.split()[-1]) == []
    assert not list(source.rglob('*.so'))
    assert not (source / 'build' / 'pymap').exists()  # mypyc's C sources

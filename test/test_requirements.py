"""requirements.txt names the same runtime dependencies as setup.py, so
that ``pip install -r requirements.txt`` gives what pymap imports."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement

from .setup_py import setup_list

ROOT = Path(__file__).parent.parent


def _install_requires() -> set[str]:
    return {str(Requirement(item)) for item in setup_list('REQUIRES')}


def _requirements_file() -> set[str]:
    lines = (ROOT / 'requirements.txt').read_text(encoding='utf-8')
    return {str(Requirement(line)) for line in lines.splitlines()
            if line.strip() and not line.startswith('#')}


def test_requirements_file_matches_setup() -> None:
    assert _requirements_file() == _install_requires()

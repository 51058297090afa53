"""The committed modules generated from admin.proto are up to date:
scripts/gen-proto, run into a temporary directory, gives the same files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
GENERATED = ('admin_pb2.py', 'admin_pb2.pyi', 'admin_grpc.py')


@pytest.fixture(scope='module')
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp('gen')
    result = subprocess.run(
        [sys.executable, str(ROOT / 'scripts' / 'gen-proto'), str(out)],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return out / 'pymap' / 'admin'


@pytest.mark.parametrize('name', GENERATED)
def test_generated_module_is_current(regenerated: Path, name: str) -> None:
    committed = (ROOT / 'pymap' / 'admin' / name).read_text('utf-8')
    fresh = (regenerated / name).read_text('utf-8')
    assert committed == fresh, \
        f'pymap/admin/{name} is stale: run scripts/gen-proto'

"""README.md keeps its promises: two command lines first, and the embedded
test-server example runs."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).parent.parent / 'README.md').read_text('utf-8')


def _blocks(language: str) -> list[str]:
    return re.findall(rf'```{language}\n(.*?)```', README, re.DOTALL)


def test_starts_with_the_two_commands() -> None:
    first = _blocks('sh')[0].strip().splitlines()
    assert README.index('```sh') < README.index('\n\n', 10)
    assert first == [
        'pip install . && pymap --port 1143 dict --demo-data',
        "pip install -e '.[test]' && python -m pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    check = (Path(__file__).parent.parent / 'scripts' / 'check').read_text()
    ci = (Path(__file__).parent.parent / '.ci' / 'run').read_text()
    assert "pip install -q -e '.[test]'" in check
    assert 'python -m pytest' in check
    assert 'scripts/check' in ci
    assert 'PYMAP_TEST_STRICT=1' in ci


def test_test_server_example_runs() -> None:
    example = _blocks('python')[0]
    namespace: dict[str, object] = {}
    exec(compile(example, 'README.md', 'exec'), namespace)
    client = namespace['client']
    assert client.state == 'LOGOUT'  # type: ignore[attr-defined]

"""Every test has a time limit (pyproject.toml, pytest-timeout): a test
that hangs fails, with the stack where it hung, and the run goes on to
the next test. Checked by a pytest of its own, run with this repository's
settings but a limit of one second: a catastrophic backtracking in ``re``
(a C loop that never returns to the interpreter) and a coroutine that
waits forever both fail, and the test after them passes."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

HANGING = '''
import asyncio
import re


def test_backtracking():
    re.match(r'(a+)+$', 'a' * 64 + 'b')


async def test_waits_forever():
    await asyncio.Event().wait()


def test_after_them():
    pass
'''


def test_every_test_has_a_limit(request: pytest.FixtureRequest) -> None:
    assert float(request.config.getini('timeout')) >= 60
    assert request.config.getini('timeout_method') == 'signal'


def test_hanging_tests_fail(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        (ROOT / 'pyproject.toml').read_text(encoding='utf-8'))
    tests = pytester.makepyfile(test_hangs=HANGING)
    result = pytester.runpytest_subprocess(
        str(tests), '-p', 'no:cacheprovider', '-o', 'timeout=1', '-rf',
        timeout=60)
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines([
        '*_ test_backtracking _*',
        ">*re.match(r'(a+)+$', 'a' * 64 + 'b')",
        '*Failed: Timeout (>1.0s) from pytest-timeout*',
        '*_ test_waits_forever _*',
        '*Failed: Timeout (>1.0s) from pytest-timeout*',
    ])

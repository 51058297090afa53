"""doc/ builds with Sphinx, warnings being errors, and documents every
option of every backend on the backend's page."""

from __future__ import annotations

import argparse
import html
import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pymap.admin.cli import build_parser as build_admin_parser
from pymap.main import build_parser
from pymap.plugin import load_backends

from .strict import skip_or_fail

ROOT = Path(__file__).parent.parent
DOC = ROOT / 'doc'
BACKEND_PAGES = {'dict': 'backends/dict.html',
                 'maildir': 'backends/maildir.html',
                 'redis': 'backends/redis.html'}
_REQUIRED = ('sphinx', 'myst_parser', 'sphinxarg')


def _require_sphinx() -> None:
    """Skips without the docs extra, or fails under
    ``PYMAP_TEST_STRICT=1``."""
    missing = [name for name in _REQUIRED
               if importlib.util.find_spec(name) is None]
    if not missing:
        return
    skip_or_fail(f'{", ".join(missing)} not installed: the docs tests '
                 "need pip install -e '.[docs]'")


@pytest.fixture(scope='module')
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The HTML output of ``sphinx-build -W`` (built once per module)."""
    _require_sphinx()
    out = tmp_path_factory.mktemp('html')
    result = subprocess.run(
        [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q',
         '-b', 'html', '-d', str(out / '.doctrees'), str(DOC), str(out)],
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    # docutils reports some problems (e.g. in argparse help rendered as
    # reStructuredText) without making them Sphinx warnings.
    assert 'WARNING' not in result.stderr, result.stderr
    assert 'ERROR' not in result.stderr, result.stderr
    yield out


def _labels(page: Path) -> set[str]:
    """The option names that sphinx-argparse listed on a page."""
    text = page.read_text('utf-8')
    labels: set[str] = set()
    for kbd in re.findall(r'<kbd>(.*?)</kbd>', text, re.DOTALL):
        labels.update(part.strip() for part in html.unescape(kbd).split(','))
    return labels


def _documented_names(parser: argparse.ArgumentParser) -> set[str]:
    """What a reader must find for each option: every option string, or
    the metavar (else the name) of a positional argument."""
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) \
                or action.help == argparse.SUPPRESS \
                or isinstance(action, argparse._HelpAction):
            continue
        if action.option_strings:
            names.update(action.option_strings)
        else:
            metavar = action.metavar
            names.add(metavar if isinstance(metavar, str) else action.dest)
    return names


def _subparsers(parser: argparse.ArgumentParser
                ) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_build_is_clean(built: Path) -> None:
    for page in ['index', 'getting-started', 'admin', 'operations',
                 'plugins', 'api', *(name.removesuffix('.html')
                                     for name in BACKEND_PAGES.values())]:
        assert (built / f'{page}.html').is_file(), page


@pytest.mark.parametrize('name', sorted(BACKEND_PAGES))
def test_backend_page_lists_every_option(built: Path, name: str) -> None:
    backends = load_backends()
    if name not in backends:
        pytest.fail(f'the {name} backend did not load')
    parser = _subparsers(build_parser(backends))[name]
    missing = _documented_names(parser) - _labels(built / BACKEND_PAGES[name])
    assert not missing, f'{name} options missing from its page: {missing}'


def test_operations_page_lists_every_server_option(built: Path) -> None:
    parser = build_parser(load_backends())
    missing = _documented_names(parser) - _labels(built / 'operations.html')
    assert not missing, missing


def test_operations_page_lists_every_admin_option(built: Path) -> None:
    parser = build_admin_parser()
    expected = _documented_names(parser)
    for command in _subparsers(parser).values():
        expected |= _documented_names(command)
        for sub in _subparsers(command).values():
            expected |= _documented_names(sub)
    missing = expected - _labels(built / 'operations.html')
    assert not missing, missing


def test_plugin_tutorial_shows_the_example_options(built: Path) -> None:
    labels = _labels(built / 'plugins.html')
    assert {'DATABASE', '--create-user'} <= labels


def test_getting_started_has_the_readme_commands() -> None:
    readme = (ROOT / 'README.md').read_text('utf-8')
    commands = re.findall(r'```sh\n(.*?)```', readme, re.DOTALL)[0]
    assert commands in (DOC / 'getting-started.md').read_text('utf-8')


def test_tutorial_includes_every_example_module() -> None:
    tutorial = (DOC / 'plugins.md').read_text('utf-8')
    package = ROOT / 'examples' / 'pymap-sqlite' / 'pymap_sqlite'
    for path in [*package.glob('*.py'), package / 'schema.sql']:
        assert (f'{{literalinclude}} ../examples/pymap-sqlite/'
                f'pymap_sqlite/{path.name}') in tutorial, path.name


def test_tutorial_names_real_conformance_tests() -> None:
    """The failure table of the tutorial names files of the conformance
    suite; they must exist."""
    try:
        spec = importlib.util.find_spec('pymap.testing.conformance')
    except ModuleNotFoundError:  # pymap.testing is still a module
        spec = None
    if spec is None or spec.submodule_search_locations is None:
        skip_or_fail('pymap.testing.conformance does not exist yet')
    suite = Path(next(iter(spec.submodule_search_locations)))
    tutorial = (DOC / 'plugins.md').read_text('utf-8')
    named = set(re.findall(r'`(test_\w+\.py)', tutorial))
    assert named
    missing = {name for name in named if not (suite / name).is_file()}
    assert not missing, missing

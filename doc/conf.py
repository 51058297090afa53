"""Sphinx configuration of pymap's documentation.

Build with ``sphinx-build -W --keep-going -b html doc doc/_build/html``
(``pip install -e '.[docs]'`` first). Command-line options are rendered
from the real argument parsers (:mod:`cli_parsers`), and the plugin
tutorial includes the real files of ``examples/pymap-sqlite``, so neither
can drift from the code.
"""

import sys
from pathlib import Path

_DOC = Path(__file__).resolve().parent
sys.path[:0] = [str(_DOC), str(_DOC.parent),
                str(_DOC.parent / 'examples' / 'pymap-sqlite')]

from pymap import __version__  # noqa: E402

project = 'pymap'
author = 'the pymap authors'
copyright = 'the pymap authors'
version = release = __version__

extensions = [
    'myst_parser',
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
    'sphinxarg.ext',
]

source_suffix = {'.md': 'markdown'}
root_doc = 'index'
# redis.md is the redis backend's design note; backends/redis.md includes
# it, so it is not a page of its own.
exclude_patterns = ['_build', 'redis.md']

myst_heading_anchors = 3
myst_enable_extensions = ['colon_fence', 'deflist']

autodoc_member_order = 'bysource'
autodoc_typehints = 'signature'
autodoc_default_options = {'members': True, 'show-inheritance': True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = 'alabaster'
html_title = f'pymap {release}'

"""Micro-benchmarks of pymap's hot paths (pytest-benchmark); not part of
the test suite. Run them with::

    pip install -e '.[bench]' && python -m pytest bench/micro
"""

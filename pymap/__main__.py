"""Allows ``python -m pymap``."""

from pymap.main import main

main()

"""Allows ``python -m pymap.admin.cli``."""

from pymap.admin.cli import main

main()

"""What a maildir's writers left in its ``tmp/``."""

from __future__ import annotations

import os
from pathlib import Path

from pymap.backend.maildir.lock import OWNER_SUFFIX


def left_in_tmp(maildir: Path) -> list[str]:
    """The names in *maildir*'s ``tmp/`` but the owner files that its
    dot-locks keep there between acquisitions."""
    return sorted(name for name in os.listdir(maildir / 'tmp')
                  if not name.endswith(OWNER_SUFFIX))

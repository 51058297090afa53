"""What a ``pymap-admin`` command prints: readable text by default, one
JSON document with ``--json``."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

__all__ = ['Report']


@dataclass(frozen=True)
class Report:
    """A command's result.

    Attributes:
        text: Lines for people.
        data: The same for scripts (JSON-serializable).
        status: The exit status.
    """

    text: str
    data: object
    status: int = os.EX_OK

    def render(self, as_json: bool) -> str:
        """The output, without the final newline."""
        return json.dumps(self.data) if as_json else self.text

"""What the tests read from setup.py without running it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent


def setup_list(name: str) -> list[str]:
    """The list that setup.py assigns to *name* at its top level."""
    tree = ast.parse((ROOT / 'setup.py').read_text(encoding='utf-8'))
    [found] = [ast.literal_eval(node.value) for node in tree.body
               if isinstance(node, ast.Assign)
               and any(isinstance(target, ast.Name) and target.id == name
                       for target in node.targets)]
    assert isinstance(found, list)
    return [str(item) for item in found]

"""The modules listed for mypyc in setup.py keep to what it compiles
correctly (doc/performance.md, "The compiled build"). mypyc refuses
async generators. Two more shapes it builds wrong, where the pure Python
build works: an ``await`` in a ``finally`` block lets out an exception a
callee had caught (the IDLE task's ``CancelledError``), and a bare
``raise`` after an ``await`` in an ``except`` block raises "invalid
exception object" (a refused CREATE that removed the superiors it made).
A compiled subclass of :exc:`~pymap.exceptions.IMAPError` does not
override its class attributes (``code``, ``status``): such errors live in
:mod:`pymap.exceptions`. And one name bound by two ``except ... as``
clauses of a function takes the type of the first ("ClientClosed object
expected; got CloseConnection"), so each clause names its own. Last, mypy
keeps an attribute narrowed across an ``await`` (another task may have
set it meanwhile), and mypyc checks the narrowed type at run time: after
``if self.failure is not None: raise ...`` and an ``await``, reading
``self.failure`` raised "None object expected; got TimeoutError". Such a
read goes through a method of its own.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .setup_py import setup_list

ROOT = Path(__file__).parent.parent


def _compiled_paths() -> list[Path]:
    return sorted(path for pattern in setup_list('COMPILED')
                  for path in ROOT.glob(pattern))


def _async_functions(tree: ast.AST) -> Iterator[ast.AsyncFunctionDef]:
    return (node for node in ast.walk(tree)
            if isinstance(node, ast.AsyncFunctionDef))


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef
               ) -> Iterator[ast.AST]:
    """The nodes of *function*'s body, not those of functions in it."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                 ast.Lambda, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(node))


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding='utf-8'))
    found = [f'{node.name}: IMAPError subclass' for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef) and any(
                 isinstance(base, ast.Name) and base.id == 'IMAPError'
                 for base in node.bases)]
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound = [node.name for node in _own_nodes(function)
                     if isinstance(node, ast.ExceptHandler) and node.name]
            found += [f'{function.name}: {name} bound by two except clauses'
                      for name in sorted(set(bound)) if bound.count(name) > 1]
    for function in _async_functions(tree):
        found += [f'{function.name}: {name} narrowed across await '
                  f'(line {line})' for name, line in _narrowed(function)]
        nodes = list(_own_nodes(function))
        if any(isinstance(node, (ast.Yield, ast.YieldFrom))
               for node in nodes):
            found.append(f'{function.name}: async generator')
        for node in nodes:
            if isinstance(node, ast.Try) and _awaits(node.finalbody):
                found.append(f'{function.name}: await in finally '
                             f'(line {node.lineno})')
            if isinstance(node, ast.ExceptHandler) \
                    and _awaits(node.body) and any(
                        isinstance(inner, ast.Raise) and inner.exc is None
                        for stmt in node.body for inner in ast.walk(stmt)):
                found.append(f'{function.name}: bare raise after await '
                             f'(line {node.lineno})')
    return found


def _narrowed(function: ast.AsyncFunctionDef) -> Iterator[tuple[str, int]]:
    """Attributes that a guard (``if self.x is None: return``) narrows
    for the rest of a block and that a statement reads after an await
    there; each with the line of that read."""
    blocks = [body for node in _own_nodes(function)
              for body in _blocks(node)] + [function.body]
    for block in blocks:
        guarded: set[str] = set()
        awaited: set[str] = set()
        for stmt in block:
            reads = {ast.unparse(node) for node in ast.walk(stmt)
                     if isinstance(node, ast.Attribute)}
            for name in sorted(awaited & reads):
                yield name, stmt.lineno
            if _awaits([stmt]):
                awaited |= guarded
            guarded |= _guarded(stmt)


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    return [value for field in ('body', 'orelse', 'finalbody')
            if isinstance(value := getattr(node, field, None), list)
            and value and isinstance(value[0], ast.stmt)]


def _guarded(stmt: ast.stmt) -> set[str]:
    """The attributes an ``if`` that ends in ``return`` or ``raise``
    compares with ``None``."""
    if not isinstance(stmt, ast.If) or stmt.orelse \
            or not isinstance(stmt.body[-1], (ast.Return, ast.Raise)):
        return set()
    return {ast.unparse(node.left) for node in ast.walk(stmt.test)
            if isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Attribute)
            and isinstance(node.ops[0], (ast.Is, ast.IsNot))
            and isinstance(node.comparators[0], ast.Constant)
            and node.comparators[0].value is None}


def _awaits(body: list[ast.stmt]) -> bool:
    return any(isinstance(inner, ast.Await)
               for stmt in body for inner in ast.walk(stmt))


def test_the_list_names_the_hot_modules() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _compiled_paths()}
    assert {'pymap/imap/connection.py', 'pymap/backend/session.py',
            'pymap/backend/fetch_responses.py',
            'pymap/parsing/parser.py'} <= names


@pytest.mark.parametrize('path', _compiled_paths(),
                         ids=lambda path: path.relative_to(ROOT).as_posix())
def test_compiled_module_avoids_what_mypyc_gets_wrong(path: Path) -> None:
    assert _problems(path) == []


def test_modules_type_check_without_the_dependencies(tmp_path: Path) -> None:
    """pip runs mypyc before it installs pymap's dependencies (README,
    "The compiled build"), so the modules must pass mypyc's type check
    with none of them importable: a name that only their types make an
    alias once stopped that build."""
    result = subprocess.run(
        [sys.executable, '-m', 'mypy', *setup_list('MYPYC_OPTIONS'),
         '--no-site-packages', '--cache-dir', str(tmp_path),
         *(str(path.relative_to(ROOT)) for path in _compiled_paths())],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_finds_each_shape(tmp_path: Path) -> None:
    module = tmp_path / 'module.py'
    module.write_text(
        'class Refused(IMAPError):\n'
        '    code = b"CANNOT"\n'
        '\n'
        'async def items():\n'
        '    yield 1\n'
        '\n'
        'async def closing(task):\n'
        '    try:\n'
        '        pass\n'
        '    finally:\n'
        '        await task\n'
        '\n'
        'async def fine(task):\n'
        '    def inner():\n'
        '        yield 1\n'
        '    try:\n'
        '        await task\n'
        '    except KeyError as exc:\n'
        '        await task\n'
        '        raise exc\n'
        '    except ValueError:\n'
        '        raise\n'
        '\n'
        'async def failing(task):\n'
        '    try:\n'
        '        pass\n'
        '    except ValueError:\n'
        '        await task\n'
        '        raise\n'
        '\n'
        'def parse(text):\n'
        '    try:\n'
        '        return int(text)\n'
        '    except ValueError as exc:\n'
        '        raise KeyError(text) from exc\n'
        '    except TypeError as exc:\n'
        '        raise KeyError(text) from exc\n'
        '\n'
        'async def more(self, waiter):\n'
        '    if self.failure is not None:\n'
        '        raise self.failure\n'
        '    if self.closed is None:\n'
        '        await waiter\n'
        '        return\n'
        '    await waiter\n'
        '    if self.failure is not None:\n'
        '        raise self.failure\n', encoding='utf-8')
    assert sorted(_problems(module)) == [
        'Refused: IMAPError subclass',
        'closing: await in finally (line 8)',
        'failing: bare raise after await (line 27)',
        'items: async generator',
        'more: self.failure narrowed across await (line 46)',
        'parse: exc bound by two except clauses']

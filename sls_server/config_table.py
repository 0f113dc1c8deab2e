"""Every configuration key as a row, (variable, default, doc): what ``sls config`` prints and what the
docs/operations.md's table of settings (its Configuration) must hold (``tests/unit/test_readme.py``).

The docs are read from the attribute docstrings of ``config.Settings``, so a key's one comment, beside its
default, is also what the command and docs/operations.md say. Apart from ``config`` because reading that
source back (``ast``, ``inspect``) is of use only to the command line and the tests, never to a running
server.
"""

from __future__ import annotations

import ast
import inspect
import itertools
from dataclasses import fields

from .config import Settings, env_name


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, doc) for every key: feeds ``sls config`` and keeps the table in docs/operations.md
    honest."""
    source = inspect.getsource(Settings)
    docs: dict[str, str] = {}
    cls = ast.parse(source).body[0]
    assert isinstance(cls, ast.ClassDef)
    for node, following in itertools.pairwise(cls.body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = following.value.value
    rows = []
    for f in fields(Settings):
        default = f.default
        shown = "(unset)" if default is None else str(default)
        if f.name == "data_dir":
            shown = "user data dir/sls-emulator"
        elif default == ():
            shown = "(empty)"
        rows.append((env_name(f.name), shown, docs.get(f.name, "")))
    return rows

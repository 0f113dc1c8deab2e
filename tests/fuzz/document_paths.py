"""Where a fuzz test may change a parsed document (a scenario file, a state export): one walk for both."""

from __future__ import annotations

from typing import Any


def value_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every value's path in the document, containers and leaves, depth first; not the document itself,
    which a change of one value never replaces."""
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += value_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += value_paths(value, (*path, index))
    return found

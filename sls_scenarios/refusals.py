"""The document as the cross-checks (``checks``) read it when the schema refused parts of it: every value
the schema refused replaced by ``REFUSED``, every key it refused (unknown, or one a scenario may not set)
left out, and each mapping that lost a key marked ``Trimmed``.

So a file is judged in one pass: the cross-checks still run over every part the schema took, and a part the
schema refused is told once, by the schema, not again by a check that read it (``'<refused>' is not a
user``), nor by one that missed a key written under a misspelt name (``needs a `password```, beside
``unknown key 'pasword' (did you mean 'password'?)``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection
from typing import Any

from .positions import Path_


class _Refused:
    """No string, number, list or mapping, so a check that reads one of those passes it by; true, so a
    value that was written (a phone the schema refused) still counts as given."""

    def __repr__(self) -> str:
        return "<refused by the schema>"


#: What stands where the schema refused a value (a whole step, a body, a user's name...).
REFUSED: Any = _Refused()


class Trimmed(dict[str, Any]):
    """A mapping the schema refused keys of (``dropped``): a key it seems to lack may be one of those,
    misspelt."""

    def __init__(self, kept: dict[str, Any], dropped: tuple[str, ...]) -> None:
        super().__init__(kept)
        self.dropped = dropped


def prune(data: Any, values: Collection[Path_], keys: Collection[Path_]) -> Any:
    """``data`` with the values at ``values`` replaced by ``REFUSED`` and the keys at ``keys`` left out (a
    copy; ``data`` itself when nothing is refused)."""
    if not values and not keys:
        return data
    return _prune(data, (), frozenset(values), frozenset(keys))


def _prune(value: Any, path: Path_, values: frozenset[Path_], keys: frozenset[Path_]) -> Any:
    if path in values:
        return REFUSED
    if isinstance(value, dict):
        kept = {k: _prune(v, (*path, k), values, keys) for k, v in value.items() if (*path, k) not in keys}
        dropped = tuple(k for k in value if k not in kept)
        return Trimmed(kept, dropped) if dropped else kept
    if isinstance(value, list):
        return [_prune(item, (*path, i), values, keys) for i, item in enumerate(value)]
    return value


def lacks(mapping: Any, key: str) -> bool:
    """Whether ``mapping`` surely has no ``key``: a mapping without it, and without a refused key close to
    it (``pasword``: the schema said "did you mean 'password'?"; the same closeness as
    ``spelling.suggest``)."""
    if not isinstance(mapping, dict) or key in mapping:
        return False
    dropped = mapping.dropped if isinstance(mapping, Trimmed) else ()
    return not difflib.get_close_matches(key, dropped, n=1, cutoff=0.6)


def given(mapping: dict[str, Any], key: str, default: Any = None) -> Any:
    """``mapping[key]``; ``default`` where it surely has none (``lacks``), else ``REFUSED``: the key may be
    one the schema refused, misspelt, and what it holds is unknown."""
    if key in mapping:
        return mapping[key]
    return default if lacks(mapping, key) else REFUSED


def entries(
    value: Any, fits: Callable[[Any], bool] = lambda item: isinstance(item, dict)
) -> tuple[list[tuple[int, Any]], bool]:
    """The items of a list the schema left that ``fits`` (mappings, by default), each with its index, and
    whether they are all of it: not when the list, or an item of it, was refused."""
    if value is None:
        return [], True
    if not isinstance(value, list):
        return [], False
    kept = [(i, item) for i, item in enumerate(value) if fits(item)]
    return kept, len(kept) == len(value)


def within(path: Path_, refused: Collection[Path_]) -> bool:
    """Whether ``path`` is at or inside a refused value: a problem there is the schema's to tell."""
    return any(path[: len(r)] == r for r in refused)

"""The project root a scenario file's JUnit identity is counted from: what pytest calls its rootdir, found
from the file itself, so the name is the same from whatever folder a run starts (and equal to the one
pytest's ``--junitxml`` gives the same item run from the project's root).

pytest's rules (``_pytest.config.findpaths``), read without importing pytest (not a dependency of the
``sls`` command): the nearest folder, from the file's own upwards, holding a pytest configuration file
(``pytest.toml``, ``.pytest.toml``, ``pytest.ini``, ``.pytest.ini``; a ``pyproject.toml`` with a
``[tool.pytest]`` table; a ``tox.ini`` with ``[pytest]``; a ``setup.cfg`` with ``[tool:pytest]``); else the
nearest holding a ``pyproject.toml``, else a ``setup.py``. Where pytest would fall back on the folders it
was given (no such file anywhere above), this takes the nearest folder holding ``.git``, else none: the
file is then named by itself.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path


def _always(_: Path) -> bool:
    return True


def _section(name: str) -> Callable[[Path], bool]:
    header = re.compile(rf"^\[{re.escape(name)}\][ \t]*$", re.MULTILINE)
    return lambda path: header.search(path.read_text(errors="replace")) is not None


def _tool_pytest(path: Path) -> bool:
    try:
        return "pytest" in tomllib.loads(path.read_text(errors="replace")).get("tool", {})
    except tomllib.TOMLDecodeError:
        return False


#: pytest's configuration files, in its order, each with what makes it one (pytest skips a ``tox.ini``
#: or ``setup.cfg`` without its section).
CONFIG_FILES: dict[str, Callable[[Path], bool]] = {
    "pytest.toml": _always,
    ".pytest.toml": _always,
    "pytest.ini": _always,
    ".pytest.ini": _always,
    "pyproject.toml": _tool_pytest,
    "tox.ini": _section("pytest"),
    "setup.cfg": _section("tool:pytest"),
}

#: What marks a project's root when no folder above holds a pytest configuration, nearest first.
FALLBACKS = ("pyproject.toml", "setup.py", ".git")


def project_root(file: Path) -> Path | None:
    """The folder ``file``'s identity is counted from (see the module's docstring), or None."""
    folder = file.absolute().parent
    chain = (folder, *folder.parents)
    for base in chain:
        for name, counts in CONFIG_FILES.items():
            if (base / name).is_file() and _readable(counts, base / name):
                return base
    for name in FALLBACKS:
        for base in chain:
            if (base / name).exists():
                return base
    return None


def _readable(counts: Callable[[Path], bool], path: Path) -> bool:
    try:
        return counts(path)
    except (OSError, UnicodeError):  # unreadable: pytest would stop on it; here it is no root
        return False

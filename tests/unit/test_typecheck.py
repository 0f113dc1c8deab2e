"""Everything type-checks under ``mypy --strict``: the device models, the whole server (core, store,
shapes, HTTP, CLI, the pages' logic), the scenarios, the benchmark and the scripts. CI, which runs pytest,
holds them to it through this module; ``[tool.mypy]`` in pyproject.toml lists the same paths, so ``mypy``
alone checks the same thing.

The tests themselves are not type-checked (they import each other by pytest's rootdir rules, which mypy does
not follow).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from mypy import api

ROOT = Path(__file__).parents[2]
#: Exactly what is held to the strict check (the same list as ``[tool.mypy] files``).
PATHS = ["sls_devices", "sls_server", "sls_scenarios", "sls_bench", "scripts"]
#: A ``# type: ignore[code]`` must say why on its line: ``# type: ignore[code]  # because...``.
_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")


def _sources() -> list[Path]:
    found: list[Path] = []
    for entry in PATHS:
        path = ROOT / entry
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return found


def test_the_strict_paths_are_the_configured_ones() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == PATHS


def test_every_python_package_of_the_product_is_type_checked() -> None:
    """A new top-level package (or script folder) joins ``PATHS``, or this says it was forgotten."""
    left_out = {"tests"}
    tops = {
        folder.name
        for folder in ROOT.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and any(folder.rglob("*.py"))
    }
    assert tops - left_out == set(PATHS)


def test_everything_type_checks_strictly() -> None:
    config = str(ROOT / "pyproject.toml")
    limit = sys.getrecursionlimit()
    try:
        stdout, stderr, status = api.run(["--config-file", config, *(str(ROOT / p) for p in PATHS)])
    finally:  # mypy raises it to 16,384: later tests in this worker would parse deeper than a server
        sys.setrecursionlimit(limit)
    assert status == 0, f"mypy found problems:\n{stdout}{stderr}"
    assert "Success" in stdout


def test_every_remaining_type_ignore_names_its_code_and_says_why() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (found := _IGNORE.search(line)) and not (found["codes"] and "#" in found["rest"])
    ]
    assert unexplained == []

"""The device models, the store and the core type-check under ``mypy --strict`` (issue 8), so CI, which runs
pytest, holds them to it. The HTTP and CLI layers join later; ``[tool.mypy]`` in pyproject.toml says so."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from mypy import api

ROOT = Path(__file__).parents[2]
#: Exactly what is held to the strict check (the same list as ``[tool.mypy] files``).
PATHS = [
    "devices",
    "sls_server/store",
    "sls_server/auth",
    "sls_server/accounts",
    "sls_server/factors",
    "sls_server/sim",
    "sls_server/gateway",
    "sls_server/events.py",
    "sls_server/clock.py",
    "sls_server/config.py",
    "sls_server/errors.py",
    "sls_server/wiring.py",
    "sls_server/runtime.py",
    "sls_server/secretbox.py",
]
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


def test_devices_store_and_core_type_check_strictly() -> None:
    config = str(ROOT / "pyproject.toml")
    stdout, stderr, status = api.run(["--config-file", config, *(str(ROOT / p) for p in PATHS)])
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

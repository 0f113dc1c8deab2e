"""ASVS 5.0 6.5.3 and 11.5.1, NIST 800-63B-4 §3.2.12: every secret the server or a simulated device draws
(card keys, challenges, SMS and activation codes, push nonces, session and login tokens) comes from the
operating system's CSPRNG (`secrets`, `os.urandom`), never from the `random` module's Mersenne Twister, whose
output a few hundred samples predict. Held by reading the source: no module of the product imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("sls_server", "sls_devices")
#: Draws that are no secret: the log lines' request id (``http/observe.py``), a handle to match lines by.
NOT_SECRET = {"sls_server/telemetry/requestid.py"}  # the log lines' request id: a handle, no secret


def _imports_random(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        plain = isinstance(node, ast.Import) and any(a.name.split(".")[0] == "random" for a in node.names)
        named = (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "random"
        )
        if plain or named:
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_draws_from_the_random_module(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert len(files) > 5, f"{package} was found"
    found = {
        str(path.relative_to(ROOT)): lines
        for path in files
        if str(path.relative_to(ROOT)) not in NOT_SECRET
        and (lines := _imports_random(ast.parse(path.read_text("utf-8"), str(path))))
    }
    assert found == {}, "use secrets (or os.urandom), not random"
    assert all((ROOT / name).is_file() for name in NOT_SECRET), "an exception for a file no longer there"


def test_the_check_sees_each_form_of_import() -> None:
    for source in ("import random", "import random as r", "from random import randint", "import os, random"):
        assert _imports_random(ast.parse(source)) == [1], source
    assert _imports_random(ast.parse("import secrets\nfrom .random import x")) == []

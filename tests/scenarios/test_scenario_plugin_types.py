"""What ``mypy`` tells an integration developer who types their tests against the fixture's client: the
docs/integration.md says every package ships ``py.typed`` so that ``mypy`` checks their tests against its
hints, so the hints must say what a call needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).parents[2]

USAGE = """\
from typing import Any

from sls_scenarios.emulator import SlsEmulator


def typed_right(emulator: SlsEmulator, password: str, match: str) -> None:
    emulator.enroll_ibkey("ann", "android", "12ab", password=password)
    emulator.approve_push("ann", match=match)


def without_password(emulator: SlsEmulator) -> str:
    return emulator.enroll_ibkey("ann", "android")  # needs password


def without_match(emulator: SlsEmulator) -> dict[str, Any]:
    return emulator.approve_push("ann")  # needs match
"""


@pytest.fixture(scope="module")
def flagged(tmp_path_factory: pytest.TempPathFactory) -> dict[int, str]:
    """mypy's errors on ``USAGE``, by line, checked as the project checks its own code (strict)."""
    folder = tmp_path_factory.mktemp("usage")
    usage = folder / "usage.py"
    usage.write_text(USAGE)
    config = str(ROOT / "pyproject.toml")
    stdout, stderr, _ = api.run(
        [
            "--config-file",
            config,
            "--cache-dir",
            str(folder / "cache"),
            "--follow-imports",
            "silent",
            str(usage),
        ]
    )
    found = re.findall(rf"^{re.escape(str(usage))}:(\d+): error: (.*)$", stdout, flags=re.M)
    assert stderr == "", stderr
    return {int(line): message for line, message in found}


def _line(marker: str) -> int:
    return next(n for n, text in enumerate(USAGE.splitlines(), start=1) if marker in text)


def test_only_the_calls_without_what_they_need_fail_the_type_check(flagged: dict[int, str]) -> None:
    """``enroll_ibkey`` typed ``password``, and ``approve_push`` typed ``match``, as optional (``None`` by
    default) while each refused a call without it at run time: the type check passed a test that could
    never work. Now each such call is flagged on its line, naming the argument, and the right ones pass."""
    assert sorted(flagged) == [_line("needs password"), _line("needs match")], flagged
    assert 'argument "password"' in flagged[_line("needs password")]
    assert 'argument "match"' in flagged[_line("needs match")]

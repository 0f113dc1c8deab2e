"""What ``mypy`` tells an integration developer who types their tests against the fixture's client: the
README says every package ships ``py.typed`` so that ``mypy`` checks their tests against its hints, so the
hints must say what a call needs."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).parents[2]

USAGE = """\
from sls_scenarios.emulator import SlsEmulator


def with_password(emulator: SlsEmulator, password: str) -> str:
    return emulator.enroll_ibkey("ann", "android", "12ab", password=password)


def without_password(emulator: SlsEmulator) -> str:
    return emulator.enroll_ibkey("ann", "android")
"""


def test_enroll_ibkey_without_the_password_it_needs_fails_the_type_check(tmp_path: Path) -> None:
    """``enroll_ibkey`` typed ``password`` as optional (``None`` by default) and refused a call without it
    only at run time: the type check passed a test that could never work. Only the call without it is
    flagged now, on its line, naming the argument."""
    usage = tmp_path / "usage.py"
    usage.write_text(USAGE)
    stdout, stderr, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--follow-imports",
            "silent",
            str(usage),
        ]
    )
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert status == 1 and len(errors) == 1, f"{stdout}{stderr}"
    assert errors[0].startswith(f"{usage}:9:") and 'argument "password"' in errors[0], errors

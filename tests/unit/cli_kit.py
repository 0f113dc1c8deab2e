"""What the in-process ``sls`` tests (``test_cli_*.py`` here) share: a clean runner, the one-line error check.

Each module using the ``runner`` fixture imports it: ``from cli_kit import cli_runner``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sls_server.cli.main import cli

# `sls` imports a command's module when the command is asked for: what walks `cli.commands` needs them all.
cli.load_all()


@pytest.fixture(name="runner")
def cli_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_sls_env: None) -> CliRunner:
    """A runner in a clean environment: no SLS_* from the developer's shell, an empty data dir."""
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def sls(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(cli, list(args), env=env, prog_name="sls")


def assert_one_line_error(result: Result, *needles: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output

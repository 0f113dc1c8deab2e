"""``sls scenario show`` and ``sls scenario demo`` take one scenario: given a folder of several they say so in
one line, exit 2 (they raised "too many values to unpack" with a traceback)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.output import EXIT_USAGE

LIBRARY = Path(__file__).parents[2] / "sls_scenarios" / "library"


@pytest.mark.parametrize("args", [("show",), ("demo", "--pace", "0")], ids=lambda a: a[0])
def test_a_folder_of_several_scenarios_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, args: tuple[str, ...]
) -> None:
    for name in ("auto-logoff", "sim-swap"):
        shutil.copy(LIBRARY / f"{name}.scenario.yaml", tmp_path)
    result = sls(runner, "scenario", args[0], str(tmp_path), *args[1:])
    assert result.exit_code == EXIT_USAGE, result.output
    assert_one_line_error(result, "holds 2 scenarios", "auto-logoff.scenario.yaml", "name one of them")


def test_a_folder_of_one_scenario_is_shown(runner: CliRunner, tmp_path: Path) -> None:
    shutil.copy(LIBRARY / "sim-swap.scenario.yaml", tmp_path)
    result = sls(runner, "scenario", "show", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    assert '"name": "sim-swap"' in result.stdout

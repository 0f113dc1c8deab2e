"""``sls attack --help`` says how to put the world back after an attack. On a running ``sls demo`` that is
``sls state restore-demo`` (the console's *Back to the demo world*), which it did not name: a trainer
reading it between two runs of a demo was sent to restart ``sls demo``, or to an export they had not made."""

from __future__ import annotations

from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner


def test_attack_help_names_the_way_back_to_the_demo_world(runner: CliRunner) -> None:
    result = sls(runner, "attack", "--help")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "sls state restore-demo" in said
    assert "Back to the demo world" in said


def test_attack_help_says_how_a_wait_on_a_frozen_clock_ends(runner: CliRunner) -> None:
    """On a frozen clock the pushes never expire, and the command waited until Ctrl-C: the help says the
    way out for a script (--timeout, its exit status and code) and the clock's move."""
    result = sls(runner, "attack", "--help")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "--timeout SECONDS" in said
    assert "exit 3" in said and "attack_pending" in said
    assert "frozen server clock" in said and "sls clock --advance" in said

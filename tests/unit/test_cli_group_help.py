"""Each group's --help (``sls device --help``...) lists its commands with the whole first sentence of their
help, wrapped, as ``sls --help`` does: on 80 columns (a pipe, a CI log) click cut them at the line's end,
and "Re-enable an authenticator the server disabled after..." no longer said how ``device unlock`` differs
from ``device reset``."""

from __future__ import annotations

import click
import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.main import cli
from sls_server.cli.output import SHORT_HELP_LIMIT

GROUPS = sorted(name for name, command in cli.load_all().items() if isinstance(command, click.Group))


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", GROUPS)
def test_a_group_lists_each_command_with_its_first_sentence_whole(runner: CliRunner, name: str) -> None:
    group = cli.commands[name]
    assert isinstance(group, click.Group)
    result = sls(runner, name, "--help")  # click's runner: no terminal, 80 columns
    assert result.exit_code == 0, result.output
    listed = words(result.stdout.split("Commands:")[1])
    for sub, command in group.commands.items():
        assert words(command.get_short_help_str(limit=SHORT_HELP_LIMIT)) in listed, (sub, result.stdout)


def test_device_unlock_and_reset_are_told_apart(runner: CliRunner) -> None:
    listed = words(sls(runner, "device", "--help").stdout)
    assert "reset Unlock a DSC+ card that locked itself after wrong PINs" in listed
    assert "unlock Re-enable an authenticator the server disabled after wrong responses." in listed


def _every_group(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Group]]:
    found = [(path, group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _every_group(command, (*path, name))
    return found


@pytest.mark.parametrize("path", [p for p, _ in _every_group(cli)], ids=lambda p: " ".join(p) or "sls")
def test_no_listed_command_is_cut_short(runner: CliRunner, path: tuple[str, ...]) -> None:
    """At 100 characters, eight first sentences were cut: "Use another factor on the open login, or ask for
    a new code (POST...", "Stage an attack ..., as the trainer console does: the attacker..."."""
    group = dict(_every_group(cli))[path]
    listed = words(sls(runner, *path, "--help").stdout.split("Options:")[1])
    for name, command in group.commands.items():
        if not command.hidden:
            assert words(command.get_short_help_str(limit=10_000)) in listed, (name, listed)

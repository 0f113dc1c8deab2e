"""``sls gateway-state``'s --url help says where its commands go without --url, in the order the code tries
them: the gateway running on the data folder (its ``gateway.json``) first, then demo.json's url. It said
"demo.json's url, else a running gateway's", the other way round."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli import demofile, gateway_file
from sls_server.store.embedded import free_port

SUBCOMMANDS = ["status", "drop", "disconnect", "compete", "expire", "daily-reset", "latest-code"]


def url_help(runner: CliRunner, subcommand: str) -> str:
    """--url's help, its wrapped lines joined."""
    said = sls(runner, "gateway-state", subcommand, "--help")
    assert said.exit_code == 0, said.output
    options = said.stdout.split("Options:")[1]
    (entry,) = [e for e in options.split("\n  -") if e.startswith("-url")]
    return " ".join(entry.split())


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_the_url_help_names_the_running_gateway_before_demo_json(runner: CliRunner, subcommand: str) -> None:
    text = url_help(runner, subcommand)
    assert "the gateway running on the data folder" in text, text
    assert text.index("gateway.json") < text.index("demo.json's url"), text


def test_without_url_the_running_gateway_is_asked_before_demo_json(runner: CliRunner, tmp_path: Path) -> None:
    """What the help says is what the command does: demo.json names one server, gateway.json (written by a
    process still running: this one) another; the command goes to the gateway's."""
    data_dir = tmp_path / "data"
    demo, gateway = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    demofile.write(data_dir, {"url": demo, "admin_token": "t" * 20})
    demofile.write_private_json(data_dir / gateway_file.GATEWAY_FILE, {"url": gateway, "pid": os.getpid()})
    result = sls(runner, "gateway-state", "status")
    assert result.exit_code == 1, result.output
    assert_one_line_error(result, f"no gateway at {gateway} (")
    assert demo not in result.stderr

"""``sls login`` with no server at the URL says so before it asks for anything: it prompted for the password
first (thrown away), and with stdin closed, exit 2 and "--auto finds no password ... not a demo user, or sls
demo is still seeding" instead of the real cause."""

from __future__ import annotations

import pytest
from cli_kit import assert_one_line_error, cli_runner  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.main import cli

NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens


@pytest.mark.parametrize("auto", [(), ("--auto",)], ids=["typed", "auto"])
def test_no_server_is_said_before_any_prompt(runner: CliRunner, auto: tuple[str, ...]) -> None:
    args = ["login", "card-carl", *auto]
    result = runner.invoke(cli, args, env={"SLS_URL": NOWHERE}, input="", prog_name="sls")
    assert result.exit_code == 1, result.output
    assert "Password for" not in result.stderr
    assert_one_line_error(result, f"no server at {NOWHERE}", "sls demo")

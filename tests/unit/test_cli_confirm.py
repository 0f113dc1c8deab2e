"""Commands that ask first (``sls wipe``, ``sls user delete``) run by a script with nothing on stdin: a usage
error in one line naming --yes, exit 2, rather than click's bare "Aborted!" and exit 1, the code of a server
that said no. A person's "n" stays "Aborted!", exit 1."""

from __future__ import annotations

import socket

import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.main import cli
from sls_server.cli.output import EXIT_USAGE

ASKING = [("wipe",), ("user", "delete", "carol")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("args", ASKING, ids=" ".join)
def test_no_answer_is_a_usage_error_naming_yes(runner: CliRunner, args: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(cli, [*args, "--url", url], input="")
    assert result.exit_code == EXIT_USAGE, result.output
    lines = result.stderr.splitlines()
    assert lines[-1] == "error: no answer (the input ended): pass --yes to go ahead", result.stderr
    assert "Aborted!" not in result.stderr and "no server" not in result.stderr


@pytest.mark.parametrize("args", ASKING, ids=" ".join)
def test_no_stays_aborted(runner: CliRunner, args: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(cli, [*args, "--url", url], input="n\n")
    assert result.exit_code == 1, result.output
    assert "Aborted!" in result.stderr and "no server" not in result.stderr


@pytest.mark.parametrize("args", ASKING, ids=" ".join)
def test_yes_asks_nothing(runner: CliRunner, args: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = sls(runner, *args, "--yes", "--url", url)
    assert result.exit_code == 1 and f"no server at {url}" in result.stderr  # it went straight to the call

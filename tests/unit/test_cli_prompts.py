"""Commands that ask (``sls wipe``, ``sls user delete``: are you sure; ``sls login``, ``sls user add``: the
password) run by a script with nothing on stdin: a usage error in one line saying what to pass instead
(--yes, --password), exit 2, rather than click's bare "Aborted!" and exit 1, the code of a server that said
no. A person's "n" stays "Aborted!", exit 1; a password piped in works, without Python's GetPassWarning."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from flask import Flask
from json_error_kit import json_error
from served_kit import served_over_http

from sls_server.cli.main import cli
from sls_server.cli.output import EXIT_USAGE
from sls_server.store.embedded import free_port

ASKING = [("wipe",), ("user", "delete", "carol")]


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


PASSWORDS = [("login", "card-carl"), ("user", "add", "carol")]


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app over real HTTP, in a thread: ``sls login`` asks for a password only once a server answers
    (none asked for a login no server could take), where ``sls user add`` asks first."""
    with served_over_http(app) as url:
        yield url


@pytest.mark.parametrize("args", PASSWORDS, ids=" ".join)
def test_no_password_on_stdin_is_a_usage_error_naming_the_option(
    runner: CliRunner, served: str, args: tuple[str, ...]
) -> None:
    result = runner.invoke(cli, [*args, "--url", served, "--json"], input="")
    assert result.exit_code == EXIT_USAGE, result.output
    told = json_error(result, "invalid_option", after_prompt=True)
    assert told["message"] == "no answer (the input ended): give --password"
    assert "Aborted!" not in result.stderr


@pytest.mark.parametrize("args", PASSWORDS, ids=" ".join)
def test_a_piped_password_is_used(runner: CliRunner, served: str, args: tuple[str, ...]) -> None:
    typed = "plum-sketch-9\n" * (2 if args[0] == "user" else 1)
    result = runner.invoke(cli, [*args, "--url", served, "--json"], input=typed)
    assert result.exit_code == 1, result.output  # the server's no: no such user, or no admin token
    told = json_error(
        result,
        "invalid_credentials" if args[0] == "login" else "admin_token_required",
        status=401,
        after_prompt=True,
    )
    assert "plum-sketch-9" not in result.output and "plum-sketch-9" not in str(told)


def test_a_login_asks_for_no_password_when_no_server_answers(runner: CliRunner) -> None:
    """The password typed would only be thrown away: the missing server is said first (exit 1)."""
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(cli, ["login", "card-carl", "--url", url], input="plum-sketch-9\n")
    assert result.exit_code == 1 and f"no server at {url}" in result.stderr
    assert "Password" not in result.output


def test_a_password_piped_to_the_real_process_brings_no_python_warning(tmp_path: Path) -> None:
    """Outside click's test runner the prompt is getpass's: on a pipe it warned with its own source line."""
    url = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLS_")} | {"SLS_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "sls_server.cli.main", "login", "card-carl", "--url", url],
        input="plum-sketch-9\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and f"no server at {url}" in done.stderr, done.stderr
    assert "GetPassWarning" not in done.stderr and "getpass.py" not in done.stderr, done.stderr

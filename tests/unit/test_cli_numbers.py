"""Numbers and URLs the options take are checked as they are read. Number options refuse ``nan``: click's
FloatRange let it through (every comparison with it is false), so ``sls login --timeout nan`` waited for an
approval forever and ``sls events --follow --interval nan`` died in time.sleep with a traceback."""

from __future__ import annotations

import socket

import click
import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.main import cli
from sls_server.cli.output import EXIT_USAGE


def float_options(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, click.Parameter]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(float_options(command, (*prefix, name)))
            continue
        for param in command.params:
            if isinstance(param.type, click.FloatRange):
                found.append((" ".join((*prefix, name, param.name or "")), param))
    return found


FLOATS = float_options(cli)


def test_the_float_options_are_found() -> None:
    names = {name for name, _ in FLOATS}
    assert {"login timeout", "events interval", "bench duration"} <= names


@pytest.mark.parametrize(("name", "param"), FLOATS, ids=[name for name, _ in FLOATS])
@pytest.mark.parametrize("given", ["nan", "NaN", "-nan"])
def test_every_float_option_refuses_nan(name: str, param: click.Parameter, given: str) -> None:
    with pytest.raises(click.BadParameter, match="is not a number"):  # "... of seconds" for the seconds
        param.type.convert(given, param, None)


def test_login_timeout_nan_is_a_usage_error(runner: CliRunner) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = sls(runner, "login", "android-ann", "--password", "x" * 12, "--timeout", "nan", "--url", url)
    assert result.exit_code == EXIT_USAGE, result.output
    assert "Invalid value for '--timeout'" in result.stderr and "no server" not in result.stderr


@pytest.mark.parametrize("url", ["notaurl", "http://127.0.0.1:6379"])
def test_bench_redis_url_is_checked_before_anything_starts(runner: CliRunner, url: str) -> None:
    """It raised the store's ValueError with a traceback, after timing a server's start-up."""
    result = sls(runner, "bench", "--redis-url", url, "--duration", "1", "--rounds", "1", "--no-baseline")
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.stderr.startswith("error: --redis-url: must start with redis://"), result.stderr

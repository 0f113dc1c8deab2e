"""A token an HTTP header cannot carry (a line break from a copy, a character outside Latin-1 such as a
typographic dash) is a usage error naming the option, exit 2, without showing the token: it raised
urllib's ValueError or UnicodeEncodeError with a traceback."""

from __future__ import annotations

import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.output import EXIT_USAGE
from sls_server.store.embedded import free_port

SCENARIO = ("scenario", "run", "auto-logoff", "--server", "http://127.0.0.1:9")
#: (the command, the token option, its variable)
TOKENS = [
    (("user", "list"), "--admin-token", "SLS_ADMIN_TOKEN"),
    (("phone", "inbox", "+15555550104"), "--sim-token", "SLS_SIM_TOKEN"),
    (("whoami",), "--token", "SLS_SESSION_TOKEN"),
    (
        ("scenario", "run", "auto-logoff", "--server", "http://127.0.0.1:9"),
        "--admin-token",
        "SLS_ADMIN_TOKEN",
    ),
]
BAD = ["secret-token-0123456789\n", "secret\u2013token\u20130123456789", "secret-token\t0123456789"]


@pytest.mark.parametrize("token", BAD, ids=["newline", "en-dash", "tab"])
@pytest.mark.parametrize(
    ("args", "option", "variable"), TOKENS, ids=lambda v: v if isinstance(v, str) else v[0]
)
@pytest.mark.parametrize("given_as", ["option", "variable"])
def test_a_token_no_header_can_carry_is_a_usage_error(
    runner: CliRunner, args: tuple[str, ...], option: str, variable: str, token: str, given_as: str
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    extra = [option, token] if given_as == "option" else []
    env = {variable: token} if given_as == "variable" else {}
    url_args = [] if args[0] == "scenario" else ["--url", url]
    result = sls(runner, *args, *url_args, *extra, env=env)
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"Invalid value for '{option}'" in result.stderr
    assert token.strip() not in result.output and "secret" not in result.output  # never shown

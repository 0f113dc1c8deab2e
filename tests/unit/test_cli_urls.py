"""A server URL that is no URL (a typo in --url, SLS_URL or demo.json) is a usage error in one line, exit 2,
whichever command is given it: never a traceback from urllib, never "no server"."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from json_error_kit import json_error

from sls_server.cli import demofile

NOT_URLS = [
    ("notaurl", "http:// or https://"),
    ("ftp://127.0.0.1", "http:// or https://"),
    ("http://[::1", "Invalid IPv6 URL"),
    ("http://127.0.0.1:80a", "Port"),
    ("http://127.0.0.1:99999", "Port out of range"),
    ("http://127.0.0.1 :8000", ""),
]

#: One command per way of reaching a server: admin, sim, the login API, status, the gateway's sim route.
COMMANDS = [
    ("user", "list"),
    ("status",),
    ("login", "card-carl", "--password", "amber-falcon-ridge-12", "--response", "12345678"),
    ("phone", "inbox", "+15555550101"),
    ("device", "card-status", "dscplus-0123456789ab"),
    ("gateway-state", "latest-code", "--user", "card-carl"),
]


@pytest.mark.parametrize(("url", "why"), NOT_URLS, ids=[u for u, _ in NOT_URLS])
def test_a_url_that_is_no_url_is_a_usage_error(runner: CliRunner, url: str, why: str) -> None:
    result = sls(runner, "user", "list", "--url", url, "--json")
    assert result.exit_code == 2, result.output
    json_error(result, "invalid_option", "--url", repr(url), why)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_kind_of_command_checks_the_url(runner: CliRunner, args: tuple[str, ...]) -> None:
    result = sls(runner, *args, env={"SLS_URL": "http://[::1"})
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "--url", "'http://[::1'")


def test_a_broken_url_in_demo_json_is_named(runner: CliRunner, tmp_path: Path) -> None:
    demofile.write(tmp_path / "data", {"url": "127.0.0.1:8000", "admin_token": "t" * 20})
    result = sls(runner, "clock")
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "demo.json", "'127.0.0.1:8000'", "http://")


@pytest.mark.parametrize(
    "url", ["http://u:pw123@127.0.0.1:8000/x", "http://u@127.0.0.1:8000", "http://:pw123@h"]
)
def test_a_url_with_a_user_or_password_is_a_usage_error_that_never_prints_the_password(
    runner: CliRunner, url: str
) -> None:
    """urllib never sends them (the admin token signs in), and the name lookup then failed as "no server at
    http://u:pw123@...", password and all."""
    result = sls(runner, "user", "list", "--url", url)
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "--url", "a user or password in it is never sent")
    assert "pw123" not in result.output + result.stderr


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000?x=1", "http://127.0.0.1:8000/#f", "http://127.0.0.1:8000?"]
)
def test_a_url_with_a_query_or_fragment_is_a_usage_error(runner: CliRunner, url: str) -> None:
    """Each command adds its own path after the URL, so a query landed in the middle of it: the server
    answered an HTML page and the CLI said "the server did not answer with JSON"."""
    result = sls(runner, "user", "list", "--url", url)
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "--url", "a query or fragment")


def test_a_pin_beside_share_is_a_usage_error(runner: CliRunner) -> None:
    result = sls(runner, "device", "enroll", "erin", "--share", "dscplus-1d68b218dc44", "--pin", "9999")
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "--pin", "keeps its owner's PIN")


@pytest.mark.parametrize("at", ["25:99", "7:60", "24:00", "noon", "of"])
def test_a_daily_reset_that_is_no_time_is_a_usage_error(runner: CliRunner, at: str) -> None:
    """Only the server checked it (exit 1), and a server not in gateway mode answered about that instead."""
    result = sls(runner, "gateway-state", "daily-reset", at)
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "AT must be HH:MM (UTC), 00:00 to 23:59, or off")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8741/admin", "http://127.0.0.1:8741/admin/v1/", "http://h/x"]
)
def test_a_url_with_a_path_is_a_usage_error_naming_the_path(runner: CliRunner, url: str) -> None:
    """Each command adds its own path after the URL: /admin made it /admin/admin/v1/users, which the server
    answered 404, and the CLI said the server had no such route and might be an older version."""
    result = sls(runner, "user", "list", "--url", url)
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "--url", "the path", "has no place in it")
    assert "older version" not in result.stderr


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://127.0.0.1:9"])
def test_a_url_with_only_a_trailing_slash_is_taken(runner: CliRunner, url: str) -> None:
    """A trailing slash is no path: the command goes on, to no server there (exit 1)."""
    result = sls(runner, "user", "list", "--url", url)
    assert result.exit_code == 1, result.output
    assert_one_line_error(result, "no server at http://127.0.0.1:9")

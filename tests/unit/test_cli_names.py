"""A name or id that goes into a route (a user, device, phone number, account, session, call, notification)
and cannot name anything, empty or with a '/', is a usage error before any call: not the server's 404 told
as "this server has no such route: is it an older version?"."""

from __future__ import annotations

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from json_error_kit import json_error

from sls_server.cli.output import EXIT_USAGE
from sls_server.store.embedded import free_port

#: One command per module that puts a name in a route; NAME is replaced by the bad name.
COMMANDS = [
    ("user", "show", "NAME"),
    ("user", "lockout", "NAME"),
    ("device", "list", "NAME"),
    ("device", "revoke", "carol", "NAME"),
    ("device", "totp-code", "NAME"),
    ("device", "card-status", "NAME"),
    ("device", "notifications", "NAME"),
    ("device", "approve", "ibkey-0123456789ab", "NAME", "--match", "12", "--pin", "12ab"),
    ("phone", "inbox", "NAME"),
    ("phone", "audio", "+15555550105", "NAME", "-o", "call.wav"),
    ("account", "show", "NAME"),
    ("sessions", "list", "NAME"),
    ("sessions", "end", "NAME"),
]


@pytest.mark.parametrize(("name", "why"), [("", "is empty"), ("a/b", "has a '/'")])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_name_no_route_can_take_is_a_usage_error(
    runner: CliRunner, args: tuple[str, ...], name: str, why: str
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing there: the command must not get as far as calling
    given = [name if a == "NAME" else a for a in args]
    result = sls(runner, *given, "--url", url, "--json", env={"SLS_ADMIN_TOKEN": "t" * 20})
    assert result.exit_code == EXIT_USAGE, result.output
    json_error(result, "invalid_option", repr(name), why)

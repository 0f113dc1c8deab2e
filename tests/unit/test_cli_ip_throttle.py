"""``sls ip-throttle``: the per-address login limit, which ``sls user lockout`` cannot show and ``sls user
unlock`` cannot lift (it is no user's), shown and lifted from the command line; 127.0.0.1's by default, where
a developer's negative tests come from."""

from __future__ import annotations

import json
from typing import Any

from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from served_kit import served_over_http

from sls_server import create_app

LIMIT = 2


def _fill(client: FlaskClient, ip: str) -> None:
    for name in ("amy", "ben"):
        wrong = {"username": name, "password": "stuffed-password"}
        assert (
            client.post("/api/v1/auth/login", json=wrong, environ_base={"REMOTE_ADDR": ip}).status_code == 401
        )


def test_sls_ip_throttle_shows_and_lifts_an_address_limit(
    app_config: dict[str, Any], runner: CliRunner
) -> None:
    app = create_app({**app_config, "IP_THROTTLE_LIMIT": LIMIT, "IP_THROTTLE_WINDOW": 300})
    client = app.test_client()
    # the server's clock stands still: a second passing on a loaded machine read "refused for 299 s"
    frozen = client.post(
        "/admin/v1/clock", json={"freeze": True}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert frozen.status_code == 200, frozen.get_json()
    _fill(client, "127.0.0.1")
    with served_over_http(app) as url:
        given = ("--url", url, "--admin-token", ADMIN_TOKEN)
        refused = sls(runner, "login", "amy", "--password", "whatever-it-is", "--start-only", *given)
        assert refused.exit_code == 1
        assert_one_line_error(refused, "rate_limited", "`sls ip-throttle --lift [IP]` lifts it now")
        shown = sls(runner, "ip-throttle", *given)
        assert shown.exit_code == 0, shown.output
        assert "127.0.0.1: LIMITED, every login refused for 300 s" in shown.stdout
        assert "2 of 2" in shown.stdout
        lifted = sls(runner, "ip-throttle", "--lift", *given)
        assert lifted.exit_code == 0, lifted.output
        assert (
            lifted.stdout.strip()
            == "Lifted: 2 attempt(s) from 127.0.0.1 forgotten; its logins are judged again."
        )
        after = json.loads(sls(runner, "ip-throttle", "127.0.0.1", "--json", *given).stdout)
        assert (after["limited"], after["attempts"]) == (False, 0)
        nothing = sls(runner, "ip-throttle", "--lift", "198.51.100.9", *given)
        assert nothing.stdout.strip() == "198.51.100.9 had no attempts counted: nothing changed."
        bad = sls(runner, "ip-throttle", "not-an-address", *given)
        assert bad.exit_code == 1
        assert_one_line_error(bad, "invalid_request", "ip must be an IPv4 or IPv6 address")


def _mistype_admin_token(client: FlaskClient, ip: str) -> None:
    for n in range(LIMIT):
        wrong = {"Authorization": f"Bearer mistyped-admin-token-{n}"}
        assert (
            client.get("/admin/v1/users", headers=wrong, environ_base={"REMOTE_ADDR": ip}).status_code == 401
        )


def test_sls_ip_throttle_lift_says_which_windows_it_forgot_and_a_shut_admin_api_says_how_to_lift(
    app_config: dict[str, Any], runner: CliRunner
) -> None:
    """The lift says the address's wrong tokens went with its login attempts; wrong admin tokens from the
    CLI's own address shut the admin API to it, the right token too, and the command is told so and how to
    lift it another way."""
    app = create_app({**app_config, "IP_THROTTLE_LIMIT": LIMIT, "IP_THROTTLE_WINDOW": 300})
    client = app.test_client()
    elsewhere = "198.51.100.9"
    _fill(client, elsewhere)
    _mistype_admin_token(client, elsewhere)
    with served_over_http(app) as url:
        given = ("--url", url, "--admin-token", ADMIN_TOKEN)
        shown = sls(runner, "ip-throttle", elsewhere, *given)
        assert shown.exit_code == 0, shown.output
        assert "2 of 2: every token refused, the right one too" in shown.stdout
        lifted = sls(runner, "ip-throttle", "--lift", elsewhere, *given)
        assert lifted.exit_code == 0, lifted.output
        assert lifted.stdout.strip().splitlines() == [
            f"Lifted: 2 attempt(s) from {elsewhere} forgotten; its logins are judged again.",
            f"2 wrong admin/sim token(s) from {elsewhere} forgotten: its right token is let through again.",
        ]
        _mistype_admin_token(client, "127.0.0.1")
        shut = sls(runner, "ip-throttle", "--lift", *given)
        assert shut.exit_code == 1
        assert_one_line_error(shut, "rate_limited", "the right one too", "from another address")

"""The IB Key app commands against a real ``sls serve``."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.e2e
PASSWORD = "Amber-Falcon-Ibkey-17"
PHONES = {"alice": "+15550100001"}


def test_cli_drives_the_phone_over_http(plain_server: Any, tmp_path: Any) -> None:
    """``sls device activate|notifications|approve|ibkey-respond`` against a real ``sls serve``."""
    import requests
    from click.testing import CliRunner
    from over_http_kit import activation_code_over_http, ibkey_user_over_http

    from sls_server.cli.main import cli

    server = plain_server
    app = ibkey_user_over_http(server.url, "alice", PASSWORD, PHONES["alice"])
    code = activation_code_over_http(server.url, PHONES["alice"])
    env = {"SLS_DATA_DIR": str(tmp_path / "cli"), "SLS_URL": server.url}

    def sls(*args: str) -> Any:
        result = CliRunner().invoke(cli, [*args, "--json"], env=env, prog_name="sls")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    activated = sls(
        "device",
        "activate",
        app,
        "--username",
        "alice",
        "--password",
        PASSWORD,
        "--code",
        code,
        "--pin",
        "12ab",
    )
    assert activated["status"] == "active"
    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
    ).json()
    note = sls("device", "notifications", app)["notifications"][0]
    assert note["txn_id"] == login["txn_id"]
    approved = sls("device", "approve", app, note["id"], "--match", login["factor"]["match"], "--pin", "12ab")
    assert approved["state"] == "approved"
    polled = requests.get(
        f"{server.url}/api/v1/auth/login/{login['txn_id']}",
        headers={"X-Login-Token": login["login_token"]},
        timeout=10,
    ).json()
    assert polled["state"] == "authenticated"

    requests.put(
        f"{server.url}/sim/v1/phones/{PHONES['alice']}/conditions", json={"roaming": True}, timeout=10
    )
    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
    ).json()
    answer = sls("device", "ibkey-respond", app, "--challenge", login["factor"]["challenge"], "--pin", "12ab")
    verified = requests.post(
        f"{server.url}/api/v1/auth/login/{login['txn_id']}/verify",
        json=answer,
        headers={"X-Login-Token": login["login_token"]},
        timeout=10,
    )
    assert verified.status_code == 200

    refused = CliRunner().invoke(cli, ["device", "deny", app, note["id"]], env=env, prog_name="sls")
    assert refused.exit_code == 2 and "--pin or --biometric" in refused.stderr
    wrong = CliRunner().invoke(
        cli, ["device", "approve", app, "nope", "--match", "42", "--pin", "12ab"], env=env
    )
    assert wrong.exit_code == 1 and "unknown_notification" in wrong.stderr


def test_enroll_says_the_commands_that_activate_the_phone_and_they_do(
    plain_server: Any, tmp_path: Any
) -> None:
    """``sls device enroll --type ibkey`` prints the next commands: the whole number to read the texted code
    from (it said ``<number>``), and for a user with an active card, which activates by the card's response
    and gets no text, the card's command (it said the code was "texted to None")."""
    import re
    import shlex

    from click.testing import CliRunner
    from conftest import ADMIN_TOKEN

    from sls_server.cli.main import cli

    server = plain_server
    env = {"SLS_DATA_DIR": str(tmp_path / "cli"), "SLS_URL": server.url, "SLS_ADMIN_TOKEN": ADMIN_TOKEN}

    def sls(*args: str, typed: str | None = None) -> Any:
        result = CliRunner().invoke(cli, list(args), env=env, prog_name="sls", input=typed)
        assert result.exit_code == 0, result.output
        return result

    def commands(told: str) -> list[list[str]]:
        return [shlex.split(c) for c in re.findall(r"`sls ([^`]+)`", told)]

    sls("user", "add", "alice", "--password", PASSWORD, "--phone", PHONES["alice"])
    sls("device", "enroll", "alice", "--type", "dscplus", "--pin", "2468")
    told = sls("device", "enroll", "alice", "--type", "ibkey", "--platform", "android").stderr
    read, activate = commands(told)
    assert read == ["phone", "inbox", PHONES["alice"], "--code"], told
    code = sls(*read).stdout.strip()
    assert "--password" not in activate, "the password is asked for, not put on the command line"
    given = [code if a == "<code>" else a for a in activate]
    assert json.loads(sls(*given, "--json", typed=PASSWORD + "\n").stdout)["status"] == "active"

    told = sls("device", "enroll", "alice", "--type", "ibkey", "--platform", "ios").stderr
    assert "texted" not in told and "None" not in told, told
    respond, activate = commands(told)
    assert respond[:2] == ["device", "card-respond"], told
    response = sls(*[("2468" if a == "<PIN>" else a) for a in respond]).stdout.strip()
    given = [response if a == "<response>" else a for a in activate]
    activated = sls(*given, "--json", typed=PASSWORD + "\n").stdout
    assert "--biometric" in given and json.loads(activated)["status"] == "active"

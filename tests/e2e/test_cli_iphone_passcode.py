"""``sls device activate|approve|ibkey-respond --passcode``, ``sls device ibkey-biometrics`` and ``sls login|
answer|stepup --auto`` against a real ``sls serve``: IB Key on an iPhone without Touch ID / Face ID asks for
the iPhone's passcode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from cli_world import seeded
from click.testing import CliRunner, Result
from conftest import ADMIN_TOKEN
from json_error_kit import json_error
from over_http_kit import activation_code_over_http, ibkey_user_over_http
from serve_processes import ServerProcess, fresh

from sls_server.cli.main import cli

pytestmark = pytest.mark.e2e
PASSWORD = "Amber-Falcon-Ibkey-17"
PHONE = "+15550100031"
PASSCODE = "482916"


def test_the_cli_keys_the_iphones_passcode_and_sets_face_id(
    plain_server: ServerProcess, tmp_path: Path
) -> None:
    server = plain_server
    app = ibkey_user_over_http(server.url, "ivo", PASSWORD, PHONE, "ios")
    code = activation_code_over_http(server.url, PHONE)
    env = {"SLS_DATA_DIR": str(tmp_path / "cli"), "SLS_URL": server.url}

    def sls(*args: str) -> Result:
        return CliRunner().invoke(cli, [*args, "--json"], env=env, prog_name="sls")

    def ok(*args: str) -> Any:
        result = sls(*args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    activate = ("device", "activate", app, "--username", "ivo", "--password", PASSWORD, "--code", code)
    both = sls(*activate, "--biometric", "--passcode", PASSCODE)
    assert both.exit_code != 0 and "give exactly one" in both.stderr
    assert ok(*activate, "--passcode", PASSCODE)["status"] == "active"
    assert ok("device", "ibkey-status", app)["unlock"] == "passcode"

    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "ivo", "password": PASSWORD}, timeout=10
    ).json()
    note = ok("device", "notifications", app)["notifications"][0]
    match = login["factor"]["match"]
    wrong = sls("device", "approve", app, note["id"], "--match", match, "--passcode", "000000")
    assert wrong.exit_code == 1 and "wrong_passcode" in wrong.stderr and "000000" not in wrong.stderr
    assert (
        ok("device", "approve", app, note["id"], "--match", match, "--passcode", PASSCODE)["state"]
        == "approved"
    )

    assert ok("device", "ibkey-biometrics", app, "--on", "--passcode", PASSCODE)["unlock"] == "biometric"
    refused = sls("device", "ibkey-respond", app, "--challenge", "123456", "--passcode", PASSCODE)
    assert refused.exit_code == 1 and "biometric" in refused.stderr
    assert len(ok("device", "ibkey-respond", app, "--challenge", "123456", "--biometric")["response"]) == 8
    assert ok("device", "ibkey-biometrics", app, "--off", "--passcode", PASSCODE)["unlock"] == "passcode"
    answered = ok("device", "ibkey-respond", app, "--challenge", "123456", "--passcode", PASSCODE)
    assert len(answered["response"]) == 8


def test_auto_answers_for_the_demo_iphone_with_its_passcode_once_face_id_is_off(
    demo_server: ServerProcess, redis_url: str, tmp_path: Path
) -> None:
    """QA: with Face ID off, `sls login iphone-ivy --auto` failed (it sent Face ID, as demo.json says). The
    demo gives her iPhone a passcode, demo.json keeps it, and --auto unlocks the way the phone asks."""
    demo = seeded(fresh(demo_server, redis_url), tmp_path / "cli-data")  # the demo's limits, as `sls demo`'s
    app = demo.device("iphone-ivy", "ibkey")
    assert app["iphone_passcode"] == PASSCODE and app["biometric"] is True
    assert "iPhone passcode 482916" in demo.ok("world").stdout
    assert demo.json("login", "iphone-ivy", "--auto")["state"] == "authenticated"  # Face ID

    wrong = demo.sls("device", "ibkey-biometrics", app["device_id"], "--off", "--passcode", "135790")
    assert wrong.exit_code == 1 and "wrong_passcode" in wrong.stderr  # the demo set the iPhone's passcode
    demo.ok("device", "ibkey-biometrics", app["device_id"], "--off", "--passcode", PASSCODE)
    assert demo.json("login", "iphone-ivy", "--auto")["state"] == "authenticated"  # a push, the passcode
    assert demo.json("stepup", "--purpose", "withdrawal", "--auto")["state"] == "verified"

    password = demo.user("iphone-ivy")["password"]
    shown = demo.ok("login", "iphone-ivy", "--password", password, "--start-only").output
    assert f"--passcode {PASSCODE}" in shown and "--biometric" not in shown
    switched = demo.ok("switch", "ibkey", "--challenge", "--user", "iphone-ivy").output
    assert f"--passcode {PASSCODE}" in switched and "--pin" not in switched  # the iPhone's, not a PIN
    assert demo.json("answer", "--auto", "--user", "iphone-ivy")["state"] == "authenticated"  # a response
    status = requests.get(f"{demo.server.url}/sim/v1/ibkey/{app['device_id']}", timeout=10).json()
    assert status["unlock"] == "passcode" and status["pin_attempts_left"] == 10


def test_auto_for_an_iphone_not_in_the_demo_takes_passcode_and_says_when_it_is_missing(
    plain_server: ServerProcess, tmp_path: Path
) -> None:
    server = plain_server
    app = ibkey_user_over_http(server.url, "ivo", PASSWORD, PHONE, "ios")
    code = activation_code_over_http(server.url, PHONE)
    activation = {"username": "ivo", "password": PASSWORD, "activation_code": code, "passcode": PASSCODE}
    assert requests.post(f"{server.url}/sim/v1/ibkey/{app}/activate", json=activation, timeout=10).ok
    env = {"SLS_DATA_DIR": str(tmp_path / "cli"), "SLS_URL": server.url, "SLS_ADMIN_TOKEN": ADMIN_TOKEN}

    def sls(*args: str) -> Result:
        result = CliRunner().invoke(cli, [*args, "--json"], env=env, prog_name="sls")
        assert "Traceback" not in result.output and not isinstance(result.exception, KeyError)
        return result

    login = ("login", "ivo", "--password", PASSWORD, "--auto")
    missing = sls(*login)
    assert missing.exit_code == 2, missing.output
    json_error(missing, "invalid_option", "--passcode: Touch ID / Face ID is off on this iPhone")
    wrong = sls(*login, "--passcode", "000000")
    assert wrong.exit_code == 1 and "000000" not in wrong.stderr
    json_error(wrong, "wrong_passcode", status=403)
    done = sls(*login, "--passcode", PASSCODE)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["state"] == "authenticated"

    assert sls("login", "ivo", "--password", PASSWORD, "--start-only").exit_code == 0
    assert sls("switch", "ibkey", "--challenge").exit_code == 0
    assert sls("answer", "--auto").exit_code == 2
    answered = sls("answer", "--auto", "--passcode", PASSCODE)
    assert answered.exit_code == 0 and json.loads(answered.stdout)["state"] == "authenticated"

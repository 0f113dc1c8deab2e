"""``sls device activate|approve|ibkey-respond --passcode`` and ``sls device ibkey-biometrics`` against a real
``sls serve``: IB Key on an iPhone without Touch ID / Face ID asks for the iPhone's passcode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result
from conftest import ADMIN_TOKEN

from sls_server.cli.main import cli

pytestmark = pytest.mark.e2e
PASSWORD = "Amber-Falcon-Ibkey-17"
PHONE = "+15550100031"
PASSCODE = "482916"


def test_the_cli_keys_the_iphones_passcode_and_sets_face_id(sls_serve: Any, tmp_path: Path) -> None:
    server = sls_serve(workers=1)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = {"username": "ivo", "password": PASSWORD, "phone": PHONE, "sms": False}
    assert requests.post(f"{server.url}/admin/v1/users", json=body, headers=admin, timeout=10).ok
    enrolled = requests.post(
        f"{server.url}/admin/v1/users/ivo/devices",
        json={"type": "ibkey", "platform": "ios"},
        headers=admin,
        timeout=10,
    ).json()
    app = enrolled["device_id"]
    inbox = requests.get(f"{server.url}/sim/v1/phones/{PHONE}/messages", timeout=10).json()
    code = next(m["code"] for m in inbox["messages"] if m["purpose"] == "ibkey_activation")
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

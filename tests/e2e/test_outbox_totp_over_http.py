"""IBeam's "external request" 2FA handler against a TOTP user after ``sls clock --advance``, over real HTTP:
the code a handler computes on the wall clock is refused, the one ``/sim/v1/outbox/latest-code`` serves (the
authenticator app's at the server's clock) logs in (docs/gateway.md, "IBeam with an authenticator app")."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Amber-Tollgate-Counts-58"
TWO_DAYS = 2 * 86400


def _post(server: ServerProcess, path: str, body: dict[str, Any], **kw: Any) -> requests.Response:
    return requests.post(f"{server.url}{path}", json=body, timeout=30, **kw)


def test_latest_code_logs_a_totp_user_in_after_the_clock_moved(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    server = sls_serve(workers=1, SLS_GATEWAY="true")
    assert _post(server, "/admin/v1/users", {"username": "tomas", "password": PASSWORD}, headers=ADMIN).ok
    app = _post(server, "/admin/v1/users/tomas/devices", {"type": "totp"}, headers=ADMIN).json()
    moved = _post(server, "/admin/v1/clock", {"advance_s": TWO_DAYS}, headers=ADMIN)
    assert moved.status_code == 200, moved.text

    started = _post(server, "/api/v1/auth/login", {"username": "tomas", "password": PASSWORD}).json()
    verify = f"/api/v1/auth/login/{started['txn_id']}/verify"
    bound = {"X-Login-Token": started["login_token"]}
    wall = pyotp.TOTP(app["secret_b32"], digest=hashlib.sha1, interval=app["period"]).at(int(time.time()))
    refused = _post(server, verify, {"response": wall}, headers=bound)
    assert refused.status_code == 401, refused.text  # what a handler on the wall clock would type

    latest = requests.get(
        f"{server.url}/sim/v1/outbox/latest-code", params={"user": "tomas", "wait": "5"}, timeout=30
    )
    assert latest.status_code == 200, latest.text
    assert latest.headers["Content-Type"].startswith("text/plain") and latest.text.isdigit()
    assert latest.text != wall  # two days apart: the app's code at the server's clock
    done = _post(server, verify, {"response": latest.text}, headers=bound)
    assert done.status_code == 200, done.text

    def shown() -> str:
        return str(
            requests.get(f"{server.url}/sim/v1/totp/{app['device_id']}/code", timeout=30).json()["code"]
        )

    before = shown()
    command = [sys.executable, "-m", "sls_server.cli.main", "gateway-state", "latest-code"]
    printed = subprocess.run(
        [*command, "--user", "tomas", "--factor", "app", "--url", server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() in {before, shown()}  # the app's code now (a step may turn meanwhile)

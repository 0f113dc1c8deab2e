"""``sls gateway`` stopped and started again asks for a login, as the real gateway does (its session lives in
its process): IBeam restarts a stuck gateway and then logs in, a path that could not be tested while the
session outlived the process in Redis. ``--keep-session`` keeps it, for a process joining others on one
instance."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN
from gateway_process import log_in_through_the_gateway, sls_gateway  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def restart(sls_gateway: Any, server: Any, *args: str) -> Any:  # noqa: F811
    """Stop the process (SIGTERM, as IBeam's kill) and start another on the same port and data folder."""
    server.process.terminate()
    assert server.process.wait(timeout=20) == 0, server.log()
    return sls_gateway(*args, SLS_PORT=server.url.rpartition(":")[2])


def test_a_restarted_gateway_asks_for_a_login_again(sls_gateway: Any) -> None:  # noqa: F811
    """Before, the next tickle said ``authenticated: true`` with the session the stopped process held."""
    server = sls_gateway()
    log_in_through_the_gateway(server.url, "iris")
    assert requests.post(f"{server.url}/v1/api/tickle", timeout=10).status_code == 200
    again = restart(sls_gateway, server)
    assert again.data_dir == server.data_dir
    tickle = requests.post(f"{again.url}/v1/api/tickle", timeout=10)
    assert tickle.status_code == 401, tickle.text
    body = tickle.json()
    assert (body["error"], body["reason"], body["ended_by"]) == (
        "no_session",
        "gateway_restarted",
        "gateway_restarted",
    )
    events = requests.get(
        f"{again.url}/admin/v1/events", params={"type": "gateway.session_ended"}, headers=ADMIN, timeout=10
    ).json()["events"]
    assert [(e["result"], e["detail"]["ended_by"]) for e in events] == [
        ("gateway_restarted", "gateway_restarted")
    ]
    status = again.sls("gateway-state", "status")
    assert "the gateway restarted" in status.stdout, status.stdout
    log_in_through_the_gateway(
        again.url, "juno", "+15555550183"
    )  # the login IBeam then does works as any other
    assert requests.post(f"{again.url}/v1/api/tickle", timeout=10).status_code == 200


def test_keep_session_joins_the_gateway_without_logging_it_out(sls_gateway: Any) -> None:  # noqa: F811
    server = sls_gateway()
    log_in_through_the_gateway(server.url, "iris")
    again = restart(sls_gateway, server, "--keep-session")
    tickle = requests.post(f"{again.url}/v1/api/tickle", timeout=10)
    assert tickle.status_code == 200, tickle.text
    assert tickle.json()["iserver"]["authStatus"]["authenticated"] is True

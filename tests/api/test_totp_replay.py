"""A replayed authenticator-app code is a replay (409 ``challenge_used``), not a wrong response.

``TotpFactor.check`` answered False when the replay guard refused a right code's time step, so the login
counted it as a wrong code: 401 ``invalid_response``, an attempt spent, a failure on the app, and ten replays
disabled the app (423 ``device_locked``, at login too). It now raises ``CodeReplayed`` before anything is
settled, as a DSC+ challenge answered twice is told (``ChallengeUsed``): nothing else changes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from conftest import move_clock, trail
from flask.testing import FlaskClient
from freezegun.api import FrozenDateTimeFactory
from test_totp import (
    app_code,
    assert_refused,
    assert_replayed,
    frozen,  # noqa: F401 (a fixture)
    log_in_with,
    server_now,
    start_login,
    tina_with_an_app,  # noqa: F401 (the fixture tina)
)

#: More than the login's attempts (3) and the app's failure limit (SLS_DEVICE_FAILURE_LIMIT, 10).
REPLAYS = 12


class Used(NamedTuple):
    """The code Tina logged in with (the one a replay sends again), and that login's session token."""

    code: str
    session_token: str


@pytest.fixture
def used(client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]) -> Used:
    code = app_code(tina, server_now(client, admin_headers))
    logged_in = log_in_with(client, "tina", code)
    assert logged_in.status_code == 200, logged_in.get_json()
    return Used(code, logged_in.get_json()["session"]["token"])


def _verify(client: FlaskClient, txn_id: str, code: str) -> Any:
    return client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": code})


def _app(client: FlaskClient, headers: dict[str, str], device_id: str) -> dict[str, Any]:
    listed = client.get("/admin/v1/users/tina/devices", headers=headers).get_json()
    return next(d for d in listed["devices"] if d["device_id"] == device_id)  # type: ignore[no-any-return]


def test_replays_in_one_login_spend_no_attempt_and_leave_it_answerable(
    client: FlaskClient,
    admin_headers: dict[str, str],
    frozen: FrozenDateTimeFactory,  # noqa: F811
    tina: dict[str, Any],
    used: Used,
) -> None:
    started = start_login(client, "tina")
    for _ in range(REPLAYS):
        assert_replayed(_verify(client, started["txn_id"], used.code))
    app = _app(client, admin_headers, tina["device_id"])
    assert app["status"] == "active" and app["factor_failures"] == 0
    assert trail(client, admin_headers, "login.second_factor_failed", user="tina") == []
    assert trail(client, admin_headers, "device.locked", user="tina") == []
    replayed = trail(client, admin_headers, "login.code_replayed", user="tina")  # every attempt is in it
    assert len(replayed) == REPLAYS and used.code not in str(replayed)
    later = move_clock(client, admin_headers, 30)
    fresh = app_code(tina, later)
    wrong = f"{(int(fresh) + 1) % 10**6:06d}"
    refused = _verify(client, started["txn_id"], wrong)
    assert_refused(refused)
    assert refused.get_json()["attempts_left"] == 2  # every attempt was still there: 3, less this one
    assert _verify(client, started["txn_id"], fresh).status_code == 200  # the same login, still answerable


def test_replays_across_logins_do_not_disable_the_app(
    client: FlaskClient,
    admin_headers: dict[str, str],
    frozen: FrozenDateTimeFactory,  # noqa: F811
    tina: dict[str, Any],
    used: Used,
) -> None:
    for _ in range(REPLAYS):
        assert_replayed(log_in_with(client, "tina", used.code))
    later = move_clock(client, admin_headers, 30)
    assert log_in_with(client, "tina", app_code(tina, later)).status_code == 200


def test_a_step_up_told_a_replayed_code_is_told_so_too(
    client: FlaskClient,
    admin_headers: dict[str, str],
    frozen: FrozenDateTimeFactory,  # noqa: F811
    tina: dict[str, Any],
    used: Used,
) -> None:
    bearer = {"Authorization": f"Bearer {used.session_token}"}
    opened = client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=bearer).get_json()
    for _ in range(REPLAYS):
        answer = {"txn_id": opened["txn_id"], "response": used.code}
        assert_replayed(client.post("/api/v1/verify", json=answer, headers=bearer))
    later = move_clock(client, admin_headers, 30)
    answer = {"txn_id": opened["txn_id"], "response": app_code(tina, later)}
    verified = client.post("/api/v1/verify", json=answer, headers=bearer)
    assert verified.status_code == 200 and verified.get_json()["state"] == "verified", verified.get_json()

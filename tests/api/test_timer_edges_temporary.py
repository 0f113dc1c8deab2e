"""A temporary passcode at the end of its validity, and after the clock is moved back.

At ``expires_at - 1`` the passcode logs in; from ``expires_at`` it has lapsed: a login is not offered it
(``no_second_factor``), a verify already under way is refused (``device_inactive``) and the admin's list
shows it ``expired``. Moving the clock back used to bring it back to life: offered and accepted again, days
after it was refused as lapsed. A passcode found lapsed is recorded so (``lapsed_at`` on the device, set
only once ``expires_at`` has come on the clock in force), and stays lapsed whatever the clock does after.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN, move_clock
from flask.testing import FlaskClient

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-4-Battery"


@pytest.fixture
def tess(client: FlaskClient) -> dict[str, Any]:
    """A user whose one second factor is a one-day temporary passcode; its enrolment answer."""
    made = client.post("/admin/v1/users", json={"username": "tess", "password": PASSWORD}, headers=ADMIN)
    assert made.status_code == 201, made.get_json()
    issued = client.post("/admin/v1/users/tess/devices", json={"type": "temporary", "days": 1}, headers=ADMIN)
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()  # type: ignore[no-any-return]


def _to(client: FlaskClient, at: int) -> None:
    moved = client.post("/admin/v1/clock", json={"set_at": at}, headers=ADMIN)
    assert moved.status_code == 200, moved.get_json()


def _start(client: FlaskClient) -> Any:
    return client.post("/api/v1/auth/login", json={"username": "tess", "password": PASSWORD})


def _verify(client: FlaskClient, started: dict[str, Any], passcode: str) -> Any:
    return client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": passcode},
        headers={"X-Login-Token": started["login_token"]},
    )


@pytest.mark.parametrize(("delta", "ok"), [(-1, True), (0, False)])
def test_a_passcode_works_until_its_expiry_and_not_from_it(
    client: FlaskClient, tess: dict[str, Any], delta: int, ok: bool
) -> None:
    _to(client, tess["expires_at"] + delta)
    started = _start(client)
    if ok:
        assert started.status_code == 200, started.get_json()
        assert _verify(client, started.get_json(), tess["passcode"]).status_code == 200
    else:
        assert started.status_code == 403 and started.get_json()["error"] == "no_second_factor"


def test_a_passcode_a_login_found_lapsed_stays_lapsed_when_the_clock_goes_back(
    client: FlaskClient, tess: dict[str, Any]
) -> None:
    _to(client, tess["expires_at"])
    assert _start(client).get_json()["error"] == "no_second_factor"
    move_clock(client, ADMIN, -3600)
    again = _start(client)
    assert again.status_code == 403, again.get_json()  # was 200: offered again, and it logged in
    assert again.get_json()["error"] == "no_second_factor"


def test_a_passcode_a_verify_found_lapsed_stays_lapsed_when_the_clock_goes_back(
    client: FlaskClient, tess: dict[str, Any]
) -> None:
    _to(client, tess["expires_at"] - 5)
    started = _start(client).get_json()  # offered, five seconds before it lapses
    move_clock(client, ADMIN, 5)
    lapsed = _verify(client, started, tess["passcode"])
    assert lapsed.status_code == 403 and lapsed.get_json()["error"] == "device_inactive"
    move_clock(client, ADMIN, -10)
    again = _verify(client, started, tess["passcode"])
    assert again.status_code == 403, again.get_json()  # was 200
    assert again.get_json()["error"] == "device_inactive"


def test_a_passcode_the_admin_was_shown_expired_stays_expired_when_the_clock_goes_back(
    client: FlaskClient, tess: dict[str, Any]
) -> None:
    _to(client, tess["expires_at"])
    listed = client.get("/admin/v1/users/tess/devices", headers=ADMIN).get_json()["devices"]
    assert [d["status"] for d in listed] == ["expired"]
    move_clock(client, ADMIN, -86400)
    listed = client.get("/admin/v1/users/tess/devices", headers=ADMIN).get_json()["devices"]
    assert [d["status"] for d in listed] == ["expired"]  # was active
    assert _start(client).get_json()["error"] == "no_second_factor"


def test_by_default_a_passcode_gives_the_brokers_two_days_and_serves_every_login_in_them(
    client: FlaskClient,
) -> None:
    """KB69: a temporary passcode gives full access for 2 days; it is a passcode for those days, not a
    one-time code, so each login in them takes it again."""
    made = client.post("/admin/v1/users", json={"username": "tess", "password": PASSWORD}, headers=ADMIN)
    assert made.status_code == 201, made.get_json()
    frozen = client.post("/admin/v1/clock", json={"freeze": True}, headers=ADMIN)  # no second passes unseen
    assert frozen.status_code == 200, frozen.get_json()
    now = frozen.get_json()["now"]
    issued = client.post("/admin/v1/users/tess/devices", json={"type": "temporary"}, headers=ADMIN).get_json()
    assert issued["expires_at"] - now == 2 * 86400
    for at in (now, now + 86400, issued["expires_at"] - 1):
        _to(client, at)
        started = _start(client)
        assert started.status_code == 200, started.get_json()
        assert _verify(client, started.get_json(), issued["passcode"]).status_code == 200
    _to(client, issued["expires_at"])
    assert _start(client).get_json()["error"] == "no_second_factor"

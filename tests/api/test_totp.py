"""The TOTP authenticator app end to end, through the admin API and the login API.

The expected codes come from pyotp fed with what enrolment handed out (``secret_b32`` and the settings),
at the server's time as ``GET /admin/v1/clock`` tells it: the same thing a test in another language would
do with its own TOTP library. Time is frozen mid-step with freezegun and moved with ``/admin/v1/clock``,
so no test depends on where in a 30 s step the wall clock happens to be.
"""

from __future__ import annotations

import hashlib
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from conftest import move_clock
from flask.testing import FlaskClient
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

from sls_server.store import Store, connect, keys

PASSWORD = "Quiet-Lantern-Totp-42"
#: 2030-01-01 12:00:15 UTC: 15 s into a 30 s step (and into a 60 s one), far from either edge.
MID_STEP = "2030-01-01 12:00:15"


@pytest.fixture
def frozen() -> Iterator[FrozenDateTimeFactory]:
    with freeze_time(MID_STEP) as factory:
        yield factory


def make_user(client: FlaskClient, headers: dict[str, str], username: str = "tina") -> str:
    created = client.post(
        "/admin/v1/users", json={"username": username, "password": PASSWORD}, headers=headers
    )
    assert created.status_code == 201, created.get_json()
    return username


def enrol_totp(client: FlaskClient, headers: dict[str, str], username: str, **params: Any) -> dict[str, Any]:
    enrolled = client.post(
        f"/admin/v1/users/{username}/devices", json={"type": "totp", **params}, headers=headers
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    return enrolled.get_json()  # type: ignore[no-any-return]


def server_now(client: FlaskClient, headers: dict[str, str]) -> int:
    return int(client.get("/admin/v1/clock", headers=headers).get_json()["now"])


def app_code(device: dict[str, Any], at: int) -> str:
    """What a phone app shows, computed by pyotp from what the admin was handed at enrolment."""
    return pyotp.TOTP(
        device["secret_b32"],
        digits=device["digits"],
        digest=getattr(hashlib, device["algorithm"]),
        interval=device["period"],
    ).at(at)


def start_login(client: FlaskClient, username: str) -> dict[str, Any]:
    started = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert started.status_code == 200, started.get_json()
    return started.get_json()  # type: ignore[no-any-return]


def log_in_with(client: FlaskClient, username: str, code: str, **extra: Any):  # type: ignore[no-untyped-def]
    started = start_login(client, username)
    return client.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": code}, **extra)


@pytest.fixture(name="tina")
def tina_with_an_app(
    client: FlaskClient, admin_headers: dict[str, str], frozen: FrozenDateTimeFactory
) -> dict[str, Any]:
    """A user whose only second factor is a default TOTP app; the enrolment answer. Another module takes it
    by importing ``tina_with_an_app``."""
    return enrol_totp(client, admin_headers, make_user(client, admin_headers))


def assert_refused(response: Any) -> None:
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"] == "invalid_response"


def assert_replayed(response: Any) -> None:
    """The right code of a step used already (or older than one used): 409, no attempt spent."""
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"] == "challenge_used"


# --- enrolment ---------------------------------------------------------------------------------------------


def test_enrolment_hands_out_the_uri_secret_and_qr_code_once(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any], redis_url: str
) -> None:
    assert tina["type"] == "totp" and tina["status"] == "active"
    assert (tina["digits"], tina["algorithm"], tina["period"]) == (6, "sha1", 30)
    uri = urlsplit(tina["otpauth_uri"])
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/sls-emulator:tina")
    query = parse_qs(uri.query)
    assert query["secret"] == [tina["secret_b32"]]
    assert (query["algorithm"], query["digits"], query["period"]) == (["SHA1"], ["6"], ["30"])
    assert len(pyotp.TOTP(tina["secret_b32"]).byte_secret()) == 20
    assert tina["qr_svg"].startswith("<svg")
    assert ET.fromstring(tina["qr_svg"]).tag == "{http://www.w3.org/2000/svg}svg"

    listed = client.get("/admin/v1/users/tina/devices", headers=admin_headers).get_json()["devices"]
    assert [d["device_id"] for d in listed] == [tina["device_id"]]
    assert not {"secret_b32", "otpauth_uri", "qr_svg"} & set(listed[0])

    raw = connect(redis_url).hgetall(keys.device(tina["device_id"]))
    secret = pyotp.TOTP(tina["secret_b32"]).byte_secret()
    dump = json.dumps(raw)
    assert tina["secret_b32"] not in dump and secret.hex() not in dump


@pytest.mark.parametrize(
    ("params", "key_bytes"), [({"algorithm": "sha256", "digits": 8}, 32), ({"algorithm": "sha512"}, 64)]
)
def test_stronger_settings_enrol_and_log_in(
    client: FlaskClient,
    admin_headers: dict[str, str],
    frozen: FrozenDateTimeFactory,
    params: dict[str, Any],
    key_bytes: int,
) -> None:
    device = enrol_totp(client, admin_headers, make_user(client, admin_headers), period=60, **params)
    assert (device["algorithm"], device["digits"], device["period"]) == (
        params["algorithm"],
        params.get("digits", 6),
        60,
    )
    query = parse_qs(urlsplit(device["otpauth_uri"]).query)
    assert query["algorithm"] == [params["algorithm"].upper()] and query["period"] == ["60"]
    assert len(pyotp.TOTP(device["secret_b32"]).byte_secret()) == key_bytes

    started = start_login(client, "tina")
    assert started["factor"] == {
        "type": "totp",
        "device_id": device["device_id"],
        "digits": device["digits"],
        "period": 60,
    }
    code = app_code(device, server_now(client, admin_headers))
    verified = client.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": code})
    assert verified.status_code == 200, verified.get_json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("digits", 7),
        ("digits", 10),
        ("digits", "6"),
        ("digits", True),
        ("algorithm", "md5"),
        ("algorithm", 256),
        ("period", 14),
        ("period", 121),
        ("period", "30"),
        ("period", 30.5),
    ],
)
def test_bad_enrolment_settings_are_refused_by_name(
    client: FlaskClient, admin_headers: dict[str, str], field: str, value: Any
) -> None:
    make_user(client, admin_headers)
    refused = client.post(
        "/admin/v1/users/tina/devices", json={"type": "totp", field: value}, headers=admin_headers
    )
    assert refused.status_code == 400, refused.get_json()
    assert refused.get_json()["error"] == "invalid_request"
    assert refused.get_json()["field"] == field
    assert client.get("/admin/v1/users/tina/devices", headers=admin_headers).get_json()["devices"] == []


@pytest.mark.parametrize("period", [15, 120])
def test_period_limits_are_inclusive(
    client: FlaskClient, admin_headers: dict[str, str], frozen: FrozenDateTimeFactory, period: int
) -> None:
    device = enrol_totp(client, admin_headers, make_user(client, admin_headers), period=period)
    assert device["period"] == period


# --- login -------------------------------------------------------------------------------------------------


def test_the_code_the_app_shows_logs_in(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    started = start_login(client, "tina")
    assert started["factor"] == {"type": "totp", "device_id": tina["device_id"], "digits": 6, "period": 30}
    assert [f["type"] for f in started["factors"]] == ["totp"]
    code = app_code(tina, server_now(client, admin_headers))
    verified = client.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": code})
    assert verified.status_code == 200, verified.get_json()
    token = verified.get_json()["session"]["token"]
    session = client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert session["username"] == "tina" and session["factor"] == "totp"

    events = client.get("/admin/v1/events?user=tina", headers=admin_headers).get_json()["events"]
    assert "login.succeeded" in [e["type"] for e in events]
    assert code not in json.dumps(events) and tina["secret_b32"] not in json.dumps(events)


def test_a_used_code_is_refused_in_a_new_login(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    code = app_code(tina, server_now(client, admin_headers))
    assert log_in_with(client, "tina", code).status_code == 200
    assert_replayed(log_in_with(client, "tina", code))


def test_the_next_step_is_accepted_after_a_login(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    assert log_in_with(client, "tina", app_code(tina, server_now(client, admin_headers))).status_code == 200
    later = move_clock(client, admin_headers, 30)
    assert log_in_with(client, "tina", app_code(tina, later)).status_code == 200


@pytest.mark.parametrize("steps", [-1, 1])
def test_one_step_of_drift_either_way_is_accepted(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any], steps: int
) -> None:
    code = app_code(tina, server_now(client, admin_headers) + 30 * steps)
    assert log_in_with(client, "tina", code).status_code == 200


@pytest.mark.parametrize("steps", [-2, 2, -10])
def test_codes_further_off_are_refused(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any], steps: int
) -> None:
    now = server_now(client, admin_headers)
    assert_refused(log_in_with(client, "tina", app_code(tina, now + 30 * steps)))
    assert log_in_with(client, "tina", app_code(tina, now)).status_code == 200  # the device still works


def test_a_step_before_the_last_accepted_one_is_refused(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    """The step counter never moves back: after a code from a fast phone, the current step is spent too."""
    now = server_now(client, admin_headers)
    assert log_in_with(client, "tina", app_code(tina, now + 30)).status_code == 200
    assert_replayed(log_in_with(client, "tina", app_code(tina, now)))
    assert_replayed(log_in_with(client, "tina", app_code(tina, now - 30)))


def test_a_wrong_code_is_refused_with_the_attempts_left(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    code = app_code(tina, server_now(client, admin_headers))
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = log_in_with(client, "tina", wrong)
    assert_refused(refused)
    assert refused.get_json()["attempts_left"] >= 1
    assert log_in_with(client, "tina", code).status_code == 200  # a wrong guess spends no step


def test_an_eight_digit_app_refuses_the_six_digit_form_of_its_code(
    client: FlaskClient, admin_headers: dict[str, str], frozen: FrozenDateTimeFactory
) -> None:
    """8-digit and 6-digit codes are the same number mod 10^6, so the length itself must be checked."""
    device = enrol_totp(client, admin_headers, make_user(client, admin_headers), digits=8)
    code = app_code(device, server_now(client, admin_headers))
    assert_refused(log_in_with(client, "tina", code[-6:]))
    assert log_in_with(client, "tina", code).status_code == 200


def test_the_client_cannot_supply_the_time(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    """Only the server's clock counts: a code for an hour ago, with that hour claimed, is still refused."""
    past = server_now(client, admin_headers) - 3600
    started = start_login(client, "tina")
    refused = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": app_code(tina, past), "time": past},
        headers={"X-Client-Time": str(past)},
    )
    assert_refused(refused)


def test_moving_the_server_clock_moves_the_expected_code(
    client: FlaskClient, admin_headers: dict[str, str], tina: dict[str, Any]
) -> None:
    before = server_now(client, admin_headers)
    after = client.post("/admin/v1/clock", json={"advance_s": 3600}, headers=admin_headers).get_json()["now"]
    assert_refused(log_in_with(client, "tina", app_code(tina, before)))
    assert log_in_with(client, "tina", app_code(tina, after)).status_code == 200


# --- the replay guard in Redis ------------------------------------------------------------------------------


def test_racing_accepts_of_one_step_have_one_winner(tina: dict[str, Any], redis_url: str) -> None:
    repo = Store.from_url(redis_url).totp
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def accept() -> None:
        barrier.wait()
        results.append(repo.accept_step(tina["device_id"], 1000))

    threads = [threading.Thread(target=accept) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert repo.last_step(tina["device_id"]) == 1000
    assert repo.accept_step(tina["device_id"], 999) is False
    assert repo.accept_step(tina["device_id"], 1001) is True


def test_a_missing_device_accepts_no_step_and_is_not_recreated(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    client, repo = store.client, store.totp
    assert repo.accept_step("totp-gone", 5) is False
    assert not client.exists(keys.device("totp-gone"))

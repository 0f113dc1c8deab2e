"""``SLS_IP_REFUSAL=silent``: a login from outside the user's IP allowlist is answered as a wrong password for
the name would be (ASVS 5.0 6.3.8: no enumeration by message, status or timing), its password never judged,
and counted in the user's decoy bucket, so an outsider meets the same locks as at any name while the user
inside the list logs in all the same. ``explicit`` (the default) is covered by ``test_ip_restrictions.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, move_clock, trail
from flask.testing import FlaskClient
from ibkey_world import PASSWORD, PHONES, World
from werkzeug.test import TestResponse

from sls_server import create_app
from sls_server.store import keys

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
OUTSIDE, INSIDE = "203.0.113.5", "10.1.2.3"
WRONG = "not-the-password-at-all"
#: What differs between any two answers, whoever asked: this request's id.
PER_REQUEST = {"X-Request-Id", "Date"}


@pytest.fixture
def silent(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "IP_REFUSAL": "silent", "IP_THROTTLE_LIMIT": 1000}).test_client()


def fence(client: FlaskClient, username: str) -> None:
    put = client.put(
        f"/admin/v1/users/{username}/ip-allowlist", json={"ip_allowlist": ["10.0.0.0/8"]}, headers=ADMIN
    )
    assert put.status_code == 200, put.get_json()


def login(client: FlaskClient, username: str, password: str, ip: str = OUTSIDE) -> TestResponse:
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def answer(response: TestResponse) -> tuple[int, Any, list[tuple[str, str]]]:
    """Everything a client sees of an answer but what is this request's own."""
    headers = sorted((k, v) for k, v in response.headers.items() if k not in PER_REQUEST)
    return response.status_code, response.get_json(), headers


def three_names(client: FlaskClient, password: str) -> dict[str, Callable[[], TestResponse]]:
    """From one outside address: the right password at a fenced user, a wrong one at an unfenced user, any at
    a name that is no user."""
    fence(client, "alice")
    return {
        "outsider": lambda: login(client, "alice", password),
        "wrong password": lambda: login(client, "bobby", WRONG),
        "unknown name": lambda: login(client, "ghost", WRONG),
    }


def test_an_outsider_is_answered_as_a_wrong_password_and_an_unknown_name_are(
    silent: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = EnrolledUser(silent, ADMIN, "alice", "1234")
    EnrolledUser(silent, ADMIN, "bobby", "5678")
    doors = three_names(silent, alice.password)
    core = silent.application.extensions["sls"]
    hasher = core.users._hasher
    judged: list[str] = []
    dummies: list[str] = []
    real_verify, real_dummy = hasher.verify, hasher.dummy_verify
    monkeypatch.setattr(hasher, "verify", lambda pw, enc: judged.append(enc) or real_verify(pw, enc))
    monkeypatch.setattr(hasher, "dummy_verify", lambda pw: dummies.append(pw) or real_dummy(pw))

    seen = {door: [answer(attempt()) for _ in range(7)] for door, attempt in doors.items()}
    assert [status for status, _, _ in seen["outsider"]] == [401] * 5 + [423] * 2
    assert seen["outsider"][5][1]["retry_after"] == 60
    assert seen["outsider"] == seen["wrong password"] == seen["unknown name"]
    assert core.store.users.get("alice").password_hash not in judged, "the outsider's password never judged"
    assert sorted(dummies) == sorted([alice.password] * 5 + [WRONG] * 5), (
        "each outsider's attempt cost a dummy hash, as each unknown name's did"
    )

    move_clock(silent, ADMIN, 60)  # the locks end together, and the next ones wait longer alike
    again = {door: [answer(attempt()) for _ in range(6)] for door, attempt in doors.items()}
    assert again["outsider"] == again["wrong password"] == again["unknown name"]
    assert [status for status, _, _ in again["outsider"]] == [401] * 5 + [423]
    assert again["outsider"][5][1]["retry_after"] == 120


def test_racing_outsiders_lock_only_the_decoy_and_the_user_inside_still_logs_in(silent: FlaskClient) -> None:
    alice = EnrolledUser(silent, ADMIN, "alice", "1234")
    fence(silent, "alice")
    app = silent.application
    barrier = threading.Barrier(16)

    def outsider(n: int) -> str:
        own = app.test_client()
        if n < 16:
            barrier.wait()
        return str(login(own, "alice", alice.password if n % 2 else WRONG).get_json()["error"])

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(outsider, range(48)))
    assert codes.count("invalid_credentials") == 5, codes  # exactly the threshold, as at any name
    assert codes.count("account_locked") + codes.count("rate_limited") == 43  # locked, or asked to wait
    assert login(silent, "alice", alice.password).get_json()["error"] == "account_locked"

    status = silent.get("/admin/v1/users/alice/lockout", headers=ADMIN).get_json()
    assert status["locked"] is False, "the decoy's lock is not the user's"
    assert status["buckets"]["outside"]["locked"] is True
    assert status["buckets"].get("all", {"failures": 0})["failures"] == 0
    silent.environ_base["REMOTE_ADDR"] = INSIDE
    alice.log_in()  # the right password and the card from inside the list: in, whatever the flood

    # the trail says what happened, once per window
    rejected = trail(silent, ADMIN, "ip.rejected", limit=1000)
    assert [(e["user"], e["ip"], e["result"]) for e in rejected] == [("alice", OUTSIDE, "login_refused")]
    assert trail(silent, ADMIN, "login.password_failed", limit=1000) == [], (
        "no password was judged, so none failed"
    )
    move_clock(silent, ADMIN, 60)  # the flood window closes: its count arrives as a summary
    summaries = [
        e for e in trail(silent, ADMIN, "events.summary", limit=1000) if e["detail"]["type"] == "ip.rejected"
    ]
    assert [s["detail"]["count"] for s in summaries] == [49]
    raw = silent.get("/admin/v1/events?limit=1000", headers=ADMIN).get_data(as_text=True)
    assert alice.password not in raw and WRONG not in raw


def test_the_decoy_is_cleared_with_the_user_s_lock_and_with_the_user(silent: FlaskClient) -> None:
    EnrolledUser(silent, ADMIN, "alice", "1234")
    fence(silent, "alice")
    assert [login(silent, "alice", WRONG).status_code for _ in range(6)] == [401] * 5 + [423]
    assert silent.post("/admin/v1/users/alice/unlock", headers=ADMIN).status_code == 200
    assert login(silent, "alice", WRONG).status_code == 401
    store = silent.application.extensions["sls"].store
    assert store.client.exists(keys.lockout("alice", "outside"))
    assert silent.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    assert not store.client.exists(keys.lockout("alice", "outside"))


def test_the_ib_key_app_s_password_screens_follow_the_setting(silent: FlaskClient) -> None:
    world = World(silent, ADMIN)
    for name in ("alice", "bob"):
        world.user(name)
        fence(silent, name)
    enrolled = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    silent.environ_base["REMOTE_ADDR"] = OUTSIDE
    body = {"username": "alice", "activation_code": code, "pin": "12ab"}
    right = silent.post(f"/sim/v1/ibkey/{enrolled}/activate", json={**body, "password": PASSWORD})
    wrong = silent.post(f"/sim/v1/ibkey/{enrolled}/activate", json={**body, "password": WRONG})
    world.user("carol")  # no list: a wrong password there is what the outsider must be told
    carol = silent.post(
        f"/sim/v1/ibkey/{enrolled}/activate", json={**body, "username": "carol", "password": WRONG}
    )
    assert answer(right)[:2] == answer(wrong)[:2] == answer(carol)[:2] == (401, answer(carol)[1])
    assert right.get_json()["error"] == "invalid_credentials"

    silent.environ_base["REMOTE_ADDR"] = INSIDE
    assert world.activate(enrolled, "alice", code, pin="12ab").status_code == 200  # the code was not spent
    silent.environ_base["REMOTE_ADDR"] = OUTSIDE
    added = silent.post(f"/sim/v1/ibkey/{enrolled}/users", json={"username": "bob", "password": PASSWORD})
    assert added.status_code == 401 and added.get_json()["error"] == "invalid_credentials"
    silent.environ_base["REMOTE_ADDR"] = INSIDE
    added = silent.post(f"/sim/v1/ibkey/{enrolled}/users", json={"username": "bob", "password": PASSWORD})
    assert added.status_code == 201, added.get_json()


def test_with_known_addresses_an_outsider_never_counts_against_the_user_s_new_addresses(
    app_config: dict[str, Any],
) -> None:
    """SLS_LOCKOUT_KNOWN_IPS keeps addresses the user never logged in from in one bucket (``other``): an
    outsider's attempts must not land there either, or a flood from outside would lock the user out of every
    new address inside the list."""
    client = create_app({**app_config, "IP_REFUSAL": "silent", "LOCKOUT_KNOWN_IPS": True}).test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    fence(client, "alice")
    assert [login(client, "alice", WRONG).status_code for _ in range(6)] == [401] * 5 + [423]
    client.environ_base["REMOTE_ADDR"] = INSIDE  # an address inside the list she never logged in from
    alice.log_in()

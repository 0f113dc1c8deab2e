"""Failed-login lockout: threshold, growing waits, permanent locks, no oracle while locked, per-address
throttling, the known-address mitigation, and per-authenticator disabling."""

from __future__ import annotations

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, move_clock, trail
from json_error_kit import told_to_wait

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _login(user: EnrolledUser, password: str | None = None, ip: str = "198.51.100.7"):
    return user.client.post(
        "/api/v1/auth/login",
        json={"username": user.username, "password": password or user.password},
        environ_base={"REMOTE_ADDR": ip},
    )


def _fail(user: EnrolledUser, times: int, ip: str = "198.51.100.7") -> list[int]:
    return [_login(user, "wrong-password-here", ip).status_code for _ in range(times)]


def _app(app_config, **extra):
    return create_app({**app_config, **extra}).test_client()


def test_threshold_locks_and_even_the_right_password_is_refused(alice: EnrolledUser, monkeypatch) -> None:
    assert _fail(alice, 5) == [401] * 5
    hasher = alice.client.application.extensions["sls"].users._hasher
    calls: list[str] = []
    real_verify = hasher.verify
    monkeypatch.setattr(hasher, "verify", lambda pw, enc: calls.append(pw) or real_verify(pw, enc))
    locked = _login(alice)
    wrong = _login(alice, "wrong-password-here")
    assert locked.status_code == wrong.status_code == 423
    assert locked.data == wrong.data  # no oracle: right and wrong password answer alike
    assert locked.get_json() == {
        "error": "account_locked",
        "retry_after": 60,
        "message": locked.get_json()["message"],
    }
    assert calls == []  # the password was not even checked
    assert locked.headers["Retry-After"] == "60", "the body's wait as RFC 9110's header too"
    assert [e["user"] for e in trail(alice.client, ADMIN, "account.locked", limit=1000)] == ["alice"]


def test_lock_expires_and_each_lock_waits_longer(alice: EnrolledUser) -> None:
    _fail(alice, 5)
    move_clock(alice.client, ADMIN, 59)
    assert _login(alice).status_code == 423
    move_clock(alice.client, ADMIN, 1)
    assert _fail(alice, 5) == [401] * 5  # a fresh count after the lock
    assert _login(alice).get_json()["retry_after"] == 120
    move_clock(alice.client, ADMIN, 120)
    assert _login(alice).status_code == 200


@pytest.mark.parametrize("fresh_start", ["completed_login", "admin_unlock"])
def test_a_completed_login_or_the_admin_s_unlock_starts_the_waits_again(
    alice: EnrolledUser, fresh_start: str
) -> None:
    """The lock history goes with the failures: after a completed login (the owner, with both factors) or
    the admin's unlock, the next lock waits the first increment again, as if none had come before."""
    _fail(alice, 5)
    if fresh_start == "completed_login":
        move_clock(alice.client, ADMIN, 60)
        alice.log_in()
    else:
        alice.client.post(f"/admin/v1/users/{alice.username}/unlock", headers=ADMIN)
    _fail(alice, 5)
    assert _login(alice).get_json()["retry_after"] == 60


def test_waits_stop_growing_at_max_wait(app_config) -> None:
    client = _app(app_config, LOCKOUT_WAIT_INCREMENT=100, LOCKOUT_MAX_WAIT=250, IP_THROTTLE_LIMIT=1000)
    user = EnrolledUser(client, ADMIN, "walt", "1234")
    waits = []
    for _ in range(4):
        _fail(user, 5)
        waits.append(_login(user).get_json()["retry_after"])
        move_clock(client, ADMIN, waits[-1])
    assert waits == [100, 200, 250, 250]


def test_a_completed_login_forgets_failures_but_a_right_password_alone_does_not(alice: EnrolledUser) -> None:
    _fail(alice, 4)
    alice.log_in()
    assert _fail(alice, 4) == [401] * 4
    assert _login(alice).status_code == 200  # right password, second factor never given
    assert _fail(alice, 1) == [401]
    assert _login(alice).status_code == 423


def test_permanent_lock_needs_an_admin(app_config) -> None:
    client = _app(app_config, LOCKOUT_PERMANENT_AFTER=2)
    user = EnrolledUser(client, ADMIN, "pat", "1234")
    _fail(user, 5)
    move_clock(client, ADMIN, 60)
    _fail(user, 5)
    locked = _login(user)
    assert locked.status_code == 423 and "retry_after" not in locked.get_json()
    assert "Retry-After" not in locked.headers, "only an admin lifts it: no wait to give"
    move_clock(client, ADMIN, 30 * 86400)
    assert _login(user).status_code == 423
    status = client.get("/admin/v1/users/pat/lockout", headers=ADMIN).get_json()
    assert status["locked"] is True and status["buckets"]["all"]["permanent"] is True
    assert client.post("/admin/v1/users/pat/unlock", headers=ADMIN).get_json()["locked"] is False
    assert _login(user).status_code == 200
    assert [e["user"] for e in trail(client, ADMIN, "account.unlocked", limit=1000)] == ["pat"]


def test_unknown_users_lock_the_same_way(client) -> None:
    answers = [
        client.post(
            "/api/v1/auth/login", json={"username": "ghost", "password": "whatever-it-is"}
        ).status_code
        for _ in range(6)
    ]
    assert answers == [401] * 5 + [423]


def _hold_every_attempt(client, username: str) -> list[str]:
    """Five logins of ``username`` being checked right now: every attempt the threshold leaves, in flight."""
    core = client.application.extensions["sls"]
    held = [f"in-flight-{n}" for n in range(5)]
    for attempt_id in held:
        reserved = core.store.lockout.reserve(
            username, "all", now=core.clock.now(), threshold=5, attempt_id=attempt_id
        )
        assert reserved[0] == "ok"
    return held


def test_a_right_password_waits_for_the_attempts_in_flight_then_goes_through(app_config, monkeypatch) -> None:
    """A burst of logins can hold every attempt the threshold leaves. The next one pauses and asks again; once
    those have settled (here: handed back as right passwords are, during its first pause) it goes through."""
    client = _app(app_config)
    user = EnrolledUser(client, ADMIN, "ivy", "1234")
    held = _hold_every_attempt(client, "ivy")
    store = client.application.extensions["sls"].store
    pauses: list[float] = []

    def settle_them(seconds: float) -> None:
        pauses.append(seconds)
        for attempt_id in held:
            store.lockout.release("ivy", "all", attempt_id=attempt_id)

    monkeypatch.setattr("sls_server.auth.lockout._pause", settle_them)
    assert _login(user).status_code == 200
    assert len(pauses) == 1


def test_while_the_last_attempts_stay_in_flight_a_login_is_asked_to_retry_not_told_locked(
    app_config, monkeypatch
) -> None:
    """Still busy after every pause: 429 with a second to wait, never 423 (the account is not locked), and the
    address is not charged for it (users behind one gateway would otherwise throttle themselves out)."""
    client = _app(app_config, IP_THROTTLE_LIMIT=1, IP_THROTTLE_WINDOW=60)
    user = EnrolledUser(client, ADMIN, "ivy", "1234")
    held = _hold_every_attempt(client, "ivy")
    pauses: list[float] = []
    monkeypatch.setattr("sls_server.auth.lockout._pause", pauses.append)
    for _ in range(2):
        busy = _login(user)
        assert told_to_wait(busy, 1) == 1
        assert "being checked right now" in busy.get_json()["message"]
    assert 0.5 <= sum(pauses) / 2 <= 1.0, "each waited about half a second in all before giving up"
    status = client.get("/admin/v1/users/ivy/lockout", headers=ADMIN).get_json()
    assert status["locked"] is False
    assert all(bucket["failures"] == 0 for bucket in status["buckets"].values())
    assert {e["result"] for e in trail(client, ADMIN, "login.refused", limit=1000)} == {"busy"}
    store = client.application.extensions["sls"].store
    for attempt_id in held:
        store.lockout.release("ivy", "all", attempt_id=attempt_id)
    assert _login(user).status_code == 200, "two refusals did not use up the address's one attempt"


def test_per_address_throttle_across_accounts(app_config) -> None:
    client = _app(app_config, IP_THROTTLE_LIMIT=3, IP_THROTTLE_WINDOW=60)
    user = EnrolledUser(client, ADMIN, "ivy", "1234")
    for name in ("amy", "ben", "cal"):
        refused = client.post(
            "/api/v1/auth/login",
            json={"username": name, "password": "stuffed-password"},
            environ_base={"REMOTE_ADDR": "203.0.113.66"},
        )
        assert refused.status_code == 401
    told_to_wait(_login(user, ip="203.0.113.66"), 60)
    assert _login(user, ip="198.51.100.1").status_code == 200  # another address is not affected
    move_clock(client, ADMIN, 61)
    assert _login(user, ip="203.0.113.66").status_code == 200


def test_right_passwords_do_not_use_up_the_address_window(app_config) -> None:
    client = _app(app_config, IP_THROTTLE_LIMIT=2)
    user = EnrolledUser(client, ADMIN, "joe", "1234")
    assert [_login(user).status_code for _ in range(5)] == [200] * 5


def test_attempts_an_allowlist_refuses_count_in_the_address_window(app_config) -> None:
    """The window is reserved with the read of the user (one round trip), before the allowlist judges: a
    wrong address keeps its 403 (the allowlist is judged first) but spends its window, so the same address
    is then throttled at another account too, without ever learning whether a password was right."""
    client = _app(app_config, IP_THROTTLE_LIMIT=3, IP_THROTTLE_WINDOW=60)
    fenced = EnrolledUser(client, ADMIN, "liz", "1234")
    put = {"ip_allowlist": ["192.0.2.0/24"]}
    assert client.put("/admin/v1/users/liz/ip-allowlist", json=put, headers=ADMIN).status_code == 200
    other = EnrolledUser(client, ADMIN, "max", "5678")
    assert [_login(fenced, ip="203.0.113.5").status_code for _ in range(4)] == [403] * 4
    assert _login(other, ip="203.0.113.5").status_code == 429
    assert _login(other, ip="198.51.100.9").status_code == 200


def test_known_address_mitigation(app_config) -> None:
    client = _app(app_config, LOCKOUT_KNOWN_IPS=True)
    user = EnrolledUser(client, ADMIN, "kim", "1234")
    started = _login(user, ip="192.0.2.10").get_json()
    assert (
        user.verify(started["txn_id"], user.card_response(started["factor"]["challenge"])).status_code == 200
    )
    assert _fail(user, 5, ip="203.0.113.99") == [401] * 5
    assert _login(user, ip="203.0.113.99").status_code == 423  # strangers are locked out...
    assert _login(user, ip="192.0.2.10").status_code == 200  # ...the user's usual address is not


def test_known_address_mitigation_is_off_by_default(alice: EnrolledUser) -> None:
    started = _login(alice, ip="192.0.2.10").get_json()
    alice.verify(started["txn_id"], alice.card_response(started["factor"]["challenge"]))
    _fail(alice, 5, ip="203.0.113.99")
    assert _login(alice, ip="192.0.2.10").status_code == 423


def _wrong(user: EnrolledUser, started: dict) -> str:
    right = user.card_response(started["factor"]["challenge"])
    return f"{(int(right) + 1) % 10**8:08d}"


def test_ten_wrong_responses_in_a_row_disable_the_card(alice: EnrolledUser, enrol) -> None:
    codes = []
    while len(codes) < 10:
        started = alice.start_login()
        for _ in range(min(3, 10 - len(codes))):
            codes.append(alice.verify(started["txn_id"], _wrong(alice, started)).status_code)
    assert codes == [401] * 9 + [423]
    assert [e["device_id"] for e in trail(alice.client, ADMIN, "device.locked", limit=1000)] == [
        alice.device_id
    ]
    blocked = alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    assert blocked.status_code == 423 and blocked.get_json()["error"] == "device_locked"

    second = alice.client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "5555"}, headers=ADMIN
    ).get_json()
    offered = alice.start_login()
    assert (
        offered["factor"]["device_id"] == second["device_id"]
    )  # the account stays usable with another factor
    assert [f["device_id"] for f in offered["factors"]] == [second["device_id"]]

    unlocked = alice.client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN).get_json()
    assert unlocked["factor_locked"] is False and unlocked["factor_failures"] == 0


def test_asking_for_a_disabled_card_says_it_is_disabled_not_that_there_is_none(alice: EnrolledUser) -> None:
    """With the card disabled and an authenticator app to log in with, asking for the card named no card at
    all ("no usable authenticator of that type")."""
    app = alice.client.post("/admin/v1/users/alice/devices", json={"type": "totp"}, headers=ADMIN)
    assert app.status_code == 201, app.get_json()
    while not trail(alice.client, ADMIN, "device.locked", limit=1000):
        started = alice.start_login()
        if started["factor"]["type"] != "dscplus":
            break
        for _ in range(3):
            alice.verify(started["txn_id"], _wrong(alice, started))
    started = alice.start_login()
    assert started["factor"]["type"] == "totp"
    asked = alice.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "dscplus"},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert asked.status_code == 400 and asked.get_json()["field"] == "type", asked.get_json()
    assert "disabled after too many wrong responses" in asked.get_json()["message"]
    assert alice.device_id in asked.get_json()["message"]
    never = alice.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "sms"},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert never.get_json()["message"] == "the user has no usable authenticator of that type"


def test_a_right_response_resets_the_card_count(alice: EnrolledUser) -> None:
    for _ in range(3):
        started = alice.start_login()
        for _ in range(3):
            alice.verify(started["txn_id"], _wrong(alice, started))
    alice.log_in()
    device = alice.client.get("/admin/v1/users/alice/devices", headers=ADMIN).get_json()["devices"][0]
    assert device["factor_failures"] == 0


def test_disabled_user_is_refused_and_sessions_end(alice: EnrolledUser) -> None:
    token = alice.log_in()
    disabled = alice.client.post("/admin/v1/users/alice/disable", headers=ADMIN).get_json()
    assert disabled == {"username": "alice", "disabled": True, "sessions_ended": 1}
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    refused = _login(alice)
    assert refused.status_code == 403 and refused.get_json()["error"] == "account_disabled"
    assert "disabled" in refused.get_json()["message"] and "retry_after" not in refused.get_json()
    alice.client.post("/admin/v1/users/alice/enable", headers=ADMIN)
    assert _login(alice).status_code == 200


def test_a_disabled_account_tells_only_whoever_knows_its_password(alice: EnrolledUser) -> None:
    """ASVS 6.3.8: "disabled" for any password told a stranger the name is an account; a wrong password
    gets what a wrong password for an unknown name gets."""
    alice.client.post("/admin/v1/users/alice/disable", headers=ADMIN)
    guessed = alice.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "not-hers-at-all-9"}
    )
    nobody = alice.client.post(
        "/api/v1/auth/login", json={"username": "nobody-at-all", "password": "not-hers-at-all-9"}
    )
    assert guessed.status_code == nobody.status_code == 401
    assert guessed.get_json() == nobody.get_json()
    right = _login(alice)
    assert right.status_code == 403 and right.get_json()["error"] == "account_disabled"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("LOCKOUT_THRESHOLD", 101),
        ("LOCKOUT_THRESHOLD", 0),
        ("DEVICE_FAILURE_LIMIT", 101),
        ("LOCKOUT_MAX_WAIT", 10),
    ],
)
def test_config_refuses_unsafe_lockout_settings(app_config, key, value) -> None:
    from sls_server.errors import InvalidConfig

    with pytest.raises(InvalidConfig, match=f"SLS_{key}"):
        create_app({**app_config, key: value, "LOCKOUT_WAIT_INCREMENT": 60})

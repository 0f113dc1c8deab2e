"""A forgotten password (``/api/v1/auth/recovery``, ASVS 5.0 6.4.3: a reset never bypasses the multi-factor
authentication): a code to the account's phone, then the second factor on another authenticator, then the
new password; the same start for any name; the phone alone (SMS or voice only, a swapped SIM) never resets
it."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import trail, words
from flask.testing import FlaskClient
from ibkey_world import PHONES, UNLOCK, World
from json_error_kit import told_to_wait
from recovery_kit import ADMIN, NEW, PHONE, Rose

from sls_server import create_app
from sls_server.auth.recovery_codes import token_digest
from sls_server.store import Store


@pytest.fixture
def rose(client: FlaskClient) -> Rose:
    return Rose(client)


def test_code_then_card_then_a_new_password_that_logs_in(rose: Rose) -> None:
    session = rose.log_in()
    token = rose.start()
    text = next(m["text"] for m in rose.texts() if m["purpose"] == "password_recovery")
    assert "reset your password" in text
    step = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()})
    assert step.status_code == 200, step.get_json()
    body = step.get_json()
    assert body["state"] == "second_factor" and body["factor"]["type"] == "dscplus"
    assert [f["type"] for f in body["factors"]] == ["dscplus"]
    early = rose.post("/password", {"recovery_token": token, "new_password": NEW})
    assert early.status_code == 401 and early.get_json()["error"] == "reauth_required"
    verified = rose.post(
        "/verify", {"recovery_token": token, "response": rose.card_response(body["factor"]["challenge"])}
    )
    assert verified.status_code == 200 and verified.get_json()["state"] == "verified", verified.get_json()
    done = rose.post("/password", {"recovery_token": token, "new_password": NEW})
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"state": "changed", "username": "rose", "sessions_ended": 1, "logins_ended": 0}
    assert (
        rose.client.get("/api/v1/session", headers={"Authorization": f"Bearer {session}"}).status_code == 401
    )
    again = rose.post("/password", {"recovery_token": token, "new_password": "Another-Lantern-77"})
    assert again.status_code == 401  # spent
    old = rose.client.post("/api/v1/auth/login", json={"username": "rose", "password": rose.password})
    assert old.status_code == 401
    rose.password = NEW
    rose.log_in()
    [changed] = rose.events("user.password_changed")
    assert changed["detail"] == {"by": "recovery"}
    assert any(
        "password on your account was reset" in m["text"] for m in rose.texts() if m["purpose"] == "notice"
    )
    assert len(rose.events("password_recovery.verified")) == 1
    [killed] = rose.events("session.killed")  # the feed says a password reset ended it, not an administrator
    assert killed["detail"]["ended_by"] == "password_recovery", killed
    notices = [e["detail"] for e in rose.events("sms.sent") if e["detail"]["purpose"] == "notice"]
    assert notices[-1]["notice"] == "password_reset", notices


def test_the_trail_tells_the_reset_asked_for_before_its_code_texted(rose: Rose) -> None:
    """As a login's challenge comes before the text that carried its code: the feed read "Password reset code
    texted" above "Password reset asked for", the reverse of what happened."""
    rose.start()
    told = [
        e["type"]
        for e in trail(rose.client, ADMIN, user="rose", limit=1000)
        if e["type"] == "password_recovery.started"
        or (e["type"] == "sms.sent" and e["detail"]["purpose"] == "password_recovery")
    ]
    assert told == ["password_recovery.started", "sms.sent"]


def test_the_start_says_nothing_about_the_name(rose: Rose) -> None:
    """A user, a name no user has, a user without a phone: the same answer, and every code wrong alike."""
    rose.client.post(
        "/admin/v1/users", json={"username": "ned", "password": "Correct-Horse-3-Battery"}, headers=ADMIN
    )
    answers = {name: rose.post("", {"username": name}) for name in ("rose", "nobody", "ned")}
    assert {a.status_code for a in answers.values()} == {200}
    shapes = {name: sorted(a.get_json()) for name, a in answers.items()}
    assert shapes["rose"] == shapes["nobody"] == shapes["ned"] == ["expires_at", "recovery_token", "state"]
    for name, answer in answers.items():
        token = answer.get_json()["recovery_token"]
        wrong = rose.post("/code", {"recovery_token": token, "code": "000000"})
        assert (wrong.status_code, wrong.get_json()["attempts_left"]) == (401, 4), name
    assert rose.post("", {"username": "not a name!"}).get_json()["field"] == "username"


def test_five_wrong_codes_end_it(rose: Rose) -> None:
    token = rose.start()
    right = rose.recovery_code()
    wrong = "000000" if right != "000000" else "111111"
    left = [
        rose.post("/code", {"recovery_token": token, "code": wrong}).get_json().get("attempts_left")
        for _ in range(5)
    ]
    assert left == [4, 3, 2, 1, 0]
    late = rose.post("/code", {"recovery_token": token, "code": right})
    assert late.status_code == 410 and late.get_json()["error"] == "challenge_expired"
    assert len(rose.events("password_recovery.code_failed")) == 5


def test_the_phone_alone_never_resets_a_password(client: FlaskClient) -> None:
    """An SMS-only user: the code proves the phone, and the phone is all there is; a swapped SIM would be
    the whole account. Client Services, then."""
    made = client.post(
        "/admin/v1/users",
        json={"username": "sam", "password": "Correct-Horse-3-Battery", "phone": PHONE},
        headers=ADMIN,
    )
    assert made.status_code == 201
    client.put(f"/sim/v1/phones/{PHONE}/conditions", json={"sim_swapped_to": "attacker"})
    token = client.post("/api/v1/auth/recovery", json={"username": "sam"}).get_json()["recovery_token"]
    stolen = next(m["code"] for m in client.get("/sim/v1/phones/attacker/messages").get_json()["messages"])
    refused = client.post("/api/v1/auth/recovery/code", json={"recovery_token": token, "code": stolen})
    assert refused.status_code == 403 and refused.get_json()["error"] == "client_services_required"
    gone = client.post("/api/v1/auth/recovery/code", json={"recovery_token": token, "code": stolen})
    assert gone.status_code == 410
    events = client.get("/admin/v1/events?type=password_recovery.refused", headers=ADMIN).get_json()["events"]
    assert [e["user"] for e in events] == ["sam"]


def test_a_weak_password_leaves_the_recovery_to_try_another(rose: Rose) -> None:
    token = rose.start()
    step = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()}).get_json()
    rose.post(
        "/verify", {"recovery_token": token, "response": rose.card_response(step["factor"]["challenge"])}
    )
    weak = rose.post("/password", {"recovery_token": token, "new_password": "password123!"})
    assert weak.status_code == 400 and weak.get_json()["error"] == "weak_password"
    assert rose.post("/password", {"recovery_token": token, "new_password": NEW}).status_code == 200


def test_a_wrong_card_response_counts_and_is_refused(rose: Rose) -> None:
    token = rose.start()
    step = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()}).get_json()
    wrong = rose.post("/verify", {"recovery_token": token, "response": "00000000"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_response"
    early = rose.post("/password", {"recovery_token": token, "new_password": NEW})
    assert early.status_code == 401
    right = rose.post(
        "/verify", {"recovery_token": token, "response": rose.card_response(step["factor"]["challenge"])}
    )
    assert right.get_json()["state"] == "verified"


def test_no_secret_reaches_the_trail(rose: Rose) -> None:
    token = rose.start()
    code = rose.recovery_code()
    step = rose.post("/code", {"recovery_token": token, "code": code}).get_json()
    rose.post(
        "/verify", {"recovery_token": token, "response": rose.card_response(step["factor"]["challenge"])}
    )
    rose.post("/password", {"recovery_token": token, "new_password": NEW})
    trail = rose.client.get("/admin/v1/events?limit=1000", headers=ADMIN).get_data(as_text=True)
    assert token not in trail and NEW not in trail
    assert code not in words(trail)


def test_an_ib_key_user_approves_the_recovery_in_the_app(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The step is a push the app shows as an identity check, polled with the token alone."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    token = client.post("/api/v1/auth/recovery", json={"username": "alice"}).get_json()["recovery_token"]
    code = next(
        m["code"]
        for m in client.get(f"/sim/v1/phones/{PHONES['alice']}/messages").get_json()["messages"]
        if m["purpose"] == "password_recovery"
    )
    step = client.post("/api/v1/auth/recovery/code", json={"recovery_token": token, "code": code}).get_json()
    assert (step["factor"]["type"], step["factor"]["mode"]) == ("ibkey", "push")
    pending = client.post("/api/v1/auth/recovery/verify", json={"recovery_token": token})
    assert pending.get_json() == {"state": "pending"}
    [note] = world.notifications(app)
    assert note["purpose"] == "password_recovery"
    assert world.approve(app, note, step["factor"]["match"], **UNLOCK["android"]).status_code == 200
    verified = client.post("/api/v1/auth/recovery/verify", json={"recovery_token": token}).get_json()
    assert verified["state"] == "verified"
    done = client.post("/api/v1/auth/recovery/password", json={"recovery_token": token, "new_password": NEW})
    assert done.status_code == 200, done.get_json()


def test_a_text_the_send_limit_refuses_is_not_sent_and_not_said(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """A 429 at the start would tell that the name is a user's with a phone: the answer stays the same."""
    client = create_app({**app_config, "SMS_SEND_LIMIT": 1}).test_client()
    rose = Rose(client)
    answers = [rose.post("", {"username": "rose"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.get_json()["recovery_token"] for a in answers}) == 3
    texts = [m for m in rose.texts() if m["purpose"] == "password_recovery"]
    assert len(texts) == 1
    assert rose.events("sms.rate_limited")
    store = Store.from_url(redis_url)
    kept = [store.recoveries.get(token_digest(a.get_json()["recovery_token"]))["digest"] for a in answers]
    assert kept[0] and kept[1:] == ["", ""]  # no code was sent for these, so none is kept to guess at


def test_the_trail_tells_the_reset_started_before_its_text_was_refused(app_config: dict[str, Any]) -> None:
    """A start whose text the send limit refuses: an auditor read the limit's ``sms.rate_limited`` above the
    ``password_recovery.started`` of the very start it refused, a limit on a recovery not yet begun."""
    client = create_app({**app_config, "SMS_SEND_LIMIT": 1}).test_client()
    rose = Rose(client)
    rose.start()
    rose.start()  # its text refused
    told = [
        e["type"]
        for e in trail(client, ADMIN, user="rose", limit=1000)
        if e["type"] in ("password_recovery.started", "sms.rate_limited")
        or (e["type"] == "sms.sent" and e["detail"]["purpose"] == "password_recovery")
    ]
    assert told == ["password_recovery.started", "sms.sent", "password_recovery.started", "sms.rate_limited"]


def test_from_outside_the_ip_restrictions_a_recovery_ends_at_the_code(rose: Rose) -> None:
    allow = rose.client.put(
        "/admin/v1/users/rose/ip-allowlist", json={"ip_allowlist": ["198.51.100.0/24"]}, headers=ADMIN
    )
    assert allow.status_code == 200
    token = rose.start()  # from 127.0.0.1: told nothing yet
    refused = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()})
    assert refused.status_code == 403 and refused.get_json()["error"] == "ip_restricted"
    assert rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()}).status_code == 410


def test_an_address_may_start_only_so_many_recoveries_whatever_the_names(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 2}).test_client()
    Rose(client)
    names = ["rose", "nobody", "rose"]
    answers = [client.post("/api/v1/auth/recovery", json={"username": n}) for n in names]
    assert [a.status_code for a in answers] == [200, 200, 429]
    told_to_wait(answers[2], 300)  # SLS_IP_THROTTLE_WINDOW's default
    elsewhere = client.post(
        "/api/v1/auth/recovery", json={"username": "rose"}, environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert elsewhere.status_code == 200

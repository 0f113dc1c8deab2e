"""The walk of a developer pointing a broker-login client at the emulator, every answer held to /openapi.json:
a login with each factor the demo world offers, a step-up with each (its token rotation), a withdrawal, the
user's own sessions, a logout; then the refusals such a client meets. ``Conformance`` checks each answer's
status, error code, schema (closed: a field the document does not name fails), headers and cookies, so a
drift between the server and the document fails here. The demo world is seeded as ``sls demo`` seeds it
(``contract_world``)."""

from __future__ import annotations

from typing import Any

import pytest
from contract_world import DemoWorld
from flask.testing import FlaskClient
from json_error_kit import told_to_wait
from spec_conformance import Conformance, closed, schema_errors, served_spec  # noqa: F401 - served_spec: "spec"


@pytest.fixture
def demo(client: FlaskClient, spec: dict[str, Any], admin_headers: dict[str, str]) -> DemoWorld:
    return DemoWorld(Conformance(client, spec), admin_headers)


#: Each demo user whose default factor is the one named, and the other users a seed needs first.
FACTORS = {
    "card-carl": (),
    "android-ann": (),
    "iphone-ivy": (),
    "sms-sam": (),
    "voice-vic": (),
    "totp-tom": (),
    "temp-tess": (),
    "shared-sid": ("shared-sue",),
}


@pytest.mark.parametrize("name", list(FACTORS))
def test_each_factor_of_the_demo_world_logs_in_as_the_document_says(demo: DemoWorld, name: str) -> None:
    demo.seed(*FACTORS[name], name)
    started = demo.start(name)
    assert demo.poll(started)["state"] == "pending"
    response = demo.answer(name, started["factor"])
    done = demo.poll(started) if response is None else demo.verify(started, response)
    assert done["state"] == "authenticated"
    bearer = {"Authorization": f"Bearer {done['session']['token']}"}
    c = demo.c
    assert c.send("get", "/api/v1/session", 200, headers=bearer)["username"] == name
    c.send("post", "/api/v1/session/tickle", 200, headers=bearer)
    assert [s["current"] for s in c.send("get", "/api/v1/sessions", 200, headers=bearer)["sessions"]] == [
        True
    ]
    c.send("post", "/api/v1/auth/logout", 200, headers=bearer)
    assert c.send("get", "/api/v1/session", 401, headers=bearer)["error"] == "not_authenticated"


def test_switching_factors_on_one_login_as_the_document_says(demo: DemoWorld) -> None:
    """multi-mia's login moves over every factor she holds: IB Key's Challenge/Response, a text, a call,
    the app's code; each prompt as declared, the last one answered."""
    demo.seed("multi-mia")
    started = demo.start("multi-mia")
    assert started["factor"]["type"] == "dscplus"
    switched = demo.switch(started, type="ibkey", mode="challenge")
    assert (switched["factor"]["mode"], switched["factor"]["reason"]) == ("challenge", "requested")
    for kind in ("sms", "voice", "totp"):
        switched = demo.switch(started, type=kind)
        assert switched["factor"]["type"] == kind
    assert demo.verify(started, demo.totp("multi-mia"))["state"] == "authenticated"


#: A step-up on each of multi-mia's factors: the kind asked for, and the mode.
STEP_UPS = [
    {"type": "dscplus"},
    {"type": "sms"},
    {"type": "voice"},
    {"type": "totp"},
    {"type": "ibkey"},
    {"type": "ibkey", "mode": "challenge"},
]


def test_a_step_up_on_each_factor_rotates_the_token_as_the_document_says(demo: DemoWorld) -> None:
    """Each `verified` answer carries the rotated session, which the document requires of it; the old token
    is refused `session_replaced`; the verification buys one withdrawal."""
    demo.seed("multi-mia")
    c = demo.c
    bearer = demo.log_in("multi-mia")
    withdraw = {"json": {"amount": 100, "currency": "USD"}}
    assert (
        c.send("post", "/api/v1/withdrawals", 401, headers=bearer, **withdraw)["error"] == "reauth_required"
    )
    for choice in STEP_UPS:
        demo.clock(30)  # a new time step: the app's code of the last round is spent
        old = bearer
        done, bearer = demo.step_up("multi-mia", bearer, **choice)
        assert done["state"] == "verified" and done["purpose"] == "withdrawal", choice
        assert c.send("get", "/api/v1/session", 401, headers=old)["error"] == "session_replaced"
        assert c.send("post", "/api/v1/withdrawals", 200, headers=bearer, **withdraw)["state"] == "accepted"
        c.send("post", "/api/v1/withdrawals", 401, headers=bearer, **withdraw)  # spent: one step-up, one
    _, bearer = demo.step_up("multi-mia", bearer, "change_security")
    c.send("post", "/api/v1/sessions/end-others", 200, headers=bearer)
    assert [s["current"] for s in c.send("get", "/api/v1/sessions", 200, headers=bearer)["sessions"]] == [
        True
    ]
    c.send("delete", f"/api/v1/sessions/multi-mia~{'0' * 64}", 404, headers=bearer)
    c.send("post", "/api/v1/auth/logout", 200, headers=bearer)
    c.send("post", "/api/v1/auth/logout", 401, headers=bearer)


SESSION = {"token": "t", "idle_expires_at": 1, "expires_at": 2}


@pytest.mark.parametrize(
    ("shape", "answer", "missing"),
    [
        ("StepUpAnswer", {"state": "verified", "purpose": "withdrawal", "valid_until": 1}, "session"),
        ("StepUpAnswer", {"state": "verified", "purpose": "withdrawal", "session": SESSION}, "valid_until"),
        ("StepUpAnswer", {"state": "second_factor", "purpose": "withdrawal", "txn_id": "t"}, "factor"),
        ("RecoveryVerified", {"state": "verified"}, "valid_until"),
        ("PhoneChanged", {"state": "code_sent"}, "sent_to"),
        ("PhoneChanged", {"state": "changed", "username": "sam", "previous_phone": None}, "phone"),
    ],
)
def test_what_each_state_always_carries_is_required_by_the_document(
    spec: dict[str, Any], shape: str, answer: dict[str, Any], missing: str
) -> None:
    """A client generated from the document (or validating by it) relies on a field its state always has:
    the step-up's rotated `session` above all, since the old token is dead once the answer is sent. An
    answer of that state without it must break the document."""
    schema = {"$ref": f"#/components/schemas/{shape}"}
    wrong = schema_errors(closed(spec), schema, answer)
    assert any(f"'{missing}' is a required property" in error for error in wrong), wrong


def test_the_refusals_a_login_client_meets_are_as_the_document_says(
    demo: DemoWorld, client: FlaskClient
) -> None:
    demo.seed("card-carl", "office-olga", "multi-mia")
    c = demo.c
    assert demo.start("card-carl", 401, password="not the password at all")["error"] == "invalid_credentials"
    started = demo.start("card-carl")
    other = Conformance(client.application.test_client(), c.spec)  # no cookie: another client
    txn = f"/api/v1/auth/login/{started['txn_id']}"
    for method, path, body in (("get", txn, None), ("post", f"{txn}/verify", {"response": "1" * 8})):
        assert other.send(method, path, 401, json=body)["error"] == "login_binding_required"
    other.send("post", f"{txn}/factor", 401, json={"type": "dscplus"})
    assert (
        demo.card("card-carl", started["factor"]["challenge"], pin="9999", status=403)["pin_attempts_left"]
        == 2
    )
    assert demo.verify(started, "0" * 8, 401)["attempts_left"] == 2
    demo.clock(3 * 300)  # past the login's whole lifetime (3 x SLS_CHALLENGE_TTL)
    assert demo.verify(started, "0" * 8, 410)["error"] == "challenge_expired"

    assert demo.start("office-olga", 403)["error"] == "ip_restricted"

    started = demo.start("multi-mia")
    for _ in range(5):
        demo.switch(started, type="sms")
    assert demo.switch(started, 429, type="sms")["error"] == "login_exhausted"
    assert c.response is not None and "Retry-After" not in c.response.headers

    for _ in range(4):  # the fifth wrong password in a row, counting the first above
        demo.start("card-carl", 401, password="not the password at all")
    demo.start("card-carl", 423)
    assert c.response is not None
    told_to_wait(c.response, 60, status=423, error="account_locked")  # SLS_LOCKOUT_WAIT_INCREMENT

    bearer = demo.log_in("multi-mia")
    demo.clock(901)
    expired = c.send("get", "/api/v1/session", 401, headers=bearer)
    assert (expired["error"], expired["ended_by"]) == ("session_expired", "idle")


def test_refusals_with_extras_of_their_own_are_as_the_document_says(demo: DemoWorld) -> None:
    """Two refusals whose extra fields the prose documented and /openapi.json did not: a client validating
    by the document (or generated from it) threw them away or failed on them."""
    demo.seed("card-carl", "iphone-ivy")
    c = demo.c
    bearer = demo.log_in("card-carl")
    _, bearer = demo.step_up("card-carl", bearer, "change_security")
    refused = c.send(
        "put", "/api/v1/account/ip-allowlist", 400, json={"ip_allowlist": ["203.0.113.0/24"]}, headers=bearer
    )
    assert (refused["field"], refused["your_address"]) == ("ip_allowlist", "127.0.0.1")

    app = demo.device("iphone-ivy", "ibkey")["device_id"]
    c.send("put", f"/sim/v1/ibkey/{app}/biometrics", 200, json={"enabled": False, "passcode": "482916"})
    started = demo.start("iphone-ivy")
    note = c.send("get", f"/sim/v1/ibkey/{app}/notifications", 200)["notifications"][0]
    approve = f"/sim/v1/ibkey/{app}/notifications/{note['id']}/approve"
    wrong = c.send("post", approve, 403, json={"match": started["factor"]["match"], "passcode": "111111"})
    assert (wrong["error"], wrong["passcode_attempts_left"]) == ("wrong_passcode", 9)


def test_a_forgotten_password_reset_with_the_app_is_as_the_document_says(demo: DemoWorld) -> None:
    """The recovery's push is listed in the app as any other, its `purpose` one the document names."""
    demo.seed("android-ann")
    c = demo.c
    started = c.send("post", "/api/v1/auth/recovery", 200, json={"username": "android-ann"})
    token = {"recovery_token": started["recovery_token"]}
    code = demo.code("android-ann", "password_recovery")
    step = c.send("post", "/api/v1/auth/recovery/code", 200, json={**token, "code": code})
    assert c.send("post", "/api/v1/auth/recovery/verify", 200, json=token)["state"] == "pending"
    assert demo.approve("android-ann", step["factor"]["match"])["state"] == "approved"
    assert c.send("post", "/api/v1/auth/recovery/verify", 200, json=token)["state"] == "verified"
    weak = c.send("post", "/api/v1/auth/recovery/password", 400, json={**token, "new_password": "password"})
    assert weak["error"] == "weak_password"
    new = {**token, "new_password": "second-Quartz-harbor-99"}
    assert c.send("post", "/api/v1/auth/recovery/password", 200, json=new)["state"] == "changed"
    demo.passwords["android-ann"] = new["new_password"]
    demo.log_in("android-ann")


def test_a_forgotten_password_reset_with_the_apps_challenge_is_as_the_document_says(demo: DemoWorld) -> None:
    """The recovery's push exchanged for IB Key's Challenge Code (a phone without notifications), answered
    with the app's response."""
    demo.seed("android-ann")
    c = demo.c
    started = c.send("post", "/api/v1/auth/recovery", 200, json={"username": "android-ann"})
    token = {"recovery_token": started["recovery_token"]}
    code = demo.code("android-ann", "password_recovery")
    c.send("post", "/api/v1/auth/recovery/code", 200, json={**token, "code": code})
    switched = c.send("post", "/api/v1/auth/recovery/challenge", 200, json=token)
    assert switched["factor"]["mode"] == "challenge"
    response = demo.app_response("android-ann", switched["factor"]["challenge"])
    verified = c.send("post", "/api/v1/auth/recovery/verify", 200, json={**token, "response": response})
    assert verified["state"] == "verified"
    again = c.send("post", "/api/v1/auth/recovery/challenge", 410, json=token)
    assert again["error"] == "challenge_expired"

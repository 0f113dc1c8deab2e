""" "Forgot your password?" for an IB Key user whose phone gets no notifications. The broker's "IBKR Mobile
Authentication (IB Key) Use Without Notifications": "In case your smartphone is unable to receive IBKR Mobile
notifications, you can still complete the login process using the IBKR Mobile Authentication (IB Key)
Challenge/Response method". A login and a step-up could ask for it (``mode: challenge``); a password
recovery's step was a push with no way to the Challenge Code, so such a user could not reset a password."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from ibkey_world import PHONES, UNLOCK, World
from page_forms import csrf
from recovery_kit import NEW, Rose


def _at_the_push(
    client: FlaskClient, admin_headers: dict[str, str]
) -> tuple[World, str, str, dict[str, Any]]:
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    token = client.post("/api/v1/auth/recovery", json={"username": "alice"}).get_json()["recovery_token"]
    texts = client.get(f"/sim/v1/phones/{PHONES['alice']}/messages").get_json()["messages"]
    code = next(m["code"] for m in texts if m["purpose"] == "password_recovery")
    step = client.post("/api/v1/auth/recovery/code", json={"recovery_token": token, "code": code}).get_json()
    assert (step["factor"]["type"], step["factor"]["mode"]) == ("ibkey", "push")
    return world, app, token, step


def test_a_recovery_asks_for_ib_keys_challenge_instead_of_the_push(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world, app, token, step = _at_the_push(client, admin_headers)
    switched = client.post("/api/v1/auth/recovery/challenge", json={"recovery_token": token})
    assert switched.status_code == 200, switched.get_json()
    body = switched.get_json()
    assert body["state"] == "second_factor" and body["txn_id"] == step["txn_id"]
    factor = body["factor"]
    assert (factor["type"], factor["mode"], factor["reason"]) == ("ibkey", "challenge", "requested")
    assert world.notifications(app) == []  # the push is gone from the phone
    answered = world.respond(app, factor["challenge"], **UNLOCK["android"])
    assert answered.status_code == 200, answered.get_json()
    verified = client.post(
        "/api/v1/auth/recovery/verify",
        json={"recovery_token": token, "response": answered.get_json()["response"]},
    )
    assert verified.get_json()["state"] == "verified", verified.get_json()
    done = client.post("/api/v1/auth/recovery/password", json={"recovery_token": token, "new_password": NEW})
    assert done.status_code == 200, done.get_json()


def test_only_a_recovery_at_its_ib_key_step_has_a_challenge_mode(client: FlaskClient) -> None:
    rose = Rose(client)
    token = rose.start()
    before = rose.post("/challenge", {"recovery_token": token})
    assert before.status_code == 410 and before.get_json()["error"] == "challenge_expired"
    step = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()}).get_json()
    assert step["factor"]["type"] == "dscplus"
    card = rose.post("/challenge", {"recovery_token": token})
    assert card.status_code == 400, card.get_json()
    assert card.get_json()["field"] == "recovery_token"
    unknown = rose.post("/challenge", {"recovery_token": "x" * 43})
    assert unknown.status_code == 410
    bad = rose.post("/challenge", {})
    assert bad.status_code == 400 and bad.get_json()["field"] == "recovery_token"


def test_the_recovery_page_offers_challenge_response_instead_of_the_push(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The page's push step has the login page's *Use Challenge/Response instead*: the Challenge Code in
    place of the push, answered with the app's response, then the new password."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    token = csrf(client.get("/recover").get_data(as_text=True))
    here = _posted(client, "/recover", {"username": "alice", "csrf_token": token})
    texts = client.get(f"/sim/v1/phones/{PHONES['alice']}/messages").get_json()["messages"]
    code = next(m["code"] for m in texts if m["purpose"] == "password_recovery")
    here = _posted(client, here.replace("/recover?", "/recover/code?"), {"code": code, "csrf_token": token})
    step = client.get(here).get_data(as_text=True)
    offer = re.search(
        r'<form method="post" action="([^"]+)"[^>]*>\s*<input[^>]+>\s*<button[^>]*push-use-challenge', step
    )
    assert offer, "the push step offers Challenge/Response"
    assert offer.group(1) == here.replace("/recover?", "/recover/challenge?")
    here = _posted(client, offer.group(1), {"csrf_token": token})
    step = client.get(here).get_data(as_text=True)
    challenge = re.search(r'data-testid="step-challenge"[^>]*>\s*([0-9]+)', step)
    assert challenge, "the Challenge Code shown"
    answered = world.respond(app, challenge.group(1), **UNLOCK["android"]).get_json()["response"]
    here = _posted(
        client, here.replace("/recover?", "/recover/verify?"), {"response": answered, "csrf_token": token}
    )
    assert 'data-stage="verified"' in client.get(here).get_data(as_text=True)


def _posted(client: FlaskClient, path: str, form: dict[str, str]) -> str:
    answer = client.post(path, data=form)
    here = str(answer.headers.get("Location", ""))
    assert answer.status_code == 303 and here.startswith("/recover?told="), (answer.status_code, here)
    return here

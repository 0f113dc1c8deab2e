"""What the device-lock race tests share: a login on alice's card, its right and wrong answers, and a
request made while the right one is being checked (the ``during_check`` fixture, which a test module takes in
by importing ``arm_during_check``), so the race's window is hit every time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask import Flask
from flask.testing import FlaskClient
from kill_kit import race_once as race_once  # the tests here took it from here first

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
Login = tuple[str, str, str]  # txn id, login token, the right response


def app_with_limit(app_config: dict[str, Any], limit: int) -> Flask:
    return create_app({**app_config, "DEVICE_FAILURE_LIMIT": limit})


def started_on_card(user: EnrolledUser) -> Login:
    started = user.start_login()
    return started["txn_id"], started["login_token"], user.card_response(started["factor"]["challenge"])


def wrong_response(response: str) -> str:
    return f"{(int(response) + 1) % 10**8:08d}"


def verify_answer(client: FlaskClient, login: Login, response: str) -> Any:
    txn_id, token, _ = login
    path = f"/api/v1/auth/login/{txn_id}/verify"
    return client.post(path, json={"response": response}, headers={"X-Login-Token": token})


@pytest.fixture(name="during_check")
def arm_during_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., list[Any]]]:
    """Arm ``then`` to run, to its answer, on another thread while the next card response is being checked
    (after the verify read the card, before its session); the answers it gave."""

    def arm(app: Flask, then: Callable[[], Any]) -> list[Any]:
        return race_once(monkeypatch, app.extensions["sls"].factors.get("dscplus"), "check", then)

    yield arm


def alices_card(client: FlaskClient) -> dict[str, Any]:
    (card,) = client.get("/admin/v1/users/alice/devices", headers=ADMIN).get_json()["devices"]
    return dict(card)


def alices_sessions(client: FlaskClient) -> list[Any]:
    listed = client.get("/admin/v1/users/alice/sessions", headers=ADMIN)
    assert listed.status_code == 200, listed.get_json()
    return list(listed.get_json()["sessions"])


def login_state(client: FlaskClient, login: Login) -> str:
    txn_id, token, _ = login
    polled = client.get(f"/api/v1/auth/login/{txn_id}", headers={"X-Login-Token": token})
    return str(polled.get_json()["state"])


def sharer(client: FlaskClient, alice: EnrolledUser) -> EnrolledUser:
    """Bob, whose one card is alice's, shared with him (his own revoked): his logins and step-ups answer on
    it, with alice's PIN."""
    bob = EnrolledUser(client, ADMIN, "bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = client.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN)
    assert shared.status_code in (200, 201), shared.get_json()
    revoked = client.delete(f"/admin/v1/users/bob/devices/{bob.device_id}", headers=ADMIN)
    assert revoked.status_code == 200, revoked.get_json()
    bob.device_id, bob.pin = alice.device_id, alice.pin
    return bob


def wrongs(client: FlaskClient, user: EnrolledUser, count: int) -> list[str]:
    """``count`` wrong responses of the user's, each to a login of its own: what each was told."""
    told = []
    for _ in range(count):
        spent = started_on_card(user)
        told.append(str(verify_answer(client, spent, wrong_response(spent[2])).get_json()["error"]))
    return told

"""A refused "switch factor / new code" request sends nothing, even racing others.

The switch once sent the new prompt (a text, a call, a push, a card's challenge) and only then asked the
login, in one Lua step, whether it had a switch left and was still pending: the 6th new code answered 429
``login_exhausted`` after the 7th text had reached the phone, and 30 racing switches on one login got 5
answered yes and 11 codes delivered. The switch is now reserved first (``login_switch_reserve.lua``), then
sent, then written (``login_switch_commit.lua``); a prompt refused before anything was sent gives its switch
back (``login_switch_release.lua``). Counted where a QA script counts them: the phone's inbox and call log,
and the audit trail for pushes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import trail
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import World, ibkey_world  # noqa: F401  (the world fixture)
from phone_world import Phone

from sls_server import create_app
from sls_server.auth.prompts import SWITCH_LIMIT

RACERS = 30


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """Send limits far above the switch limit: what is counted here is the login's own limit."""
    return create_app({**app_config, "SMS_SEND_LIMIT": 1000, "PUSH_LIMIT": 1000})


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    yield app.test_client()


@pytest.mark.parametrize("type_", ["sms", "voice"])
def test_the_new_code_past_the_limit_is_neither_texted_nor_called(
    client: FlaskClient, admin_headers: dict[str, str], type_: str
) -> None:
    sam = Phone(client, admin_headers, type_=type_)
    delivered = sam.texts if type_ == "sms" else sam.calls
    started = sam.login()
    for _ in range(SWITCH_LIMIT):
        sam.new_code(started["txn_id"], type_)
    assert len(delivered()) == 1 + SWITCH_LIMIT
    refused = sam.new_code(started["txn_id"], type_, status=429)
    assert refused["error"] == "login_exhausted"
    sam.new_code(started["txn_id"], type_, status=429)  # dead now: still nothing sent
    assert len(delivered()) == 1 + SWITCH_LIMIT


def test_the_push_past_the_limit_is_not_sent(world: World, admin_headers: dict[str, str]) -> None:
    world.activated_user("alice", "android")
    started = world.login("alice")
    assert started["factor"]["mode"] == "push"
    switch = f"/api/v1/auth/login/{started['txn_id']}/factor"
    for _ in range(SWITCH_LIMIT):
        assert world.client.post(switch, json={"type": "ibkey"}).status_code == 200
    refused = world.client.post(switch, json={"type": "ibkey"})
    assert refused.status_code == 429 and refused.get_json()["error"] == "login_exhausted"
    sent = trail(world.client, admin_headers, "push.sent", limit=1000)
    issued = trail(world.client, admin_headers, "login.challenge_issued", limit=1000)
    assert len(sent) == len(issued) == 1 + SWITCH_LIMIT


def _race(app: Flask, started: dict[str, Any], racers: int) -> list[tuple[int, Any]]:
    """``racers`` requests for a new text on one login, let go at once, each with its own test client."""
    binding = {"X-Login-Token": started["login_token"]}
    barrier = threading.Barrier(racers)

    def ask(_: int) -> tuple[int, Any]:
        own = app.test_client()
        barrier.wait()
        path = f"/api/v1/auth/login/{started['txn_id']}/factor"
        answer = own.post(path, json={"type": "sms"}, headers=binding)
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(racers) as pool:
        return list(pool.map(ask, range(racers)))


def test_racing_new_codes_send_no_more_than_the_limit(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Past the limit, the login ends (429): switches still sending when it ended are told so too (their
    codes die with it), but no request the limit refused sent anything."""
    sam = Phone(client, admin_headers)
    started = sam.login()
    answers = _race(app, started, RACERS)
    assert {status for status, _ in answers} <= {200, 410, 429}, answers
    assert sum(status == 200 for status, _ in answers) <= SWITCH_LIMIT
    texts = sam.texts()
    assert len(texts) <= 1 + SWITCH_LIMIT, f"{len(texts)} texts for {answers}"
    sent = [
        e for e in trail(client, admin_headers, "sms.sent", limit=1000) if e["detail"]["purpose"] == "login"
    ]
    assert len(sent) == len(texts)
    assert len(trail(client, admin_headers, "login.challenge_issued", limit=1000)) == len(texts)
    polled = client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()
    assert polled["reason"] == "too_many_switches"


def test_racing_new_codes_within_the_limit_are_all_sent_and_the_newest_is_kept(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Each one sent; of those whose prompt a newer one replaced before it was written, each is told so
    (410), and the login waits on the last one written."""
    sam = Phone(client, admin_headers)
    started = sam.login()
    answers = _race(app, started, SWITCH_LIMIT)
    assert {status for status, _ in answers} <= {200, 410}, answers
    assert any(status == 200 for status, _ in answers)
    assert len(sam.texts()) == 1 + SWITCH_LIMIT
    polled = client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()
    assert polled["state"] == "pending"


def test_a_new_code_refused_by_the_send_limit_gives_its_switch_back(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    sends = 3
    client = create_app({**app_config, "SMS_SEND_LIMIT": sends}).test_client()
    sam = Phone(client, admin_headers)
    totp = client.post("/admin/v1/users/sam/devices", json={"type": "totp"}, headers=admin_headers)
    assert totp.status_code == 201, totp.get_json()
    started = sam.login()
    assert started["factor"]["type"] == "totp"  # the app goes first: no text yet
    for _ in range(sends):
        sam.new_code(started["txn_id"])
    limited = sam.new_code(started["txn_id"], status=429)
    assert limited["error"] == "rate_limited"  # nothing sent, so the switch it reserved is given back
    assert len(sam.texts()) == sends
    for _ in range(SWITCH_LIMIT - sends):  # every switch the texts left is still there
        sam.new_code(started["txn_id"], "totp")
    exhausted = sam.new_code(started["txn_id"], "totp", status=429)
    assert exhausted["error"] == "login_exhausted"

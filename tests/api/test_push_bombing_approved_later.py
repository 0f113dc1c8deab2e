"""A push bombing's notifications stay live after its report: the attacker's page keeps waiting on them, so
the victim who taps the right number afterwards lets the attacker in (``sim/attacker_waits.py``). The phone
used to say "Approved" while nobody collected the session, and the console's verdict stayed "The defences
held"."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from flask.testing import FlaskClient
from ibkey_world import PASSWORD, World
from test_state_transfer import snapshot
from test_trainer_attacks import attack

from sls_server.sim.push_bombing import PUSH_IP
from sls_server.telemetry.jsonlog import JsonFormatter
from sls_server.web.event_words import sentence


def right_number(client: FlaskClient, txn_id: str) -> str:
    """The number the attacker's login page shows: only the attacker sees it (the test reads the store)."""
    core: Any = client.application.extensions["sls"]
    found = core.store.logins.get(txn_id)
    assert found is not None and found.match
    return str(found.match)


def test_the_victim_approving_a_bombing_push_after_the_attack_lets_the_attacker_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    report = attack(client, "push_bombing", "alice", PASSWORD)
    assert report["verdict"] == "defences_held" and report["outcomes"]["push_sent"] == 3, report
    assert report["waiting"]["ip"] == PUSH_IP, report
    assert "if alice approves one with its right number, the attacker is in" in report["summary"]
    note = world.notifications(app)[0]
    approved = world.approve(app, note, right_number(client, note["txn_id"]), pin="12ab")
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved", approved.get_json()
    got_in = world.events("login.succeeded", "alice")
    assert [e["ip"] for e in got_in] == [PUSH_IP], got_in
    sessions = client.get("/admin/v1/users/alice/sessions", headers=admin_headers).get_json()
    assert len(sessions["sessions"]) == 1, sessions


def test_a_wrong_pick_or_a_denial_lets_nobody_in(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    first, second = world.notifications(app)[:2]
    right = right_number(client, first["txn_id"])
    wrong = next(c for c in first["candidates"] if c != right)
    assert world.approve(app, first, wrong, pin="12ab").status_code == 401
    assert world.deny(app, second, pin="12ab").status_code == 200
    assert world.events("login.succeeded", "alice") == []


def test_an_ordinary_login_approved_is_collected_by_its_own_client_only(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """No attacker waits on the victim's own login: her approval leaves it for her page's poll."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    started = world.login("alice")
    assert world.answer(app, started, "approve", pin="12ab").status_code == 200
    assert world.events("login.succeeded", "alice") == []


def test_the_attacker_refused_when_the_victim_approves_is_in_the_trail_not_the_victims_answer(
    client: FlaskClient, admin_headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """An IP allowlist set after the bombing leaves the attacker's address out: the victim's approval stands
    (200, her app is not told the attacker's refusal), and the refusal of the attacker's page is
    ``attack.wait_refused`` from the attacker's address with its code, said in the feed's words, where it
    was dropped without a trace. Without the login's transaction id: every event is a log line too
    (``sls_server.events``), and the logs promise none (docs/operations.md, Logs); nothing read it."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    allow = client.put(
        "/admin/v1/users/alice/ip-allowlist", json={"ip_allowlist": ["127.0.0.1"]}, headers=admin_headers
    )
    assert allow.status_code == 200, allow.get_json()
    note = world.notifications(app)[0]
    with caplog.at_level(logging.INFO, logger="sls_server.events"):
        approved = world.approve(app, note, right_number(client, note["txn_id"]), pin="12ab")
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved", approved.get_json()
    assert world.events("login.succeeded", "alice") == []
    [refused] = world.events("attack.wait_refused", "alice")
    assert (refused["ip"], refused["result"]) == (PUSH_IP, "ip_restricted"), refused
    assert note["txn_id"] not in json.dumps(refused), refused
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "sls_server.events"]
    assert any("attack.wait_refused" in line for line in lines), lines
    assert not [line for line in lines if note["txn_id"] in line], lines
    assert sentence(refused) == (
        "alice approved a push the attacker's login waited on, but the attacker was refused: the address is "
        f"outside the account's IP restrictions, from {PUSH_IP}"
    )


def test_a_deleted_users_waiting_logins_go_with_her(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """The attacker's waiting logins are on the user's slot and went only at their TTL: deleted with her, in
    the deletion's one step, so nothing of her is left and a user made again under the name starts clean."""
    world = World(client, admin_headers)
    world.activated_user("alice", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    assert any(key.endswith("{u:alice}:attacker_waits") for key in snapshot(redis_url))
    assert client.delete("/admin/v1/users/alice", headers=admin_headers).status_code == 200
    assert [key for key in snapshot(redis_url) if "{u:alice}" in key] == []

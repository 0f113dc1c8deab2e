"""Staged attacks run in sequence on one victim, as a trainer does on the demo world without a reset: after a
SIM swap moved an IB Key user's IB Key to the attacker's handset (``sim/ibkey_takeover.py``), that IB Key is
the attacker's. A later relay or push bombing meets it, and what it reports must be what the services did:
the push reached the attacker's app, and the attacker got in."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World as IbkeyWorld
from test_phishing_relay_attack import RELAY_IP, logins_from_relay, relay
from test_trainer_attacks import attack

PUSH_IP = "198.51.100.77"


def swapped(world: IbkeyWorld, name: str = "alice") -> tuple[str, str]:
    """``name`` with IB Key on her Android phone, then a SIM swap that moved it to the attacker: her old
    app's id and the attacker's IB Key's id."""
    world.user(name)
    old = world.activated(name, "android")
    result = attack(world.client, "sim_swap", name, IBKEY_PASSWORD)
    assert result["outcomes"]["ibkey_moved"] == 1, result["summary"]
    devices = world.client.get(f"/admin/v1/users/{name}/devices", headers=world.headers).get_json()
    active = [d["device_id"] for d in devices["devices"] if d["status"] == "active"]
    assert len(active) == 1 and active[0] != old, devices
    return old, active[0]


def order(event: dict[str, Any]) -> tuple[int, int]:
    """Where an event falls in the trail: its id's two halves (the clock stands still in a test)."""
    ms, _, seq = event["id"].partition("-")
    return int(ms), int(seq)


def logins_from(world: IbkeyWorld, name: str, ip: str) -> list[dict[str, Any]]:
    return [e for e in world.events("login.succeeded", name) if e.get("ip") == ip]


def test_a_relay_after_a_sim_swap_approves_on_the_attacker_s_own_app_and_gets_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The push goes to the attacker's app, where the attacker sees the number of the login they started:
    never "answer it on the victim's phone", never "the defences held"."""
    world = IbkeyWorld(client, admin_headers)
    old, _ = swapped(world)
    waiting = world.notifications(old)
    result = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert result["verdict"] == "attacker_got_in" and result["outcomes"]["logged_in"] == 1, result["summary"]
    assert "went to the attacker's app" in result["summary"], result["summary"]
    assert "answer it there" not in result["summary"]
    assert len(logins_from_relay(client, admin_headers, "alice")) == 1
    assert world.notifications(old) == waiting  # the victim's replaced app was sent nothing


def test_a_relay_after_a_sim_swap_answers_a_challenge_on_the_attacker_s_app(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The attacker's handset roams: the login asks for IB Key's challenge/response, which the attacker's app
    computes; the victim's app (replaced) has nothing to do with it."""
    world = IbkeyWorld(client, admin_headers)
    swapped(world)
    put = client.put("/sim/v1/phones/attacker/conditions", json={"roaming": True})
    assert put.status_code == 200, put.get_json()
    result = relay(client, admin_headers, "alice", IBKEY_PASSWORD)
    assert result["verdict"] == "attacker_got_in", result["summary"]
    assert "computed the response to its challenge" in result["summary"], result["summary"]
    assert "The victim unlocked IB Key" not in result["summary"]
    assert [e["ip"] for e in logins_from(world, "alice", RELAY_IP)] == [RELAY_IP]


def test_push_bombing_after_a_sim_swap_needs_no_bombing_the_attacker_approves_on_their_own_app(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    old, _ = swapped(world)
    pushes_before = len(world.events("push.sent", "alice"))
    waiting = world.notifications(old)
    result = attack(client, "push_bombing", "alice", IBKEY_PASSWORD)
    assert result["verdict"] == "attacker_got_in" and result["attempts"] == 1, result
    assert "needs no bombing" in result["summary"] and "reached the victim's phone" not in result["summary"]
    assert len(world.events("push.sent", "alice")) == pushes_before + 1  # one push, to the attacker's app
    assert len(logins_from(world, "alice", PUSH_IP)) == 1
    assert world.notifications(old) == waiting


def test_a_sim_swap_on_an_ib_key_user_goes_straight_to_the_migration_and_leaves_her_phone_no_push(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """With no SMS or voice callback there is no login code to steal: a login first only sent a push to the
    victim's real phone, abandoned there and unreported."""
    world = IbkeyWorld(client, admin_headers)
    old, _ = swapped(world)
    assert world.notifications(old) == []
    assert [e for e in world.events("push.sent", "alice") if e["device_id"] == old] == []
    started = order(world.events("ibkey.migration_started", "alice")[0])
    before = [e for e in world.events("login.password_ok", "alice") if order(e) < started]
    assert before == [], before


def test_a_second_sim_swap_says_the_attacker_already_holds_ib_key_and_enrols_no_other(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    _, held = swapped(world)
    devices = client.get("/admin/v1/users/alice/devices", headers=admin_headers).get_json()["devices"]
    again = attack(client, "sim_swap", "alice", IBKEY_PASSWORD)
    assert again["verdict"] == "attacker_got_in", again["summary"]
    assert again["attempts"] == 1 and again["outcomes"]["password_accepted"] == 1, again
    assert "already holds alice's IB Key" in again["summary"], again["summary"]
    assert "replaced the victim's IB Key" not in again["summary"]
    after = client.get("/admin/v1/users/alice/devices", headers=admin_headers).get_json()["devices"]
    assert len(after) == len(devices) and world.device("alice", held)["status"] == "active"


def test_the_admin_s_device_list_says_which_phone_each_ib_key_is_on(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """`handset`: `attacker` for the IB Key the swap migrated there (never for hers), so an admin (and `sls
    login --auto`) can tell where it went."""
    world = IbkeyWorld(client, admin_headers)
    old, moved = swapped(world)
    listed = client.get("/admin/v1/users/alice/devices", headers=admin_headers).get_json()["devices"]
    handsets = {d["device_id"]: d.get("handset") for d in listed}
    assert handsets[moved] == "attacker", listed
    assert handsets[old] != "attacker", listed

"""The console's Users table (``templates/_trainer_users.html``) as a trainer scans it: a card locked by wrong
PINs is flagged in its user's row (not only inside Manage), and a card shared by two users gets controls whose
test ids are unique on the page (they carry the username), so Playwright's strict mode can pick each."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World as IbkeyWorld
from page_forms import Console

PASSWORD = "Prism-Willow-Canyon-3"


def user(client: FlaskClient, headers: dict[str, str], name: str, device: dict[str, str]) -> str:
    made = client.post(
        "/admin/v1/users", json={"username": name, "password": PASSWORD, "sms": False}, headers=headers
    )
    assert made.status_code == 201, made.get_json()
    enrolled = client.post(f"/admin/v1/users/{name}/devices", json=device, headers=headers)
    assert enrolled.status_code == 201, enrolled.get_json()
    return str(enrolled.get_json()["device_id"])


def row(table: str, name: str) -> str:
    found = re.search(rf'<tr data-testid="trainer-user-{name}".*?</tr>', table, re.S)
    assert found, table
    return found.group(0)


def test_a_pin_locked_card_is_flagged_in_its_user_s_row(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    card = user(client, admin_headers, "carl", {"type": "dscplus", "pin": "1234"})
    Console(client)
    assert "locked" not in row(client.get("/trainer/users").get_data(as_text=True), "carl")
    for _ in range(3):
        client.post(f"/sim/v1/dscplus/{card}/respond", json={"pin": "9999", "challenge": "123456"})
    shown = row(client.get("/trainer/users").get_data(as_text=True), "carl")
    assert "card locked: wrong PINs" in shown
    assert 'data-testid="trainer-card-locked-carl"' in shown  # in the Account cell too, seen at phone width


def test_a_shared_card_s_controls_have_test_ids_unique_on_the_page(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    card = user(client, admin_headers, "sue", {"type": "dscplus", "pin": "1234"})
    user(client, admin_headers, "sid", {"type": "dscplus", "share_device_id": card})
    for _ in range(3):
        client.post(f"/sim/v1/dscplus/{card}/respond", json={"pin": "9999", "challenge": "123456"})
    Console(client)
    table = client.get("/trainer/users").get_data(as_text=True)
    ids = Counter(re.findall(r'data-testid="([^"]+)"', table))
    assert [i for i, n in ids.items() if n > 1] == []
    for name in ("sue", "sid"):
        for control in ("trainer-device", "trainer-device-revoke", "trainer-device-reset"):
            assert ids[f"{control}-{name}-{card}"] == 1, (control, name)


def test_an_ib_key_a_sim_swap_moved_to_the_attacker_is_flagged_in_its_user_s_row(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """After a staged SIM swap migrates a user's IB Key to the attacker's handset, every later login of hers
    is confirmed there; the row showed just "IB Key (IBKR Mobile)", as if nothing had happened."""
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    Console(client)
    before = row(client.get("/trainer/users").get_data(as_text=True), "alice")
    assert "attacker" not in before and "trainer-ibkey-taken-alice" not in before
    body = {"attack": "sim_swap", "username": "alice", "password": IBKEY_PASSWORD}
    swapped = client.post("/admin/v1/attacks", json=body, headers=admin_headers).get_json()
    assert swapped["outcomes"]["ibkey_moved"] == 1, swapped
    shown = row(client.get("/trainer/users").get_data(as_text=True), "alice")
    assert "(on the attacker&#39;s handset)" in shown, shown
    assert 'data-testid="trainer-ibkey-taken-alice"' in shown  # in the Account cell too, seen at phone width


def test_a_sim_swap_left_in_place_is_flagged_in_its_user_s_row_with_the_way_to_the_phone(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The swap stays until the SIM is given back; the table said nothing of it, so the next demo's texts to
    her went to the attacker's handset unannounced. The flag goes once the SIM is restored."""
    client.post(
        "/admin/v1/users",
        json={"username": "sam", "password": PASSWORD, "phone": "+15555550104"},
        headers=admin_headers,
    )
    Console(client)
    assert "SIM swapped" not in row(client.get("/trainer/users").get_data(as_text=True), "sam")
    body = {"attack": "sim_swap", "username": "sam", "password": PASSWORD}
    assert client.post("/admin/v1/attacks", json=body, headers=admin_headers).get_json()["attacker_succeeded"]
    shown = row(client.get("/trainer/users").get_data(as_text=True), "sam")
    assert 'data-testid="trainer-sim-swapped-sam"' in shown and "SIM swapped" in shown, shown
    restored = client.put("/sim/v1/phones/+15555550104/conditions", json={"sim_swapped_to": None})
    assert restored.status_code == 200, restored.get_json()
    assert "SIM swapped" not in row(client.get("/trainer/users").get_data(as_text=True), "sam")


def test_a_user_deleted_while_the_table_is_read_is_left_out_not_the_whole_table(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table listed the names, then looked each one up: a user deleted in between (another console, a
    script) made the lookup raise ``unknown_user`` and ``/trainer/users`` answered 404 (3 reads in 14 while
    users were deleted). Here the store lists the names, then the user goes, as another client would."""
    for name in ("ann", "bob", "cid"):
        user(client, admin_headers, name, {"type": "dscplus", "pin": "1234"})
    Console(client)
    core = app.extensions["sls"]
    listed = core.store.users.usernames

    def listed_then_bob_deleted() -> list[str]:
        names: list[str] = listed()
        if "bob" in names:
            core.users.delete("bob", now=core.clock.now())
        return names

    monkeypatch.setattr(core.store.users, "usernames", listed_then_bob_deleted)
    answer = client.get("/trainer/users")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    table = answer.get_data(as_text=True)
    assert "trainer-user-bob" not in table
    assert row(table, "ann") and row(table, "cid")

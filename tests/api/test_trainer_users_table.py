"""The console's Users table (``templates/_trainer_users.html``) as a trainer scans it: a card locked by wrong
PINs is flagged in its user's row (not only inside Manage), and a card shared by two users gets controls whose
test ids are unique on the page (they carry the username), so Playwright's strict mode can pick each."""

from __future__ import annotations

import re
from collections import Counter

from flask.testing import FlaskClient
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

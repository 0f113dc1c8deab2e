"""What a text promises about its code's life is never more than the server gives.

The SMS code and the IB Key activation code texts rounded the TTL up to whole minutes: with
``SLS_SMS_CODE_TTL=90`` the text said "valid for 2 minutes" and the code was refused after 90 s; with
``SLS_ACTIVATION_CODE_TTL=90`` "within 2 minutes", refused after 90 s. They round down now.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from ibkey_world import PHONES, World
from page_forms import csrf
from phone_world import Phone, sam_phone  # noqa: F401  (the sam fixture)
from recovery_kit import Rose

from sls_server import create_app

TTL = 90  # not a whole number of minutes


def _promised_s(text: str) -> int:
    found = re.search(r"(\d+) minutes?\b", text)
    assert found, text
    return int(found.group(1)) * 60


def test_an_sms_code_works_for_as_long_as_its_text_says(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    app: Flask = create_app({**app_config, "SMS_CODE_TTL": TTL})
    sam = Phone(app.test_client(), admin_headers)
    started = sam.login()
    text = sam.texts()[0]["text"]
    promised = _promised_s(text)
    sam.move_clock(promised - 1)
    assert sam.verify(started["txn_id"], sam.code()).status_code == 200  # was 410 at 119 s
    assert promised <= TTL and "valid for 1 minute." in text, text


def test_an_activation_code_works_for_as_long_as_its_text_says(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    app: Flask = create_app({**app_config, "ACTIVATION_CODE_TTL": TTL})
    world = World(app.test_client(), admin_headers)
    world.user("alice")
    enrolled = world.enrol("alice", "ios")
    inbox = world.client.get(f"/sim/v1/phones/{PHONES['alice']}/messages").get_json()["messages"]
    text = next(m["text"] for m in inbox if "activation code" in m["text"])
    promised = _promised_s(text)
    moved = world.client.post("/admin/v1/clock", json={"advance_s": promised - 1}, headers=admin_headers)
    assert moved.status_code == 200
    done = world.activate(enrolled["device_id"], "alice", world.code(PHONES["alice"]), biometric=True)
    assert done.status_code == 200, done.get_json()  # was refused at 119 s
    assert promised <= TTL and "within 1 minute." in text, text


def test_a_code_sent_late_in_a_login_says_how_long_the_login_has_left(sam: Phone) -> None:
    """A login lives 900 s (3 challenge TTLs) in all; a new code asked for in its last 30 s said "valid for 5
    minutes" and was refused 30 s later."""
    begun = sam.move_clock(0)
    txn_id = sam.login()["txn_id"]
    for _ in range(3):
        sam.move_clock(290)
        fresh = sam.new_code(txn_id)
    assert sam.move_clock(0) == begun + 870 and fresh["expires_at"] == begun + 900
    text = sam.texts()[0]["text"]
    assert "valid for 30 seconds." in text, text
    sam.move_clock(29)
    assert sam.verify(txn_id, sam.code()).status_code == 200


def test_the_reset_page_says_as_long_as_the_reset_text(app_config: dict[str, Any]) -> None:
    """The page asking for the reset code said it is "valid for a few minutes" where the text said how long
    (5 minutes by default): both now read the one setting, rounded down alike."""
    rose = Rose(create_app({**app_config, "SMS_CODE_TTL": TTL}).test_client())
    token = csrf(rose.client.get("/recover").get_data(as_text=True))
    asked = rose.client.post("/recover", data={"username": "rose", "csrf_token": token})
    assert asked.status_code == 303, asked.status_code
    page = rose.client.get(str(asked.headers["Location"])).get_data(as_text=True)
    text = next(m["text"] for m in rose.texts() if m["purpose"] == "password_recovery")
    assert "valid for 1 minute." in text, text
    assert "It is valid for 1 minute." in page, page

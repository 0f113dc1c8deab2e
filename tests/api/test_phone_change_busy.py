"""A new number for a user one of whose SMS or voice devices another request is changing (its turn:
``sls_server.turns``) changes nothing: 429 ``device_busy`` with ``retry_after``, the user's number, every
device's and the notices as they were. Sent again once the turn is free, it moves them all.

The number was written first and the devices followed it one turn at a time, so the 429 came after the
number had changed and some devices had moved: the codes went to two numbers, and neither phone was told.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from phone_world import PHONE, Phone
from test_phone_change import ADMIN, NEW, OLD, PhoneUser
from test_state_transfer import snapshot

from sls_server.turns import PAUSES_S

OTHER = "another-request"


def test_a_new_number_meeting_a_busy_device_changes_nothing_and_the_next_moves_all(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waited: list[float] = []
    monkeypatch.setattr("sls_server.turns._pause", waited.append)
    sms = Phone(client, admin_headers).device["device_id"]  # sam's SMS device, on PHONE
    revoked = client.delete(f"/admin/v1/users/sam/devices/{sms}", headers=admin_headers)
    assert revoked.status_code == 200, revoked.get_json()
    voice = client.post("/admin/v1/users/sam/devices", json={"type": "voice"}, headers=admin_headers)
    assert voice.status_code == 201, voice.get_json()
    voice_id = voice.get_json()["device_id"]  # sorts after the SMS device: the last one moved
    devices = app.extensions["sls"].store.devices
    assert devices.take_turn(voice_id, OTHER, lease_ms=60_000)
    kept = snapshot(redis_url)

    refused = client.put("/admin/v1/users/sam/phone", json={"phone": NEW}, headers=admin_headers)
    assert refused.status_code == 429 and refused.get_json() == {
        "error": "device_busy",
        "message": "Other requests are changing this user's SMS or voice devices right now; the number was "
        "not changed: try again in 1 s.",
        "retry_after": 1,
    }
    assert waited == list(PAUSES_S)
    assert snapshot(redis_url) == kept  # the number, both devices' numbers, no notice sent
    assert client.get("/admin/v1/users/sam", headers=admin_headers).get_json()["phone"] == PHONE

    devices.end_turn(voice_id, OTHER)
    changed = client.put("/admin/v1/users/sam/phone", json={"phone": NEW}, headers=admin_headers)
    assert changed.get_json() == {"username": "sam", "phone": NEW, "previous_phone": PHONE}
    store = app.extensions["sls"].store
    assert [d.number for d in store.devices.get_many(sorted([sms, voice_id]))] == [NEW, NEW]


def test_a_users_own_new_number_meeting_a_busy_device_keeps_the_code_for_the_next_try(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code typed back is neither spent nor counted while a device's turn is kept: the same code
    changes the number once the turn is free (it was spent, the number written, and the 429 came after)."""
    monkeypatch.setattr("sls_server.turns._pause", lambda _: None)
    nina = PhoneUser(client, ADMIN, "nina", "1234")  # her account's SMS device, on OLD
    [sms] = [
        d["device_id"]
        for d in client.get("/admin/v1/users/nina", headers=ADMIN).get_json()["devices"]
        if d["type"] == "sms"
    ]
    token = nina.step_up(purpose="change_contact")
    assert nina.ask(token).status_code == 200
    code = nina.code_texted()
    devices = app.extensions["sls"].store.devices
    assert devices.take_turn(sms, OTHER, lease_ms=60_000)

    refused = nina.confirm(token, code)
    assert refused.status_code == 429 and refused.get_json()["error"] == "device_busy"
    assert nina.phone() == OLD
    assert not [m for m in nina.texts(OLD) if "was changed" in m["text"]]

    devices.end_turn(sms, OTHER)
    changed = nina.confirm(token, code)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["phone"] == NEW == nina.phone()

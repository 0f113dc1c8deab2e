"""One SMS or voice device per phone: a second is refused, nothing sent, and the login lists the phone once.

A user created with a phone has SMS from account opening; enrolling ``sms`` or ``voice`` again answered 201,
texted "A new phone number for SMS codes was added", and the login listed two identical "SMS +1•••0170" and
a voice callback from each device. Now a second active phone device on the user's number is 409
``device_exists`` (``phone_following.claim_phone``), exact under racing enrolments; an SMS device takes voice
callbacks too, so the login lists one ``sms`` and one ``voice``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from page_forms import Console, admin

PHONE = "+15555550170"
PASSWORD = "Correct-Horse-4-Battery"
RACERS = 8


def _user(client: FlaskClient, headers: dict[str, str], *, sms: bool = True) -> None:
    body = {"username": "sam", "password": PASSWORD, "phone": PHONE, "sms": sms}
    created = client.post("/admin/v1/users", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()


def _enrol(client: FlaskClient, headers: dict[str, str], type_: str) -> Any:
    return client.post("/admin/v1/users/sam/devices", json={"type": type_}, headers=headers)


def _added_notices(client: FlaskClient) -> list[str]:
    inbox = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    return [m["text"] for m in inbox if "was added" in m["text"]]


def _factor_types(client: FlaskClient) -> list[str]:
    started = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    assert started.status_code == 200, started.get_json()
    return sorted(f["type"] for f in started.get_json()["factors"])


@pytest.mark.parametrize("type_", ["sms", "voice"])
def test_a_phone_with_sms_from_opening_refuses_another_phone_device(
    client: FlaskClient, admin_headers: dict[str, str], type_: str
) -> None:
    _user(client, admin_headers)
    devices = client.get("/admin/v1/users/sam/devices", headers=admin_headers).get_json()["devices"]
    again = _enrol(client, admin_headers, type_)
    assert again.status_code == 409, again.get_json()
    body = again.get_json()
    assert body["error"] == "device_exists"
    assert body["device_id"] == devices[0]["device_id"] and body["type"] == "sms"
    assert client.get("/admin/v1/users/sam/devices", headers=admin_headers).get_json()["devices"] == devices
    assert not _added_notices(client)
    assert _factor_types(client) == ["sms", "voice"]
    enrolled = client.get("/admin/v1/events?user=sam&type=device.enrolled", headers=admin_headers)
    assert len(enrolled.get_json()["events"]) == 1


def test_a_voice_only_phone_refuses_sms_until_the_voice_device_is_revoked(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    _user(client, admin_headers, sms=False)
    voice = _enrol(client, admin_headers, "voice")
    assert voice.status_code == 201, voice.get_json()
    refused = _enrol(client, admin_headers, "sms")
    assert refused.status_code == 409 and refused.get_json()["error"] == "device_exists"
    assert _factor_types(client) == ["voice"]
    path = f"/admin/v1/users/sam/devices/{voice.get_json()['device_id']}"
    gone = client.delete(path, headers=admin_headers)
    assert gone.status_code == 200
    assert _enrol(client, admin_headers, "sms").status_code == 201
    assert _factor_types(client) == ["sms", "voice"]


def test_racing_phone_enrolments_enrol_one(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    _user(client, admin_headers, sms=False)
    barrier = threading.Barrier(RACERS)

    def enrol(i: int) -> int:
        own = app.test_client()
        barrier.wait()
        return int(_enrol(own, admin_headers, ("sms", "voice")[i % 2]).status_code)

    with ThreadPoolExecutor(RACERS) as pool:
        answers = sorted(pool.map(enrol, range(RACERS)))
    assert answers == [201] + [409] * (RACERS - 1)
    listed = client.get("/admin/v1/users/sam/devices", headers=admin_headers).get_json()["devices"]
    assert len(listed) == 1
    assert len(_added_notices(client)) == 1


def test_the_trainers_add_user_form_with_voice_gives_the_phone_one_device(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The form's SMS-at-opening box is ticked by default; voice chosen is the phone's device instead of that
    SMS (which took callbacks too), so the form is not refused as a second device on the number."""
    body = {"username": "vic", "password": PASSWORD, "phone": PHONE, "device": {"type": "voice"}}
    made = Console(client).post("/trainer/users", body)
    assert made["device"]["type"] == "voice" and made["sms_at_opening"] is False
    user = admin(client, admin_headers, "/users/vic")
    assert [d["type"] for d in user["devices"]] == ["voice"]

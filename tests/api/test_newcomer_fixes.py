"""What a newcomer tripped over on the server's side: TOTP after a clock move, giving an existing
user a phone, the labels and notices a trainer reads aloud, a lapsed temporary passcode."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN, move_clock
from flask.testing import FlaskClient

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-4-Battery"


def _user(client: FlaskClient, name: str, phone: str | None = None) -> None:
    body: dict[str, Any] = {"username": name, "password": PASSWORD, **({"phone": phone} if phone else {})}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201


def _enrol(client: FlaskClient, name: str, **body: Any) -> dict[str, Any]:
    answer = client.post(f"/admin/v1/users/{name}/devices", json=body, headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def _login(client: FlaskClient, name: str) -> dict[str, Any]:
    started = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert started.status_code == 200, started.get_json()
    return started.get_json()  # type: ignore[no-any-return]


def test_the_simulated_authenticator_app_follows_the_emulated_clock(client: FlaskClient) -> None:
    _user(client, "tom")
    app = _enrol(client, "tom", type="totp")
    move_clock(client, ADMIN, 3 * 86400 + 17)  # a real app's code would be days out of date now
    shown = client.get(f"/sim/v1/totp/{app['device_id']}/code").get_json()
    now = client.get("/admin/v1/clock", headers=ADMIN).get_json()["now"]
    assert shown["step_started_at"] <= now < shown["step_ends_at"] == shown["step_started_at"] + 30
    assert shown["seconds_left"] == shown["step_ends_at"] - now and len(shown["code"]) == 6
    started = _login(client, "tom")
    done = client.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": shown["code"]})
    assert done.status_code == 200, done.get_json()
    card = _enrol(client, "tom", type="dscplus", pin="1234")
    refused = client.get(f"/sim/v1/totp/{card['device_id']}/code")
    assert refused.status_code == 404 and refused.get_json()["error"] == "unknown_device"


def test_an_admin_gives_an_existing_user_a_phone_and_sms_then_works(client: FlaskClient) -> None:
    _user(client, "pat")
    no_phone = client.post("/admin/v1/users/pat/devices", json={"type": "sms"}, headers=ADMIN)
    assert no_phone.status_code == 400 and no_phone.get_json()["field"] == "phone"
    given = client.put("/admin/v1/users/pat/phone", json={"phone": "+15555550142"}, headers=ADMIN)
    assert given.status_code == 200
    assert given.get_json() == {"username": "pat", "phone": "+15555550142", "previous_phone": None}
    _enrol(client, "pat", type="sms")
    started = _login(client, "pat")
    assert started["factor"]["sent_to"].endswith("0142")
    inbox = client.get("/sim/v1/phones/+15555550142/messages").get_json()["messages"]
    assert any("phone number on your account was changed" in m["text"] for m in inbox)
    bad = client.put("/admin/v1/users/pat/phone", json={"phone": "555-0142"}, headers=ADMIN)
    assert bad.status_code == 400 and bad.get_json()["field"] == "phone"
    assert client.get("/admin/v1/users/pat", headers=ADMIN).get_json()["phone"] == "+15555550142"


def test_a_voice_callback_is_listed_as_one_and_notices_name_the_device(client: FlaskClient) -> None:
    body = {"username": "sam", "password": PASSWORD, "phone": "+15555550143", "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201
    _enrol(client, "sam", type="sms")
    started = _login(client, "sam")
    labels = {f["type"]: f["label"] for f in started["factors"]}
    assert labels["sms"].startswith("SMS +1") and labels["voice"].startswith("Voice callback +1")
    _enrol(client, "sam", type="ibkey", platform="android")
    texts = [m["text"] for m in client.get("/sim/v1/phones/+15555550143/messages").get_json()["messages"]]
    assert any("A new IB Key (IBKR Mobile) was added" in t for t in texts)
    assert any("A new phone number for SMS codes was added" in t for t in texts), "not 'A new SMS was added'"
    assert not any("A ibkey" in t or "security device was added" in t for t in texts)


def test_a_temporary_passcode_says_when_it_ends_and_shows_expired_after(client: FlaskClient) -> None:
    _user(client, "tess")
    issued = _enrol(client, "tess", type="temporary", days=1)
    assert issued["label"].startswith("temporary passcode until 20") and issued["label"].endswith(" UTC")
    listed = client.get("/admin/v1/users/tess/devices", headers=ADMIN).get_json()["devices"]
    assert [d["status"] for d in listed] == ["active"]
    move_clock(client, ADMIN, 86400)
    listed = client.get("/admin/v1/users/tess/devices", headers=ADMIN).get_json()["devices"]
    assert [d["status"] for d in listed] == ["expired"]


def test_a_removal_notice_reads_as_a_sentence(client: FlaskClient) -> None:
    """It read "A authenticator app was removed from your account." (and "A SMS" for a phone)."""
    _user(client, "rob", phone="+15555550144")
    app = _enrol(client, "rob", type="totp")
    removed = client.delete(f"/admin/v1/users/rob/devices/{app['device_id']}", headers=ADMIN)
    assert removed.status_code == 200, removed.get_json()
    texts = [m["text"] for m in client.get("/sim/v1/phones/+15555550144/messages").get_json()["messages"]]
    assert any("Your authenticator app was removed from your account." in t for t in texts), texts
    assert not any(t.startswith("A authenticator") for t in texts)

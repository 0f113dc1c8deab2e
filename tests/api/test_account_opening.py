"""SMS enrolled automatically at account opening, as the broker's SLS overview says ("SMS (automatic
enrollment at account opening)"): a user created with a phone has an SMS authenticator on it at once, unless
the request says ``"sms": false``; refusals name the field and write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, trail
from flask.testing import FlaskClient
from page_forms import Console

from sls_server.accounts.devices import DeviceService
from sls_server.factors.errors import UnsupportedDeviceType

PASSWORD = "Quartz-Meadow-Lantern-31"
PHONE = "+15555550161"


def create(client: FlaskClient, headers: dict[str, str], status: int = 201, **body: Any) -> dict[str, Any]:
    answer = client.post(
        "/admin/v1/users", json={"username": "olive", "password": PASSWORD, **body}, headers=headers
    )
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def world(client: FlaskClient, headers: dict[str, str]) -> tuple[list[str], list[dict[str, Any]]]:
    """Every user, and every event: what a refused request must leave as it was."""
    users = client.get("/admin/v1/users", headers=headers).get_json()["users"]
    return users, client.get("/admin/v1/events", headers=headers).get_json()["events"]


def test_a_user_created_with_a_phone_has_sms_on_it_and_logs_in_with_it(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    made = create(client, admin_headers, phone=PHONE)
    [device] = made["devices"]
    assert (device["type"], device["status"], device["label"]) == ("sms", "active", "SMS +1•••••••0161")
    assert client.get("/admin/v1/users/olive", headers=admin_headers).get_json()["devices"] == [device]

    [enrolled] = trail(client, admin_headers, "device.enrolled")
    assert (enrolled["user"], enrolled["factor"], enrolled["device_id"]) == (
        "olive",
        "sms",
        device["device_id"],
    )
    assert enrolled["detail"] == {"at_opening": True}
    assert client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"] == []  # no change notice

    started = client.post("/api/v1/auth/login", json={"username": "olive", "password": PASSWORD}).get_json()
    assert started["factor"] == {"type": "sms", "device_id": device["device_id"], "sent_to": "+1•••••••0161"}
    code = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"][0]["code"]
    headers = {"X-Login-Token": started["login_token"]}
    done = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": code}, headers=headers
    )
    assert done.status_code == 200 and done.get_json()["state"] == "authenticated"


@pytest.mark.parametrize("body", [{"phone": PHONE, "sms": False}, {}, {"sms": None}])
def test_no_sms_when_the_request_opts_out_or_there_is_no_phone(
    client: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    assert create(client, admin_headers, **body)["devices"] == []
    assert trail(client, admin_headers, "device.enrolled") == []
    started = client.post("/api/v1/auth/login", json={"username": "olive", "password": PASSWORD})
    assert started.status_code == 403 and started.get_json()["error"] == "no_second_factor"


def test_an_explicit_sms_true_with_a_phone_is_the_default(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    assert [d["type"] for d in create(client, admin_headers, phone=PHONE, sms=True)["devices"]] == ["sms"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sms": True}, "sms"),  # no phone for the codes
        ({"phone": PHONE, "sms": "yes"}, "sms"),
        ({"phone": PHONE, "sms": 1}, "sms"),
        ({"phone": "555-0161"}, "phone"),
        ({"phone": PHONE, "password": "short"}, "password"),
        ({"phone": PHONE, "ip_allowlist": ["not-an-address"]}, "ip_allowlist"),
    ],
)
def test_a_refused_user_names_the_field_and_writes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    before = world(client, admin_headers)
    refused = create(client, admin_headers, status=400, **body)
    assert refused["field"] == field, refused
    assert "yes" not in refused["message"] and PASSWORD not in refused["message"]
    assert world(client, admin_headers) == before
    assert client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"] == []


def test_an_enrolment_refused_after_the_user_was_written_takes_the_user_back(
    client: FlaskClient, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the SMS enrolment refuses (here, as if the factor were not registered), no user is left
    without the SMS the request asked for: the user is deleted again and the refusal is the answer."""

    def refuse(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise UnsupportedDeviceType("unsupported device type", field="type")

    monkeypatch.setattr(DeviceService, "enrol", refuse)
    refused = create(client, admin_headers, status=400, phone=PHONE)
    assert refused["error"] == "unsupported_device_type"
    assert client.get("/admin/v1/users", headers=admin_headers).get_json()["users"] == []
    assert [e["type"] for e in trail(client, admin_headers, "user.deleted")] == ["user.deleted"]


def test_a_user_already_there_is_refused_and_gets_no_second_sms(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    create(client, admin_headers, phone=PHONE)
    assert create(client, admin_headers, status=409, phone=PHONE)["error"] == "user_exists"
    assert len(client.get("/admin/v1/users/olive", headers=admin_headers).get_json()["devices"]) == 1


def test_an_enrolment_by_hand_still_texts_its_notice(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Only the SMS of account opening comes without a notice; an authenticator added later is told."""
    create(client, admin_headers, phone=PHONE, sms=False)
    client.post("/admin/v1/users/olive/devices", json={"type": "sms"}, headers=admin_headers)
    [notice] = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    assert "was added to your account" in notice["text"]
    [enrolled] = trail(client, admin_headers, "device.enrolled")
    assert "detail" not in enrolled or not enrolled["detail"]


def test_the_trainer_console_adds_the_sms_of_account_opening_unless_unticked(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    card = {"type": "dscplus", "pin": "2468"}
    both = console.post(
        "/trainer/users", {"username": "dana", "password": PASSWORD, "phone": PHONE, "device": card}
    )
    assert both["sms_at_opening"] is True
    listed = client.get("/admin/v1/users/dana", headers=admin_headers).get_json()["devices"]
    assert sorted(d["type"] for d in listed) == ["dscplus", "sms"]

    body = {"username": "erin", "password": PASSWORD, "phone": "+15555550162", "device": card, "sms": False}
    assert console.post("/trainer/users", body)["sms_at_opening"] is False
    listed = client.get("/admin/v1/users/erin", headers=admin_headers).get_json()["devices"]
    assert [d["type"] for d in listed] == ["dscplus"]

    body = {
        "username": "fay",
        "password": PASSWORD,
        "phone": "+15555550163",
        "device": {"type": "sms"},
        "sms": False,
    }
    chosen = console.post("/trainer/users", body)[
        "device"
    ]  # SMS chosen: that one, not a second on the number
    listed = client.get("/admin/v1/users/fay", headers=admin_headers).get_json()["devices"]
    assert [d["device_id"] for d in listed] == [chosen["device_id"]]


def test_a_card_added_after_opening_is_prompted_before_the_sms_until_the_sms_is_the_one_that_worked(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The SMS of account opening is the user's oldest authenticator but the weakest: with no factor asked
    for and no default yet, the card goes first and the SMS stays in the list to switch to; once the SMS
    was the one that worked, it is the default."""
    [sms] = create(client, admin_headers, phone=PHONE)["devices"]
    moved = client.post("/admin/v1/clock", json={"advance_s": 86400}, headers=admin_headers)  # a day later
    assert moved.status_code == 200, moved.get_json()
    card = client.post(
        "/admin/v1/users/olive/devices", json={"type": "dscplus", "pin": "1234"}, headers=admin_headers
    ).get_json()

    def start() -> dict[str, Any]:
        answer = client.post("/api/v1/auth/login", json={"username": "olive", "password": PASSWORD})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()  # type: ignore[no-any-return]

    started = start()
    assert (started["factor"]["type"], started["factor"]["device_id"]) == ("dscplus", card["device_id"])
    listed = {(f["type"], f["device_id"]) for f in started["factors"]}
    assert {("sms", sms["device_id"]), ("voice", sms["device_id"])} <= listed

    headers = {"X-Login-Token": started["login_token"]}
    switched = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "sms"}, headers=headers
    )
    assert switched.status_code == 200, switched.get_json()
    messages = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    [code] = [m["code"] for m in messages if m.get("code")]  # the card's enrolment notice has none
    done = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": code}, headers=headers
    )
    assert done.status_code == 200, done.get_json()
    token = done.get_json()["session"]["token"]
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})

    assert start()["factor"]["type"] == "sms"  # the last that worked

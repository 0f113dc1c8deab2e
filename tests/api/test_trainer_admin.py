"""The trainer console's administration (``sls_server/http/pages/trainer_admin.py``), through its routes as
the console's script calls them: each action must change what ``/admin/v1`` then reports (the same core
services behind both), refuse without the page's CSRF token or the trainer's sign-in, and refuse bad input
with the field named and nothing changed, a half-created user or a half-loaded world least of all."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient
from page_forms import Console, admin, csrf, forms_without_csrf, world

PASSWORD = "Prism-Willow-Canyon-3"


def test_the_signed_in_console_keeps_the_pages_csp_with_its_new_controls(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    """No inline script, style or handler (the CSP forbids them), a CSRF token in every form that posts,
    and the admin token nowhere in the page."""
    Console(client)
    html = client.get("/trainer").get_data(as_text=True)
    assert 'data-testid="trainer-manage-alice"' in html and 'data-testid="world-save"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html) and "style=" not in html
    unguarded, posting = forms_without_csrf(html)
    assert posting >= 3 and not unguarded, unguarded  # sign out, everywhere, save the world
    assert ADMIN_TOKEN not in html


def test_disable_enable_end_sessions_and_delete_are_what_the_admin_api_then_reports(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    alice.log_in()
    assert len(admin(client, admin_headers, "/users/alice/sessions")["sessions"]) == 1
    ended = console.post("/trainer/users/alice/sessions/end")
    assert ended == {"username": "alice", "sessions_ended": 1}
    assert admin(client, admin_headers, "/users/alice/sessions")["sessions"] == []
    alice.log_in()
    disabled = console.post("/trainer/users/alice/disable")
    assert disabled["disabled"] is True and disabled["sessions_ended"] == 1
    assert admin(client, admin_headers, "/users/alice")["disabled"] is True
    refused = client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    assert refused.get_json()["error"] == "account_disabled"
    console.post("/trainer/users/alice/enable")
    assert admin(client, admin_headers, "/users/alice")["disabled"] is False
    assert console.post("/trainer/users/alice/delete") == {"deleted": "alice"}
    assert admin(client, admin_headers, "/users/alice", status=404)["error"] == "unknown_user"


def test_a_card_locked_by_wrong_pins_is_reset_and_one_disabled_by_wrong_responses_unlocked(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    for _ in range(3):
        client.post(f"/sim/v1/dscplus/{alice.device_id}/respond", json={"pin": "9999", "challenge": "123456"})
    assert admin(client, admin_headers, "/users/alice/devices")["devices"][0]["locked"] is True
    reset = console.post(f"/trainer/devices/{alice.device_id}/reset")
    assert reset["locked"] is False
    assert admin(client, admin_headers, "/users/alice/devices")["devices"][0]["locked"] is False
    for _ in range(4):
        started = alice.start_login()
        right = alice.card_response(started["factor"]["challenge"])
        for _ in range(3):
            alice.verify(started["txn_id"], f"{(int(right) + 1) % 10**8:08d}")
    assert admin(client, admin_headers, "/users/alice/devices")["devices"][0]["factor_locked"] is True
    console.post(f"/trainer/devices/{alice.device_id}/unlock")
    assert admin(client, admin_headers, "/users/alice/devices")["devices"][0]["factor_locked"] is False
    console.post("/trainer/devices/nope-000/reset", status=404)


def test_another_authenticator_is_enrolled_and_revoked_as_the_admin_api_then_reports(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    made = console.post("/trainer/users/alice/devices", {"type": "totp", "pin": None})
    assert made["type"] == "totp" and made["secret_b32"]  # what the enrolment returns once
    listed = admin(client, admin_headers, "/users/alice/devices")["devices"]
    assert [d["device_id"] for d in listed] == [alice.device_id, made["device_id"]]
    refused = console.post("/trainer/users/alice/devices", {"type": "sms"}, status=400)
    assert refused["field"] == "phone"  # the factor's own refusal: alice has no number
    assert (
        console.post("/trainer/users/alice/devices", {"type": "dscplus", "pin": "1"}, status=400)["field"]
        == "pin"
    )
    assert len(admin(client, admin_headers, "/users/alice/devices")["devices"]) == 2
    revoked = console.post(f"/trainer/users/alice/devices/{made['device_id']}/revoke")
    assert revoked["status"] == "revoked"
    statuses = {
        d["device_id"]: d["status"] for d in admin(client, admin_headers, "/users/alice/devices")["devices"]
    }
    assert statuses == {alice.device_id: "active", made["device_id"]: "revoked"}
    console.post(f"/trainer/users/alice/devices/{made['device_id']}-nope/revoke", status=404)


def test_the_clock_is_frozen_thawed_and_set_as_the_admin_api_then_reports(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    console = Console(client)
    assert console.post("/trainer/clock", {"step": "freeze"})["frozen"] is True
    assert admin(client, admin_headers, "/clock")["frozen"] is True
    assert console.post("/trainer/clock", {"step": "thaw"})["frozen"] is False
    assert admin(client, admin_headers, "/clock")["frozen"] is False
    kinds = [e["type"] for e in admin(client, admin_headers, "/events?type=clock.frozen")["events"]]
    assert kinds == ["clock.frozen"]
    assert console.post("/trainer/clock", {"step": "melt"}, status=400)["field"] == "step"
    console.post("/trainer/clock", {"step": "freeze"})
    assert console.post("/trainer/clock/set", {"set_at": 1956528000})["now"] == 1956528000
    assert admin(client, admin_headers, "/clock")["now"] == 1956528000
    for refused in ({"set_at": 946684799}, {"set_at": "tomorrow"}, {}):
        assert console.post("/trainer/clock/set", refused, status=400)["field"] == "set_at", refused
    assert admin(client, admin_headers, "/clock")["now"] == 1956528000


def test_the_allowlist_and_the_phone_are_set_as_the_admin_api_stores_them(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    body = {"ip_allowlist": ["203.0.113.7", "198.51.100.9/24"]}
    stored = console.post("/trainer/users/alice/ip-allowlist", body)["ip_allowlist"]
    assert stored == ["203.0.113.7", "198.51.100.0/24"]  # normalised by the core
    assert admin(client, admin_headers, "/users/alice/ip-allowlist")["ip_allowlist"] == stored
    console.post("/trainer/users/alice/ip-allowlist", {"ip_allowlist": []})  # blank: none
    assert admin(client, admin_headers, "/users/alice/ip-allowlist")["ip_allowlist"] == []
    changed = console.post("/trainer/users/alice/phone", {"phone": "+15555550177"})
    assert changed["phone"] == "+15555550177" and changed["previous_phone"] is None
    assert admin(client, admin_headers, "/users/alice")["phone"] == "+15555550177"


@pytest.mark.parametrize(
    ("device", "phone", "once"),
    [
        ({"type": "dscplus", "pin": "2468"}, "", "secret_hex"),
        ({"type": "ibkey", "platform": "ios"}, "+15555550181", "sent_to"),
        ({"type": "sms"}, "+15555550182", "label"),
        ({"type": "totp"}, "", "secret_b32"),
        ({"type": "temporary"}, "", "passcode"),
    ],
)
def test_a_user_added_with_an_authenticator_is_what_the_admin_api_reports(
    client: FlaskClient, admin_headers: dict[str, str], device: dict[str, str], phone: str, once: str
) -> None:
    console = Console(client)
    body = {"username": "Dana", "password": PASSWORD, "phone": phone, "device": device, "sms": False}
    made = console.post("/trainer/users", body)
    assert made["username"] == "dana" and made["device"][once]  # what the enrolment returns once
    user = admin(client, admin_headers, "/users/dana")
    assert [d["device_id"] for d in user["devices"]] == [made["device"]["device_id"]]
    assert user["devices"][0]["type"] == device["type"] and user["phone"] == (phone or None)
    assert once not in user["devices"][0] or once == "label"  # shown once: not read back


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"username": "x!", "device": {"type": "totp"}}, 400, "username"),
        ({"username": "dana", "password": "short", "device": {"type": "totp"}}, 400, "password"),
        ({"username": "dana", "device": {"type": "dscplus", "pin": "12"}}, 400, "pin"),
        ({"username": "dana", "device": {"type": "dscplus"}}, 400, "pin"),
        ({"username": "dana", "device": {"type": "sms"}}, 400, "phone"),
        ({"username": "dana", "phone": "555", "device": {"type": "sms"}}, 400, "phone"),
        ({"username": "dana", "device": {"type": "ibkey"}}, 400, "phone"),
        ({"username": "dana", "phone": "+15555550183", "device": {"type": "ibkey"}}, 400, "platform"),
        ({"username": "dana", "device": {"type": "fax"}}, 400, "type"),
        ({"username": "dana"}, 400, "type"),
        ({"username": "alice", "device": {"type": "totp"}}, 409, None),
    ],
)
def test_a_refused_new_user_names_the_field_and_creates_nothing(
    client: FlaskClient,
    admin_headers: dict[str, str],
    alice: EnrolledUser,
    body: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    console = Console(client)
    before = world(client, admin_headers)
    refused = console.post("/trainer/users", {"password": PASSWORD, **body}, status=status)
    assert refused.get("field") == field, refused
    assert refused["message"]
    assert world(client, admin_headers) == before
    created = admin(client, admin_headers, "/events?type=user.created")["events"]
    assert [e["user"] for e in created] == ["alice"]


def test_an_enrolment_the_core_still_refuses_takes_the_new_user_back(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """Past the form's own checks, the factor or the card store may still refuse (here: no such card to
    share): the user created a moment before is deleted again, and the world is as it was."""
    console = Console(client)
    before = world(client, admin_headers)
    device = {"type": "dscplus", "share_device_id": "dscplus-000000000000"}
    body = {"username": "dana", "password": PASSWORD, "device": device}
    assert console.post("/trainer/users", body, status=404)["error"] == "unknown_device"
    assert world(client, admin_headers) == before
    assert admin(client, admin_headers, "/users")["users"] == ["alice"]


def test_a_bad_allowlist_entry_or_phone_is_refused_by_name_and_nothing_is_stored(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    console.post("/trainer/users/alice/ip-allowlist", {"ip_allowlist": ["203.0.113.7"]})
    before = world(client, admin_headers)
    bad = {"ip_allowlist": ["198.51.100.1", "not-an-address"]}
    refused = console.post("/trainer/users/alice/ip-allowlist", bad, status=400)
    assert (refused["field"], refused["index"], refused["entry"]) == ("ip_allowlist", 1, "not-an-address")
    assert console.post("/trainer/users/alice/phone", {"phone": "555"}, status=400)["field"] == "phone"
    assert console.post("/trainer/users/alice/phone", {"phone": ""}, status=400)["field"] == "phone"
    assert console.post("/trainer/users/nobody/disable", status=404)["error"] == "unknown_user"
    assert world(client, admin_headers) == before


def routes(card: str, document: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every administration route with a body it would take."""
    return [
        ("/trainer/users", {"username": "dana", "password": PASSWORD, "device": {"type": "totp"}}),
        ("/trainer/users/alice/devices", {"type": "totp"}),
        (f"/trainer/users/alice/devices/{card}/revoke", {}),
        ("/trainer/users/alice/disable", {}),
        ("/trainer/users/alice/enable", {}),
        ("/trainer/users/alice/sessions/end", {}),
        ("/trainer/users/alice/delete", {}),
        (f"/trainer/devices/{card}/reset", {}),
        (f"/trainer/devices/{card}/unlock", {}),
        ("/trainer/users/alice/ip-allowlist", {"ip_allowlist": ["203.0.113.7"]}),
        ("/trainer/users/alice/phone", {"phone": "+15555550199"}),
        ("/trainer/users/alice/account", {"account_id": "U1234567"}),
        ("/trainer/accounts/U1234567/ip-allowlist", {"ip_allowlist": ["203.0.113.7"]}),
        ("/trainer/accounts/U1234567/users/alice/remove", {}),
        ("/trainer/accounts/U1234567/delete", {}),
        ("/trainer/state/export", {}),
        ("/trainer/state/import?replace=true", document),
        ("/trainer/clock/set", {"set_at": 1956528000}),
        ("/trainer/reset", {}),
    ]


def test_without_the_page_s_csrf_token_every_action_is_refused_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    Console(client)
    alice.log_in()
    before = world(client, admin_headers)
    for path, body in routes(alice.device_id, before | {"exported_at": 0}):
        refused = client.post(path, json=body)
        assert refused.status_code == 403, path
        assert refused.get_json()["error"] == "csrf_token_invalid", path
        wrong = client.post(path, json=body, headers={"X-CSRF-Token": "not-the-token"})
        assert wrong.status_code == 403, path
    assert world(client, admin_headers) == before
    assert len(admin(client, admin_headers, "/users/alice/sessions")["sessions"]) == 1


def test_without_the_trainer_s_sign_in_every_action_is_refused_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    token = csrf(client.get("/trainer").get_data(as_text=True))  # the sign-in form's: a valid browser token
    alice.log_in()
    before = world(client, admin_headers)
    for path, body in routes(alice.device_id, before | {"exported_at": 0}):
        refused = client.post(path, json=body, headers={"X-CSRF-Token": token})
        assert refused.status_code == 401, path
        assert refused.get_json()["error"] == "trainer_sign_in_required", path
    assert world(client, admin_headers) == before


def test_a_saved_world_comes_back_after_a_reset(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    console.post("/trainer/users/alice/ip-allowlist", {"ip_allowlist": ["127.0.0.1", "203.0.113.0/24"]})
    saved = client.post("/trainer/state/export", data={"csrf_token": console.token})  # the form, no script
    assert saved.status_code == 200 and saved.mimetype == "application/json"
    assert saved.headers["Content-Disposition"].startswith('attachment; filename="sls-world-')
    document = saved.get_data()
    assert json.loads(document)["users"][0]["record"]["username"] == "alice"
    before = world(client, admin_headers)
    assert console.post("/trainer/reset")["reset"] is True
    assert admin(client, admin_headers, "/users")["users"] == []
    loaded = console.load(document, replace=True)
    assert loaded.status_code == 200, loaded.get_json()
    assert loaded.get_json() == {
        "imported": {"users": 1, "devices": 1, "accounts": 0, "ibkey_apps": 0, "phones": 0},
        "replaced": True,
    }
    assert world(client, admin_headers) == before
    assert alice.log_in()  # the card's key came back with it


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (b"this is not JSON", "body"),
        (b"[1, 2, 3]", "body"),
        (b'{"format": "something-else"}', "format"),
        (None, "key_check"),  # a world saved under another SLS_SECRET_KEY
    ],
)
def test_a_document_the_server_cannot_read_is_refused_and_the_world_stays_as_it_was(
    client: FlaskClient,
    admin_headers: dict[str, str],
    alice: EnrolledUser,
    document: bytes | None,
    field: str,
) -> None:
    console = Console(client)
    before = world(client, admin_headers)
    if document is None:
        other = admin(client, admin_headers, "/state/export") | {"key_check": "0" * 64, "users": []}
        document = json.dumps(other).encode()
    refused = console.load(document, replace=True)
    assert refused.status_code == 400, refused.get_json()
    assert refused.get_json()["field"] == field
    assert world(client, admin_headers) == before


def test_loading_a_world_beside_one_that_has_its_users_is_refused_whole(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    document = json.dumps(admin(client, admin_headers, "/state/export")).encode()
    console.post("/trainer/users", {"username": "dana", "password": PASSWORD, "device": {"type": "totp"}})
    before = world(client, admin_headers)
    refused = console.load(document, replace=False)
    assert refused.status_code == 409 and refused.get_json()["error"] == "conflict"
    assert world(client, admin_headers) == before


def test_a_world_larger_than_any_other_request_body_loads(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A saved world may pass the 64 KiB every other body is held to, as ``/admin/v1/state/import`` allows."""
    console = Console(client)
    for n in range(120):
        console.post(
            "/trainer/users", {"username": f"user{n:03d}", "password": PASSWORD, "device": {"type": "totp"}}
        )
    document = client.post("/trainer/state/export", headers={"X-CSRF-Token": console.token}).get_data()
    assert len(document) > 64 * 1024
    console.post("/trainer/reset")
    loaded = console.load(document, replace=False)
    assert loaded.status_code == 200, loaded.get_json()
    assert len(admin(client, admin_headers, "/users")["users"]) == 120

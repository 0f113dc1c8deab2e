"""The admin API: users, devices, events with a cursor, clock, reset."""

from __future__ import annotations

import re

from conftest import EnrolledUser


def test_create_user_then_conflict(client, admin_headers) -> None:
    body = {"username": "Erin", "password": "a-long-passphrase-here", "phone": "+15551234567"}
    created = client.post("/admin/v1/users", json=body, headers=admin_headers)
    assert created.status_code == 201
    assert created.get_json()["username"] == "erin"
    assert created.get_json()["phone"] == "+15551234567"
    answer = created.get_json()
    assert body["password"] not in str(answer) and "$argon2" not in str(answer)  # neither it nor its hash
    # The one field naming the password is its version (a digest of the password's epoch, drawn at random
    # with each password: never of the password), which `sls world` compares with demo.json's.
    assert [key for key in answer if "password" in key.lower()] == ["password_version"]
    assert re.fullmatch(r"[0-9a-f]{16}", answer["password_version"])
    again = client.post("/admin/v1/users", json={**body, "username": "erin"}, headers=admin_headers)
    assert again.status_code == 409
    assert again.get_json()["error"] == "user_exists"


def test_weak_password_reasons(client, admin_headers) -> None:
    cases = {
        "tiny7ch": "too_short",
        "password123!": "blocklisted",
        "frank-frank-frank": "contains_username",
        "aaaaaaaaaa": "repetitive",
    }
    for password, reason in cases.items():
        refused = client.post(
            "/admin/v1/users", json={"username": "frank", "password": password}, headers=admin_headers
        )
        assert refused.status_code == 400
        assert refused.get_json()["reason"] == reason, password
        assert password not in refused.get_json()["message"]
    assert client.get("/admin/v1/users/frank", headers=admin_headers).status_code == 404


def test_long_unicode_passwords_are_accepted_and_work(client, admin_headers) -> None:
    for name, password in (("gina", "Xy7-" * 32), ("hank", "pässwörd-ñ-1234")):
        created = client.post(
            "/admin/v1/users", json={"username": name, "password": password}, headers=admin_headers
        )
        assert created.status_code == 201
        client.post(
            f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=admin_headers
        )
        assert (
            client.post("/api/v1/auth/login", json={"username": name, "password": password}).status_code
            == 200
        )


def test_enrolment_returns_the_key_once(alice: EnrolledUser, admin_headers) -> None:
    assert len(alice.card["secret_hex"]) == 64
    assert alice.card["suite"] == "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
    listed = alice.client.get("/admin/v1/users/alice/devices", headers=admin_headers).get_json()["devices"]
    assert [d["device_id"] for d in listed] == [alice.device_id]
    assert "secret_hex" not in listed[0]
    assert (
        alice.card["secret_hex"]
        not in alice.client.get("/admin/v1/users/alice", headers=admin_headers).data.decode()
    )


def test_events_page_with_cursor_and_filters(alice: EnrolledUser, admin_headers, enrol) -> None:
    alice.log_in()
    enrol("bob", "4321").log_in()
    first = alice.client.get("/admin/v1/events?limit=3", headers=admin_headers).get_json()
    assert len(first["events"]) == 3
    rest = alice.client.get(
        f"/admin/v1/events?since={first['cursor']}&limit=1000", headers=admin_headers
    ).get_json()
    ids = [e["id"] for e in first["events"] + rest["events"]]
    assert len(ids) == len(set(ids))
    types = [e["type"] for e in first["events"] + rest["events"]]
    for expected in (
        "user.created",
        "device.enrolled",
        "login.password_ok",
        "login.challenge_issued",
        "login.succeeded",
    ):
        assert expected in types
    bobs = alice.client.get(
        "/admin/v1/events?user=bob&type=login.succeeded", headers=admin_headers
    ).get_json()
    assert [(e["user"], e["type"]) for e in bobs["events"]] == [("bob", "login.succeeded")]
    assert all(isinstance(e["at"], int) for e in rest["events"])


def test_failed_password_is_an_event(alice: EnrolledUser, admin_headers) -> None:
    alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": "wrong-wrong-wrong"})
    failed = alice.client.get("/admin/v1/events?type=login.password_failed", headers=admin_headers).get_json()
    assert [(e["user"], e["result"], e["ip"]) for e in failed["events"]] == [
        ("alice", "failure", "127.0.0.1")
    ]


def test_clock_set_and_advance(client, admin_headers) -> None:
    moved = client.post("/admin/v1/clock", json={"set_at": 1767225600}, headers=admin_headers).get_json()
    assert moved["now"] == 1767225600
    advanced = client.post("/admin/v1/clock", json={"advance_s": 900}, headers=admin_headers).get_json()
    assert advanced["offset_s"] == moved["offset_s"] + 900
    assert 1767226500 <= client.get("/admin/v1/clock", headers=admin_headers).get_json()["now"] <= 1767226510


def test_reset_wipes_everything(alice: EnrolledUser, admin_headers) -> None:
    token = alice.log_in()
    alice.client.post("/admin/v1/clock", json={"advance_s": 50}, headers=admin_headers)
    assert alice.client.post("/admin/v1/reset", headers=admin_headers).status_code == 200
    assert alice.client.get("/admin/v1/users", headers=admin_headers).get_json() == {
        "users": [],
        "password_versions": {},
        "phones": {},
    }
    assert alice.client.get("/admin/v1/clock", headers=admin_headers).get_json()["offset_s"] == 0
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    events = alice.client.get("/admin/v1/events", headers=admin_headers).get_json()["events"]
    assert [e["type"] for e in events] == ["emulator.reset"]


def test_metrics_count_events(alice: EnrolledUser) -> None:
    alice.log_in()
    text = alice.client.get("/metrics").get_data(as_text=True)
    assert 'sls_events_total{type="login.succeeded"} 1' in text

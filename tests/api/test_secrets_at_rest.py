"""A dump of every Redis key holds no card key, PIN hash, password or session token in clear,
and no event carries one either."""

from __future__ import annotations

import base64
import hashlib
import re

from conftest import EnrolledUser, words


def _dump(app) -> str:
    client = app.extensions["sls"].store.client
    chunks = []
    for key in client.scan_iter(match="*"):
        kind = client.type(key)
        chunks.append(key)
        if kind == "string":
            chunks.append(client.get(key))
        elif kind == "hash":
            chunks.extend(f"{k}={v}" for k, v in client.hgetall(key).items())
        elif kind == "set":
            chunks.extend(client.smembers(key))
        elif kind == "zset":
            chunks.extend(client.zrange(key, 0, -1))
        elif kind == "stream":
            chunks.extend(str(fields) for _, fields in client.xrange(key))
    return "\n".join(chunks)


def _forms(raw: bytes) -> list[str]:
    """Every way a secret could be written down: hex (both cases) and base64."""
    return [
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    ]


def test_redis_dump_holds_no_secret_in_clear(app, alice: EnrolledUser) -> None:
    token = alice.log_in()
    alice.log_in()
    dump = _dump(app)
    key = bytes.fromhex(alice.card["secret_hex"])
    pin_sha1 = hashlib.sha1(alice.pin.encode()).digest()
    for secret in (*_forms(key), *_forms(pin_sha1), alice.password, token):
        assert secret not in dump
    assert "$argon2id$" in dump  # the password is there, as a salted slow hash


def test_events_carry_no_secrets(app, alice: EnrolledUser, admin_headers) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    alice.verify(started["txn_id"], f"{(int(response) + 1) % 10**8:08d}")
    token = alice.verify(started["txn_id"], response).get_json()["session"]["token"]
    alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": "a-wrong-password"})
    events = alice.client.get("/admin/v1/events?limit=1000", headers=admin_headers).get_data(as_text=True)
    for secret in (alice.password, "a-wrong-password", token, alice.card["secret_hex"]):
        assert secret not in events
    for short in (alice.pin, response, started["factor"]["challenge"]):  # digits, as in any timestamp
        assert short not in words(events)


def test_event_recorder_refuses_secret_fields(app) -> None:
    import pytest

    with pytest.raises(ValueError, match="secrets"):
        app.extensions["sls"].events.record("login.succeeded", at=0, detail={"password": "x"})


def test_a_sealed_card_key_does_not_open_under_another_device_id(app, alice: EnrolledUser, enrol) -> None:
    from sls_server.secretbox import SealError

    bob = enrol("bob", "4321")
    store = app.extensions["sls"].store
    sealed = store.devices.get(alice.device_id).sealed
    store.client.hset(f"sls:{{d:{bob.device_id}}}:device", "sealed", sealed)
    import pytest

    factor = app.extensions["sls"].factors.get("dscplus")
    with pytest.raises(SealError):
        factor.open_state(store.devices.get(bob.device_id))


def test_a_temporary_passcode_and_a_texted_code_are_not_kept_in_clear(app, alice: EnrolledUser) -> None:
    """ASVS 5.0 13.3.1 and 6.5.2 (NIST 800-63B-4 §3.1.2.2): the passcode an admin issues for a lost card and a
    code texted at login live in Redis sealed, never as typed (the passcode is also sent in lower case)."""
    admin = {"Authorization": "Bearer test-admin-token-0123456789"}
    issued = alice.client.post(
        "/admin/v1/users/alice/devices", json={"type": "temporary", "days": 2}, headers=admin
    )
    assert issued.status_code == 201, issued.get_json()
    passcode = issued.get_json()["passcode"]
    made = alice.client.post(
        "/admin/v1/users",
        json={"username": "sid", "password": "Velvet-Harbor-Sms-58", "phone": "+15555550177"},
        headers=admin,
    )
    assert made.status_code == 201, made.get_json()
    started = alice.client.post(
        "/api/v1/auth/login", json={"username": "sid", "password": "Velvet-Harbor-Sms-58"}
    )
    assert started.get_json()["factor"]["type"] == "sms", started.get_json()
    texts = alice.client.get("/sim/v1/phones/+15555550177/messages").get_json()["messages"]
    code = next(m["code"] for m in texts if m["purpose"] == "login")
    dump = _dump(app)
    assert passcode not in dump and passcode.lower() not in dump
    assert not re.search(rf"(?<![0-9]){code}(?![0-9])", dump)

"""State import checks each record as the server would use it, not only as text it can parse back: a password
hash the hasher never writes, or a whole number the scripts cannot count with, is a 400 naming the list and
its index, and Redis is left exactly as it was."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_state_transfer import export, snapshot

from sls_server.accounts.passwords import HASH_PROFILES, PasswordHasher

PASSWORD = "Correct-Horse-Battery-9"
NAMES = ("amy", "ben", "cat", "dan")


@pytest.fixture
def document(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    """Four users (dan has a card), exported."""
    for name in NAMES:
        made = client.post(
            "/admin/v1/users", json={"username": name, "password": PASSWORD}, headers=admin_headers
        )
        assert made.status_code == 201, made.get_json()
    card = client.post(
        "/admin/v1/users/dan/devices", json={"type": "dscplus", "pin": "2468"}, headers=admin_headers
    )
    assert card.status_code == 201, card.get_json()
    exported = export(client, admin_headers)
    assert [user["record"]["username"] for user in exported["users"]] == sorted(NAMES)
    return exported


def _import(client: FlaskClient, headers: dict[str, str], document: dict[str, Any]) -> Any:
    return client.post("/admin/v1/state/import?replace=true", json=document, headers=headers)


def _with_hash(document: dict[str, Any], encoded: str) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["users"][3]["record"]["password_hash"] = encoded
    return changed


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _broken_hashes(real: str) -> list[str]:
    """Forms the verifier refuses, or a cost no profile has: ``real`` is a genuine test-profile hash."""
    _, _, version, costs, salt, digest = real.split("$")
    # 43 characters hold 32 bytes and 2 unused bits, zero in the canonical form: set one
    uncanonical = digest[:-1] + B64[B64.index(digest[-1]) + 1]
    return [
        "hunter2",
        "",
        "$argon2id$v=19$m=8,t=1,p=1$AAAA$BBBB",  # parameters it could verify, a 3-byte salt and hash
        f"$argon2i${version}${costs}${salt}${digest}",
        f"$argon2id$v=16${costs}${salt}${digest}",
        f"$argon2id${version}$m=65,t=1,p=1${salt}${digest}",  # a cost no profile has
        f"$argon2id${version}$m=4194304,t=1,p=1${salt}${digest}",  # 4 GiB a login attempt
        f"$argon2id${version}$m=064,t=1,p=1${salt}${digest}",
        f"$argon2id${version}${costs}${salt[:11]}${digest}",  # an 8-byte salt
        f"$argon2id${version}${costs}${salt}${digest}=",  # padded
        f"$argon2id${version}${costs}${salt}${uncanonical}",
        f"$argon2id${version}${costs}${salt}${digest[:-2]}é",
        f"{real}$",
        f" {real}",
    ]


def test_a_password_hash_the_hasher_never_writes_is_refused_naming_the_user(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str, document: dict[str, Any]
) -> None:
    before = snapshot(redis_url)
    for encoded in _broken_hashes(document["users"][3]["record"]["password_hash"]):
        answer = _import(client, admin_headers, _with_hash(document, encoded))
        assert answer.status_code == 400, (encoded, answer.get_json())
        body = answer.get_json()
        assert (body["error"], body["field"], body["index"]) == ("invalid_request", "users", 3), encoded
        assert body["message"].startswith("users[3]: ") and "password_hash" in body["message"], encoded
        assert not encoded or encoded not in body["message"]  # a hash, even a bad one, is not echoed
        assert snapshot(redis_url) == before, encoded


def test_a_hash_made_under_any_profile_is_taken_and_verifies(
    client: FlaskClient, admin_headers: dict[str, str], document: dict[str, Any]
) -> None:
    """This server hashes with the test profile; a document from a ``standard`` or ``strong`` one loads."""
    for profile in HASH_PROFILES:
        encoded = PasswordHasher(profile).hash(PASSWORD) if profile != "strong" else _strong_hash()
        answer = _import(client, admin_headers, _with_hash(document, encoded))
        assert answer.status_code == 200, (profile, answer.get_json())
        if profile == "standard":  # the password step passes (dan then needs his card)
            started = client.post("/api/v1/auth/login", json={"username": "dan", "password": PASSWORD})
            assert started.status_code == 200 and started.get_json()["state"] == "second_factor"


def _strong_hash() -> str:
    """A ``strong`` hash without its 64 MiB derivation: only the import is judged, never a login with it."""
    costs = HASH_PROFILES["strong"]
    real = PasswordHasher("test").hash(PASSWORD).split("$")
    real[3] = f"m={costs.memory_kib},t={costs.iterations},p={costs.lanes}"
    return "$".join(real)


@pytest.mark.parametrize(
    ("value", "taken"),
    [
        ("99999999999999999999", False),
        ("9007199254740992", False),
        ("-1000", False),
        ("9007199254740991", True),
    ],
)
def test_a_count_the_scripts_cannot_use_is_refused(
    client: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    document: dict[str, Any],
    value: str,
    taken: bool,
) -> None:
    """Past 64 bits ``HINCRBY`` answers ERR (the next wrong response was a 500); a negative failure count is
    extra guesses; past 2**53 Lua's numbers are no longer exact."""
    changed = copy.deepcopy(document)
    changed["devices"][0]["factor_failures"] = value
    before = snapshot(redis_url)
    answer = _import(client, admin_headers, changed)
    if taken:
        assert answer.status_code == 200, answer.get_json()
        return
    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert (body["field"], body["index"]) == ("devices", 0)
    assert "factor_failures" in body["message"]
    assert snapshot(redis_url) == before


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("users", 1, "record", "phone"), 5, {"field": "users[1].record.phone"}),
        (("users", 1, "devices"), [5], {"field": "users[1].devices", "index": 0, "entry": 5}),
        (("users", 2, "allowlist"), ["10.0.0.0/8", None], {"field": "users[2].allowlist", "index": 1}),
    ],
)
def test_a_wrong_type_deep_in_the_document_is_named_by_its_json_path(
    client: FlaskClient,
    admin_headers: dict[str, str],
    document: dict[str, Any],
    path: tuple[str | int, ...],
    value: Any,
    expected: dict[str, Any],
) -> None:
    changed = copy.deepcopy(document)
    place: Any = changed
    for part in path[:-1]:
        place = place[part]
    place[path[-1]] = value
    body = _import(client, admin_headers, changed).get_json()
    assert body == {**body, "error": "invalid_request", **expected}
    written = expected["field"] + (f"[{expected['index']}]" if "index" in expected else "")
    assert body["message"].startswith(f"{written} must be"), body["message"]
    if "index" not in expected:
        assert "index" not in body and "entry" not in body


@pytest.mark.parametrize(
    ("conditions", "said"),
    [
        ({"delivery_delay_s": "60"}, "field 'carrier_blocks_sms' is missing"),
        (
            {"carrier_blocks_sms": "0", "roaming": "0", "delivery_delay_s": "60", "colour": "red"},
            "field 'colour' is not one this server stores",
        ),
        (
            {"carrier_blocks_sms": "0", "roaming": "0", "delivery_delay_s": "060"},
            "is not as this server stores",
        ),
        ({"carrier_blocks_sms": "0", "roaming": "0", "delivery_delay_s": "3601"}, "at most 3600 seconds"),
    ],
)
def test_a_phones_conditions_are_refused_by_what_is_wrong_with_them(
    client: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    document: dict[str, Any],
    conditions: dict[str, str],
    said: str,
) -> None:
    """A field left out is named as missing, one added as unknown; a delay is held to what the phone's own
    route takes (``PUT /sim/v1/phones/<number>/conditions`` refuses an hour and a second too)."""
    changed = copy.deepcopy(document)
    changed["phones"] = [{"number": "+15555550101", "conditions": conditions}]
    before = snapshot(redis_url)
    body = _import(client, admin_headers, changed).get_json()
    assert (body["error"], body["field"], body["index"]) == ("invalid_request", "phones", 0), body
    assert said in body["message"], body["message"]
    assert snapshot(redis_url) == before

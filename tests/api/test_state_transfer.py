"""State export and import (issue 13): a world saved and loaded whole; a document the server cannot read is
refused and leaves Redis exactly as it was."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from conftest import words
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import PHONES, UNLOCK, World, push_login

from sls_devices.dscplus import expected_response
from sls_server import create_app
from sls_server.store import connect

PASSWORD = "Correct-Horse-Battery-9"


def snapshot(url: str) -> dict[str, Any]:
    """Every key of Redis (of every master, on a cluster) with its serialized value: equal snapshots, equal
    state."""
    client = connect(url)
    try:
        return {key: client.dump(key) for key in sorted(client.scan_iter(count=1000))}
    finally:
        client.close()


def a_world(client: FlaskClient, headers: dict[str, str]) -> dict[str, str]:
    """Carol with a card, an allowlist and an account; alice with an activated IB Key; a roaming phone and a
    clock moved on. The card's key, once."""
    made = client.post(
        "/admin/v1/users",
        json={"username": "carol", "password": PASSWORD, "phone": "+15550100009", "sms": False},
        headers=headers,
    )
    assert made.status_code == 201
    card = client.post(
        "/admin/v1/users/carol/devices", json={"type": "dscplus", "pin": "2468"}, headers=headers
    )
    assert card.status_code == 201
    allow = client.put(
        "/admin/v1/users/carol/ip-allowlist",
        json={"ip_allowlist": ["127.0.0.1", "203.0.113.0/24"]},
        headers=headers,
    )
    assert allow.status_code == 200
    account = client.post(
        "/admin/v1/accounts", json={"account_id": "U1234567", "users": ["carol"]}, headers=headers
    )
    assert account.status_code == 201, account.get_json()
    world = World(client, headers)
    app = world.activated_user("alice", "android")
    world.roam("alice", True)
    world.roam("alice", False)
    assert (
        client.put("/sim/v1/phones/+15550100009/conditions", json={"carrier_blocks_sms": True}).status_code
        == 200
    )
    assert client.post("/admin/v1/clock", json={"advance_s": 3600}, headers=headers).status_code == 200
    return {"card": card.get_json()["secret_hex"], "app": app}


def export(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.get("/admin/v1/state/export", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    """The document less when it was made and the records' write counters (compare-and-set versions, which
    start again at 0 in the store that imports them)."""
    kept = copy.deepcopy({key: value for key, value in document.items() if key != "exported_at"})
    for record in (*kept["devices"], *kept["ibkey_apps"]):
        record.pop("version", None)
    return kept


def test_a_world_exported_wiped_and_imported_is_the_same_world_and_logs_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    held = a_world(client, admin_headers)
    document = export(client, admin_headers)
    assert {len(document[k]) for k in ("users", "accounts", "ibkey_apps", "phones")} == {1, 2}
    assert "2468" not in words(str(document)) and held["card"] not in str(document)  # secrets stay sealed
    assert client.post("/admin/v1/reset", headers=admin_headers).status_code == 200

    loaded = client.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)

    assert loaded.status_code == 200, loaded.get_json()
    assert loaded.get_json() == {
        "imported": {"users": 2, "devices": 2, "accounts": 1, "ibkey_apps": 1, "phones": 1},
        "replaced": True,
    }
    assert without_time(export(client, admin_headers)) == without_time(document)
    logs_in(client, admin_headers, held)
    assert World(client, admin_headers).events("state.imported")[0]["detail"]["replaced"] is True


def logs_in(client: FlaskClient, headers: dict[str, str], held: dict[str, str]) -> None:
    """``a_world``'s users log in after an import: carol with her card, alice with a push approved in her
    app (so the card's sealed key, and the phone's sealed private key, opened)."""
    started = client.post("/api/v1/auth/login", json={"username": "carol", "password": PASSWORD}).get_json()
    response = expected_response(
        bytes.fromhex(held["card"]), hashlib.sha1(b"2468").digest(), started["factor"]["challenge"]
    )
    done = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": response},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert done.status_code == 200 and done.get_json()["state"] == "authenticated"
    world = World(client, headers)  # the phone's sealed private key signs after the import too
    started, note = push_login(world, "alice", held["app"])
    approved = world.approve(held["app"], note, started["factor"]["match"], **UNLOCK["android"])
    assert approved.status_code == 200, approved.get_json()
    assert world.poll(started["txn_id"])["state"] == "authenticated"


def test_the_export_answers_post_as_the_contract_names_it_and_get_alike(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    client.post(
        "/admin/v1/users",
        json={"username": "alice", "password": "Correct-Horse-4-Battery"},
        headers=admin_headers,
    )
    by_post = client.post("/admin/v1/state/export", headers=admin_headers)
    assert by_post.status_code == 200, by_post.get_json()
    assert without_time(by_post.get_json()) == without_time(export(client, admin_headers))
    assert client.post("/admin/v1/state/export").status_code == 401  # the admin token, as for GET


def test_a_document_refused_midway_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """The second device is broken: the first user and device were fine, and still nothing is written, not
    even the wipe that replace asked for."""
    a_world(client, admin_headers)
    document = export(client, admin_headers)
    document["devices"][1]["favourite_colour"] = "blue"
    before = snapshot(redis_url)

    for replace in ("true", "false"):
        refused = client.post(
            f"/admin/v1/state/import?replace={replace}", json=document, headers=admin_headers
        )
        assert refused.status_code == 400
        body = refused.get_json()
        assert (body["error"], body["field"], body["index"]) == ("invalid_request", "devices", 1)
        assert "favourite_colour" in body["message"]
        assert snapshot(redis_url) == before


def test_a_document_from_a_server_with_another_key_is_refused_clearly(
    app_config: dict[str, Any], admin_headers: dict[str, str], redis_url: str
) -> None:
    first = create_app({**app_config, "SECRET_KEY": "11" * 32}).test_client()
    a_world(first, admin_headers)
    document = export(first, admin_headers)
    other = create_app({**app_config, "SECRET_KEY": "22" * 32}).test_client()
    before = snapshot(redis_url)

    refused = other.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)

    assert refused.status_code == 400
    assert refused.get_json()["field"] == "key_check"
    assert "SLS_SECRET_KEY" in refused.get_json()["message"]
    # how: an operator moving a demo world to a fresh server had a key of their own generated, and the
    # message did not say where the exporting server kept its key, nor that Redis remembers the new one
    assert "secret.key" in refused.get_json()["message"], refused.get_json()
    assert "fresh data folder" in refused.get_json()["message"], refused.get_json()
    assert snapshot(redis_url) == before


def test_unreadable_documents_name_what_is_wrong(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    a_world(client, admin_headers)
    good = export(client, admin_headers)
    cases: list[tuple[str, Any, str]] = [
        ("version", 4, "version"),
        ("format", "something-else", "format"),
        ("key_check", "not hex", "key_check"),
    ]
    for name, value, field in cases:
        broken = {**copy.deepcopy(good), name: value}
        answer = client.post("/admin/v1/state/import?replace=true", json=broken, headers=admin_headers)
        assert answer.status_code == 400 and answer.get_json()["field"] == field, (name, answer.get_json())
    orphan = copy.deepcopy(good)
    orphan["devices"][0]["owner"] = "nobody"
    answer = client.post("/admin/v1/state/import?replace=true", json=orphan, headers=admin_headers)
    assert (answer.get_json()["field"], answer.get_json()["index"]) == ("devices", 0)
    assert "nobody" in answer.get_json()["message"]


def test_a_document_that_is_no_world_says_so_and_what_to_do(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """``sls state import`` of ``{}`` (or of any JSON that is not an export) was told only "format is
    required", as if one field were missing from a world document; it now says the file is not one, and
    where one comes from. Still a 400 naming ``format``, and nothing changes."""
    a_world(client, admin_headers)
    before = snapshot(redis_url)
    for document in ({}, {"users": []}, {"format": "something-else"}, {"format": 7}):
        answer = client.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)
        said = answer.get_json()
        assert (answer.status_code, said["field"]) == (400, "format"), (document, said)
        assert "not a world document" in said["message"], (document, said)
        assert "sls state export" in said["message"] and "/admin/v1/state/export" in said["message"]
    assert snapshot(redis_url) == before


def test_without_replace_a_clash_refuses_the_whole_document(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    a_world(client, admin_headers)
    document = export(client, admin_headers)
    before = snapshot(redis_url)
    clash = client.post("/admin/v1/state/import", json=document, headers=admin_headers)
    assert clash.status_code == 409
    assert clash.get_json()["field"] == "users"
    assert snapshot(redis_url) == before


def test_a_user_deleted_from_a_shared_phone_leaves_a_world_that_imports(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Bob added to alice's phone (Add User), then deleted: his key stays on the phone, for a device gone
    with him. The export named that device and its own import refused the world (400 `ibkey_apps`)."""
    world = World(client, admin_headers)
    world.user("alice")
    world.user("bob")
    app = world.activated("alice", "android")
    added = client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": IBKEY_PASSWORD})
    assert added.status_code == 201, added.get_json()
    assert world.activate(app, "bob", world.code(PHONES["bob"]), **UNLOCK["android"]).status_code == 200
    assert client.delete("/admin/v1/users/bob", headers=admin_headers).status_code == 200

    document = export(client, admin_headers)
    loaded = client.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)

    assert loaded.status_code == 200, loaded.get_json()
    started, note = push_login(world, "alice", app)  # alice's key on the phone came through
    approved = world.approve(app, note, started["factor"]["match"], **UNLOCK["android"])
    assert approved.status_code == 200, approved.get_json()


def test_the_owner_of_a_shared_card_deleted_leaves_a_world_that_imports(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Deleting a card's owner deletes the card, and the user it was shared with kept its id in their device
    list: the export named a device it did not hold, and its own import refused the world (400 ``users``)."""
    for name in ("sue", "sid"):
        body = {"username": name, "password": PASSWORD, "phone": "+15550100010", "sms": False}
        assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    card = client.post(
        "/admin/v1/users/sue/devices", json={"type": "dscplus", "pin": "2468"}, headers=admin_headers
    )
    share = {"type": "dscplus", "share_device_id": card.get_json()["device_id"]}
    assert client.post("/admin/v1/users/sid/devices", json=share, headers=admin_headers).status_code == 201
    assert client.delete("/admin/v1/users/sue", headers=admin_headers).status_code == 200

    document = export(client, admin_headers)
    loaded = client.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)

    assert loaded.status_code == 200, loaded.get_json()
    assert [(u["record"]["username"], u["devices"]) for u in document["users"]] == [("sid", [])]
    assert without_time(export(client, admin_headers)) == without_time(document)


def test_a_document_over_the_import_limit_is_refused_naming_that_limit(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """The import takes up to 64 MiB (every other body 64 KiB): a refusal names the limit that applied, or a
    trainer with a 65 MiB world is told to stay under 64 KiB."""
    from sls_server.http.admin.state import MAX_STATE_BYTES

    a_world(client, admin_headers)
    before = snapshot(redis_url)
    too_big = b" " * (MAX_STATE_BYTES + 1)

    refused = client.post(
        "/admin/v1/state/import?replace=true",
        data=too_big,
        headers={**admin_headers, "Content-Type": "application/json"},
    )

    assert refused.status_code == 400
    body = refused.get_json()
    assert (body["error"], body["field"]) == ("invalid_request", "body")
    assert body["message"] == "the body is larger than 64 MiB"
    assert snapshot(redis_url) == before
    other = client.post(
        "/admin/v1/users",
        data=b" " * (64 * 1024 + 1),
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert (other.status_code, other.get_json()["message"]) == (400, "the body is larger than 64 KiB")

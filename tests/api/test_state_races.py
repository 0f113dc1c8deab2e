"""State export and import against the requests running beside them: an export taken while a user's deletion
is unfinished, and an import whose create of a user another request's create of the name beats.

An export taken while a deletion was unfinished (cut short, or still working) wrote a card shared with the
deleted user still naming them, with no such user in the document: its own import refused it (400
``devices``). An import whose create of a user was refused (a create of the name racing it) went on and
wrote the document's devices into the user the other request made, and the rest of the world beside them.
An import created each user without their IP allowlist and wrote the list later: in between (and for good,
were the import cut there) the user could log in from anywhere; and it wrote the accounts after the users,
so a member of an account with a list could log in from addresses the account's list refuses until linked
(for good, the import cut there). An import whose create of an account another request's create of the id
beat went on and wrote its members into the other request's account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, race_once
from flask.testing import FlaskClient
from test_state_transfer import export
from test_user_deletion_resumed import WorkerKilled, alice_locked_and_logged_in, cut_deletion

from sls_server.store import Store
from sls_server.store.records import UserRecord
from sls_server.web.event_words import sentence


@pytest.fixture(autouse=True, name="record_by_record")
def record_by_record_here(monkeypatch: pytest.MonkeyPatch) -> None:
    record_by_record(monkeypatch)


def record_by_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """These races are those of the import that writes record by record, as it does on a Redis Cluster
    (no transaction across slots); on one Redis it writes in one MULTI/EXEC, whose races and cuts are
    ``test_state_import_atomic.py``'s."""
    monkeypatch.setattr(Store, "transactional", property(lambda _: False))


@pytest.mark.parametrize("cut", ["worker_killed", "redis_lost"])
def test_an_export_taken_while_a_deletion_is_unfinished_imports(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch, cut: str
) -> None:
    """bob's card, shared with alice while her deletion worked, still names her when the export is taken: the
    document shows the world as it is once the deletion is finished (the card bob's alone), and imports."""
    client = alice.client
    bob = enrol("bob", "2468")
    alice_locked_and_logged_in(alice)
    cut_deletion(client.application, client, monkeypatch, cut, bob.device_id)

    document = export(client, ADMIN)
    loaded = client.post("/admin/v1/state/import?replace=true", json=document, headers=ADMIN)

    assert loaded.status_code == 200, loaded.get_json()
    [card] = document["devices"]
    assert card["device_id"] == bob.device_id and not card.get("shared_with"), card
    assert [u["record"]["username"] for u in document["users"]] == ["bob"]
    [listed] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert (listed["device_id"], listed["shared_with"]) == (bob.device_id, [])
    bob.log_in()
    assert client.get("/admin/v1/users/alice", headers=ADMIN).status_code == 404


def a_document_of_two(client: FlaskClient, enrol: Callable[..., EnrolledUser]) -> dict[str, Any]:
    """alice and bob, each with a card, saved; then both deleted (the import beside the world brings them
    back)."""
    enrol("alice", "1234")
    enrol("bob", "2468")
    document = export(client, ADMIN)
    for name in ("alice", "bob"):
        assert client.delete(f"/admin/v1/users/{name}", headers=ADMIN).status_code == 200
    return document


def their_bob_made_after_alice(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Another request's create of bob, run right after the import's create of alice: its answer."""
    theirs = {"username": "bob", "password": "Someone-Elses-Bob-42"}
    return race_once(
        monkeypatch,
        client.application.extensions["sls"].store.users,
        "create",
        lambda: client.application.test_client().post("/admin/v1/users", json=theirs, headers=ADMIN),
        when=lambda record, *args, **kwargs: isinstance(record, UserRecord) and record.username == "alice",
    )


@pytest.mark.parametrize("replace", [False, True])
def test_an_import_whose_create_of_a_user_is_refused_leaves_none_of_the_document(
    client: FlaskClient, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    """Another request creates bob right after the import created alice: the import's create of bob is
    refused. It answered 200 with bob's card written into the other request's bob and alice written whole;
    now it is 409 naming ``users[1]``, alice taken back, and the other request's bob as it made him."""
    document = a_document_of_two(client, enrol)
    store = client.application.extensions["sls"].store
    made = their_bob_made_after_alice(client, monkeypatch)

    refused = client.post(
        f"/admin/v1/state/import?replace={str(replace).lower()}", json=document, headers=ADMIN
    )

    assert made[0].status_code == 201, made[0].get_json()
    body = refused.get_json()
    assert refused.status_code == 409, body
    assert (refused.status_code, body["error"], body["field"], body["index"]) == (409, "conflict", "users", 1)
    assert "created on this server while the import ran" in body["message"], body
    assert ("replace=true" in body["message"]) is replace, body
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == ["bob"]
    assert client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"] == []
    assert client.get("/admin/v1/users/alice", headers=ADMIN).status_code == 404
    assert store.devices.get_many([d["device_id"] for d in document["devices"]]) == []
    assert trail(client, ADMIN, "state.imported") == []
    assert len(trail(client, ADMIN, "user.deleted", user="alice")) == (1 if replace else 2)  # taken back
    assert taken_back(client) == [
        ("user.deleted", "User alice deleted: taken back, written by a state import that was refused")
    ]


def import_cut_after_a_create(
    client: Any, monkeypatch: pytest.MonkeyPatch, document: dict[str, Any], *, replace: bool
) -> None:
    """Import ``document`` with the worker killed right after the store's first create of a user."""
    store = client.application.extensions["sls"].store
    real_create = store.users.create

    def create_then_die(*args: Any, **kwargs: Any) -> bool:
        real_create(*args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(store.users, "create", create_then_die)
    with pytest.raises(WorkerKilled):
        client.post(f"/admin/v1/state/import?replace={str(replace).lower()}", json=document, headers=ADMIN)


def assert_refused_from_outside(user: EnrolledUser) -> None:
    """The user's right password from 198.51.100.1, outside 203.0.113.0/24: refused before it is checked."""
    body = {"username": user.username, "password": user.password}
    outside = user.client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert (outside.status_code, outside.get_json()["error"]) == (403, "ip_restricted")


@pytest.mark.parametrize("replace", [False, True])
def test_an_imported_user_is_never_there_without_their_allowlist(
    alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    """The import cut (the worker killed) right after the store created alice: she is there, and already
    held to her allowlist. She was there with none, a login from anywhere let through to the password."""
    client = alice.client
    allow = {"ip_allowlist": ["203.0.113.0/24"]}
    assert client.put("/admin/v1/users/alice/ip-allowlist", json=allow, headers=ADMIN).status_code == 200
    document = export(client, ADMIN)
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    import_cut_after_a_create(client, monkeypatch, document, replace=replace)

    listed = client.get("/admin/v1/users/alice/ip-allowlist", headers=ADMIN).get_json()
    assert listed["ip_allowlist"] == ["203.0.113.0/24"], listed
    assert_refused_from_outside(alice)


@pytest.mark.parametrize("replace", [False, True])
def test_an_imported_member_of_an_account_is_never_there_without_its_allowlist(
    alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    """The import cut (the worker killed) right after the store created alice, a member of an account with a
    list and none of her own: she is there, and already held to the account's list. The accounts were
    written after the users, so she was there in none, a login from anywhere let through to the password
    (for good, the import cut there)."""
    client = alice.client
    account = {"account_id": "desk-1", "users": ["alice"], "ip_allowlist": ["203.0.113.0/24"]}
    assert client.post("/admin/v1/accounts", json=account, headers=ADMIN).status_code == 201
    document = export(client, ADMIN)
    assert client.delete("/admin/v1/accounts/desk-1", headers=ADMIN).status_code == 200
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    import_cut_after_a_create(client, monkeypatch, document, replace=replace)

    assert_refused_from_outside(alice)
    listed = client.get("/admin/v1/users/alice/ip-allowlist", headers=ADMIN).get_json()
    assert (listed["ip_allowlist"], listed["account_id"]) == ([], "desk-1"), listed


def a_document_of_two_accounts(client: FlaskClient, enrol: Callable[..., EnrolledUser]) -> dict[str, Any]:
    """alice in account desk-1, bob in desk-2, each account with a list, saved; then all deleted."""
    enrol("alice", "1234")
    enrol("bob", "2468")
    for account_id, name in (("desk-1", "alice"), ("desk-2", "bob")):
        account = {"account_id": account_id, "users": [name], "ip_allowlist": ["203.0.113.0/24"]}
        assert client.post("/admin/v1/accounts", json=account, headers=ADMIN).status_code == 201
    document = export(client, ADMIN)
    for account_id in ("desk-1", "desk-2"):
        assert client.delete(f"/admin/v1/accounts/{account_id}", headers=ADMIN).status_code == 200
    for name in ("alice", "bob"):
        assert client.delete(f"/admin/v1/users/{name}", headers=ADMIN).status_code == 200
    return document


def test_an_import_whose_create_of_an_account_is_refused_leaves_none_of_the_document(
    client: FlaskClient, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request creates desk-2 right after the import created desk-1: the import's create of desk-2 is
    refused, 409 naming ``accounts[1]``, desk-1 taken back, no user written, and the other's desk-2 as it
    made it."""
    document = a_document_of_two_accounts(client, enrol)
    store = client.application.extensions["sls"].store
    theirs = {"account_id": "desk-2", "users": [], "ip_allowlist": []}
    made = race_once(
        monkeypatch,
        store.access,
        "create_account",
        lambda: client.application.test_client().post("/admin/v1/accounts", json=theirs, headers=ADMIN),
        when=lambda record: record.account_id == "desk-1",
    )

    refused = client.post("/admin/v1/state/import", json=document, headers=ADMIN)

    assert made[0].status_code == 201, made[0].get_json()
    body = refused.get_json()
    assert (refused.status_code, body["field"], body["index"]) == (409, "accounts", 1), body
    [left] = client.get("/admin/v1/accounts", headers=ADMIN).get_json()["accounts"]
    assert (left["account_id"], left["users"], left["ip_allowlist"]) == ("desk-2", [], [])
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == []
    assert trail(client, ADMIN, "state.imported") == []
    assert taken_back(client) == [
        ("account.deleted", "Account desk-1 deleted: taken back, written by a state import that was refused")
    ]


def test_an_import_whose_create_of_a_user_is_refused_takes_its_accounts_back(
    client: FlaskClient, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The accounts are written before the users now: a create of bob refused (another request's bob) takes
    back alice and both accounts, and the other request's bob is in none."""
    document = a_document_of_two_accounts(client, enrol)
    made = their_bob_made_after_alice(client, monkeypatch)

    refused = client.post("/admin/v1/state/import", json=document, headers=ADMIN)

    assert made[0].status_code == 201, made[0].get_json()
    body = refused.get_json()
    assert (refused.status_code, body["field"], body["index"]) == (409, "users", 1), body
    assert client.get("/admin/v1/accounts", headers=ADMIN).get_json()["accounts"] == []
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == ["bob"]
    listed = client.get("/admin/v1/users/bob/ip-allowlist", headers=ADMIN).get_json()
    assert (listed["ip_allowlist"], listed["account_id"]) == ([], None), listed
    assert taken_back(client) == [
        ("user.deleted", "User alice deleted: taken back, written by a state import that was refused"),
        ("account.deleted", "Account desk-2 deleted: taken back, written by a state import that was refused"),
        ("account.deleted", "Account desk-1 deleted: taken back, written by a state import that was refused"),
    ]


def taken_back(client: FlaskClient) -> list[tuple[str, str | None]]:
    """The trail's deletions that take back what a refused import wrote, with what the feed says of them:
    the import records nothing of what it wrote (its ``state.imported`` comes when it is done), so each says
    it (``detail.import_taken_back``). Said as bare deletions, the trail showed users and accounts deleted
    that it never showed created."""
    return [
        (e["type"], sentence(e))
        for e in trail(client, ADMIN)
        if e["type"].endswith(".deleted") and e.get("detail", {}).get("import_taken_back") is True
    ]

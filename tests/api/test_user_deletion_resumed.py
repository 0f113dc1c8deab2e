"""A user's deletion cut short right after their record went (the worker killed, Redis lost for good) is
finished, not left half done: a ``DELETE`` sent again, a create of the name, or a state import bringing the
name back finishes it, and ``user.deleted`` is recorded once, however many requests finish it at once.

Cut there, it left the record gone and the rest undone: ``user.deleted`` (and the ``session.killed`` of the
user's sessions) never recorded, the lockout buckets and the logins in progress kept (a user created again
under the name was locked), and a card shared with the user while the deletion worked still naming them, so
a user created again under the name held it. The ``DELETE`` sent again answered 404 and finished nothing.

The cut is a fault injected right after the store's ``users.delete`` (what a dying process does there), not
a unit mocked away: everything before and after it is the real code on a real Redis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, race_once
from flask import Flask
from flask.testing import FlaskClient
from kill_kit import CUTS, WorkerKilled, cut_after, deleted_and_cut

from sls_server.store import connect

HER_PLACE = "198.51.100.1"
UNFINISHED = {
    "error": "device_busy",
    "message": "This user's deletion is not finished: other requests are changing a device that still names "
    "them right now. Try again in 1 s: the deletion, or a new user of the name, finishes it.",
    "retry_after": 1,
}


def wrong_passwords(client: FlaskClient, username: str, times: int) -> list[int]:
    body = {"username": username, "password": "not-her-password"}
    return [
        client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": HER_PLACE}).status_code
        for _ in range(times)
    ]


def keys_of(redis_url: str, tag: str) -> dict[str, Any]:
    """Every key under the hash tag, with its type."""
    client = connect(redis_url)
    try:
        return {key: client.type(key) for key in client.scan_iter(match=f"sls:{{{tag}}}:*")}
    finally:
        client.close()


def cut_deletion(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, cut: str, bobs_card: str
) -> None:
    """alice deleted, bob's card shared with her after the deletion read her devices (it joined meanwhile),
    and the deletion cut right after the store deleted her record."""
    store = app.extensions["sls"].store
    share = {"type": "dscplus", "share_device_id": bobs_card}
    shared = race_once(
        monkeypatch,
        store.users,
        "revoke",
        lambda: app.test_client().post("/admin/v1/users/alice/devices", json=share, headers=ADMIN),
    )
    cuts = cut_after(monkeypatch, store.users, "delete", cut)
    deleted_and_cut(client, "/admin/v1/users/alice", ADMIN, cut)
    assert shared[0].status_code == 201, shared[0].get_json()
    assert cuts == [cut]
    assert client.get("/admin/v1/users/alice", headers=ADMIN).status_code == 404  # the record went


def alice_locked_and_logged_in(alice: EnrolledUser) -> None:
    """alice with a session, a login waiting on its second factor, and her name locked at her place."""
    alice.log_in()
    alice.start_login()
    assert wrong_passwords(alice.client, "alice", 6) == [401] * 5 + [423]


def told(client: FlaskClient, type_: str) -> list[dict[str, Any]]:
    return list(trail(client, ADMIN, type_, user="alice"))


def a_new_alice_starts_clean(client: FlaskClient, card: str) -> None:
    """alice, made again, is not locked, holds no card of bob's, and bob's card names only bob."""
    fresh = client.get("/admin/v1/users/alice", headers=ADMIN).get_json()
    assert fresh["devices"] == []
    status = client.get("/admin/v1/users/alice/lockout", headers=ADMIN).get_json()
    assert status["locked"] is False and status["buckets"] == {}, status
    [listed] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert (listed["device_id"], listed["shared_with"]) == (card, [])


@pytest.mark.parametrize("cut", list(CUTS))
def test_a_deletion_cut_short_is_finished_by_the_delete_sent_again(
    alice: EnrolledUser,
    enrol: Callable[..., EnrolledUser],
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    cut: str,
) -> None:
    client = alice.client
    bob = enrol("bob", "2468")
    alice_locked_and_logged_in(alice)
    cut_deletion(client.application, client, monkeypatch, cut, bob.device_id)

    again = client.delete("/admin/v1/users/alice", headers=ADMIN)
    assert (again.status_code, again.get_json()) == (200, {"deleted": "alice"})
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 404  # nothing left to finish

    [deleted] = told(client, "user.deleted")
    assert deleted["detail"]["resumed"] is True
    killed = told(client, "session.killed")
    assert [e["detail"]["ended_by"] for e in killed] == ["user_deleted"]
    assert keys_of(redis_url, "u:alice") == {}  # lockout, logins in progress, the mark: all gone
    [listed] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert (listed["device_id"], listed["shared_with"]) == (bob.device_id, [])
    bob.log_in()

    EnrolledUser(client, ADMIN, "alice", "1234").log_in()  # made again: not locked at her place
    status = client.get("/admin/v1/users/alice/lockout", headers=ADMIN).get_json()
    assert status["locked"] is False


def test_a_create_of_the_name_finishes_the_deletion_first(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user made again inherits nothing: ``user.deleted`` comes first, then ``user.created``."""
    client = alice.client
    bob = enrol("bob", "2468")
    alice_locked_and_logged_in(alice)
    cut_deletion(client.application, client, monkeypatch, "redis_lost", bob.device_id)

    body = {"username": "alice", "password": alice.password}
    made = client.post("/admin/v1/users", json=body, headers=ADMIN)
    assert made.status_code == 201, made.get_json()

    a_new_alice_starts_clean(client, bob.device_id)
    types = [e["type"] for e in trail(client, ADMIN, user="alice")]
    assert types.count("user.deleted") == 1 and types[-1] == "user.created", types
    assert types.index("user.deleted") == len(types) - 2, types


def test_two_requests_finishing_at_once_record_the_deletion_once(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second ``DELETE`` runs to its end while the first is between its last step and recording the
    deletion: both answer as for a deletion, and the trail has one ``user.deleted``."""
    client = alice.client
    bob = enrol("bob", "2468")
    alice_locked_and_logged_in(alice)
    app = client.application
    cut_deletion(app, client, monkeypatch, "redis_lost", bob.device_id)

    store = app.extensions["sls"].store
    other = race_once(
        monkeypatch,
        store.users,
        "unindex",
        lambda: app.test_client().delete("/admin/v1/users/alice", headers=ADMIN),
    )
    first = client.delete("/admin/v1/users/alice", headers=ADMIN)
    assert (first.status_code, other[0].status_code) == (200, 200), (first.get_json(), other[0].get_json())
    assert len(told(client, "user.deleted")) == 1
    assert len(told(client, "session.killed")) == 1
    assert keys_of(redis_url, "u:alice") == {}


def test_the_mark_left_holds_no_secret_and_does_not_expire(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is left to do, and nothing else: when, the devices still to take her off, her sessions' short
    ids for their ``session.killed``, the deletion's id (its events' places). No TTL: a deletion left half
    done is finished, never forgotten."""
    client = alice.client
    bob = enrol("bob", "2468")
    token = alice.log_in()
    cut_deletion(client.application, client, monkeypatch, "worker_killed", bob.device_id)

    assert keys_of(redis_url, "u:alice") == {"sls:{u:alice}:deleting": "hash"}
    raw = connect(redis_url)
    try:
        mark = raw.hgetall("sls:{u:alice}:deleting")
        assert raw.ttl("sls:{u:alice}:deleting") == -1
    finally:
        raw.close()
    assert set(mark) == {"at", "devices", "sessions", "id"}  # id: the deletion's own, random
    assert mark["devices"] == bob.device_id
    [short] = mark["sessions"].split(",")
    assert len(short) < 20 and short not in token and alice.password not in str(mark)


def test_a_state_import_bringing_the_name_back_finishes_the_deletion(
    client: FlaskClient, enrol: Callable[..., EnrolledUser], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document saved with alice in it, imported beside the world (not replacing it) after her deletion
    was cut: she comes back as the document has her, and bob's card shared with her meanwhile no longer
    names her (the import wrote her next to a card that still did)."""
    alice = enrol("alice", "1234")
    document = client.get("/admin/v1/state/export", headers=ADMIN).get_json()
    bob = enrol("bob", "2468")
    alice_locked_and_logged_in(alice)
    cut_deletion(client.application, client, monkeypatch, "redis_lost", bob.device_id)

    imported = client.post("/admin/v1/state/import?replace=false", json=document, headers=ADMIN)
    assert imported.status_code == 200, imported.get_json()
    [listed] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert (listed["device_id"], listed["shared_with"]) == (bob.device_id, [])
    assert [
        d["device_id"] for d in client.get("/admin/v1/users/alice", headers=ADMIN).get_json()["devices"]
    ] == [alice.device_id]
    assert len(told(client, "user.deleted")) == 1
    alice.log_in()


def test_a_device_left_busy_leaves_the_deletion_to_finish_and_says_so(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card shared with alice while her deletion worked is kept by another request when the deletion
    comes to take her off it, after her record went: 429 saying the deletion is unfinished (it said "try
    again", and the try again answered 404 and finished nothing). A create of the name meanwhile is refused
    the same way, nothing made; once the card is free, the deletion sent again finishes."""
    client = alice.client
    app = client.application
    bob = enrol("bob", "2468")
    store = app.extensions["sls"].store
    monkeypatch.setattr("sls_server.turns._pause", lambda _s: None)
    share = {"type": "dscplus", "share_device_id": bob.device_id}
    shared = race_once(
        monkeypatch,
        store.users,
        "revoke",
        lambda: app.test_client().post("/admin/v1/users/alice/devices", json=share, headers=ADMIN),
    )
    race_once(
        monkeypatch,
        store.users,
        "delete",
        lambda: store.devices.take_turn(bob.device_id, "other", lease_ms=60_000),
    )

    refused = client.delete("/admin/v1/users/alice", headers=ADMIN)
    assert shared[0].status_code == 201
    assert refused.status_code == 429 and refused.get_json() == UNFINISHED, refused.get_json()
    body = {"username": "alice", "password": alice.password}
    made = client.post("/admin/v1/users", json=body, headers=ADMIN)
    assert made.status_code == 429 and made.get_json() == UNFINISHED, made.get_json()
    assert client.get("/admin/v1/users/alice", headers=ADMIN).status_code == 404
    [listed] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert listed["shared_with"] == ["alice"]  # not yet: its turn is another request's

    store.devices.end_turn(bob.device_id, "other")
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).get_json() == {"deleted": "alice"}
    [listed] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert listed["shared_with"] == []
    assert len(told(client, "user.deleted")) == 1
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201


def test_a_cut_before_the_name_left_the_list_of_names_is_finished_too(
    alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut between the record's step and the name's removal from the list of users (another slot): the list
    named a user that was gone until the deletion sent again finished it."""
    client = alice.client
    store = client.application.extensions["sls"].store
    real_unindex = store.users.unindex
    cuts: list[str] = []

    def die_first(username: str) -> None:
        if not cuts:
            cuts.append(username)
            raise WorkerKilled()
        real_unindex(username)

    monkeypatch.setattr(store.users, "unindex", die_first)
    with pytest.raises(WorkerKilled):
        client.delete("/admin/v1/users/alice", headers=ADMIN)
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == ["alice"]

    assert client.delete("/admin/v1/users/alice", headers=ADMIN).get_json() == {"deleted": "alice"}
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == []
    assert len(told(client, "user.deleted")) == 1


def test_a_finisher_stalled_before_the_list_of_names_leaves_a_user_made_again_in_it(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``DELETE`` sent again stalls right before it takes the name out of the list of users (another slot
    than the record's); meanwhile another finishes the deletion and alice is made again. The stalled one's
    removal took the new alice out of ``GET /admin/v1/users`` (for good: nothing put her back)."""
    client = alice.client
    app = client.application
    bob = enrol("bob", "2468")
    cut_deletion(app, client, monkeypatch, "redis_lost", bob.device_id)
    store = app.extensions["sls"].store
    body = {"username": "alice", "password": alice.password}

    def finish_and_make_again() -> list[int]:
        other = app.test_client()
        return [
            other.delete("/admin/v1/users/alice", headers=ADMIN).status_code,
            other.post("/admin/v1/users", json=body, headers=ADMIN).status_code,
        ]

    calls: list[str] = []

    def on_the_check_before_the_removal(username: str) -> bool:
        """The finisher's fourth read of the mark: after its first, and the two about bob's card (before
        its turn and under it)."""
        calls.append(username)
        return len(calls) == 4

    raced = race_once(
        monkeypatch, store.users, "deletion_left", finish_and_make_again, when=on_the_check_before_the_removal
    )
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    assert raced == [[200, 201]]
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == ["alice", "bob"]
    assert len(told(client, "user.deleted")) == 1

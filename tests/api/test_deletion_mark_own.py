"""A request finishing a deletion acts only while the deletion's mark is its own deletion's (by its id), not
merely while some mark of the name is there.

A ``DELETE`` sent again that stalled while another request finished the deletion, the name (or account id)
was made again and deleted again, that deletion cut short, found the later deletion's mark and took it for
its own: it went on with the later deletion's work (a user's: waiting on the turn of a card another request
keeps, and answering 429 "not finished" for a deletion that was; an account's: releasing the links of the
later account's members, the later deletion's to release and say).

Each stall is the real code paused right after one call while another request runs to its answer, and each
cut the real code stopped right after one step, on a real Redis.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, race_once
from kill_kit import finished_made_again_and_cut
from test_account_deletion_resumed import DESK, cut_account_deletion, deleted_events
from test_state_races import assert_refused_from_outside
from test_user_deletion_resumed import cut_deletion, keys_of

from sls_server.store import connect, keys


def test_a_stalled_finisher_leaves_a_later_user_deletion_s_work_to_it(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """alice's deletion cut short with bob's card still naming her; a ``DELETE`` sent again stalls right
    after it read the mark. Meanwhile another finishes it, alice is made again and deleted again (cut short
    too), and another request keeps bob's card's turn. The stalled one's deletion is finished: 200, bob's card
    not waited on, the later deletion's mark left for the next ``DELETE``."""
    client = alice.client
    app = client.application
    bob = enrol("bob", "2468")
    cut_deletion(app, client, monkeypatch, "worker_killed", bob.device_id)
    store = app.extensions["sls"].store
    monkeypatch.setattr("sls_server.turns._pause", lambda _s: None)
    body = {"username": "alice", "password": alice.password}

    def finish_make_again_and_cut() -> list[int]:
        answers = finished_made_again_and_cut(
            app,
            monkeypatch,
            path="/admin/v1/users/alice",
            create="/admin/v1/users",
            body=body,
            headers=ADMIN,
            repo=store.users,
            step="delete",
        )
        assert store.devices.take_turn(bob.device_id, "other", lease_ms=60_000)
        return answers

    raced = race_once(monkeypatch, store.users, "deletion_left", finish_make_again_and_cut)
    stalled = client.delete("/admin/v1/users/alice", headers=ADMIN)
    assert raced == [[200, 201]]
    assert (stalled.status_code, stalled.get_json()) == (200, {"deleted": "alice"})
    assert set(keys_of(redis_url, "u:alice")) == {keys.user_deletion("alice")}  # the later deletion's

    store.devices.end_turn(bob.device_id, "other")
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).get_json() == {"deleted": "alice"}
    assert [e["type"] for e in trail(client, ADMIN, user="alice") if e["type"].startswith("user.")] == [
        "user.created",
        "user.deleted",
        "user.created",
        "user.deleted",
    ]
    assert keys_of(redis_url, "u:alice") == {}


def link_of(redis_url: str, name: str) -> str | None:
    """The account the user's link names, as stored (the API shows only an account that exists)."""
    raw = connect(redis_url)
    try:
        value = raw.hget(keys.user_access(name), "account")
        return None if value is None else str(value.decode() if isinstance(value, bytes) else value)
    finally:
        raw.close()


def test_a_stalled_finisher_leaves_a_later_account_deletion_s_links_to_it(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """desk-1's deletion cut short; a ``DELETE`` sent again stalls right after it read the mark. Meanwhile
    another finishes it, desk-1 is made again with alice and deleted again (cut short too). The stalled one
    answers for its own deletion and leaves alice's link to the later one, which the next ``DELETE``
    releases and records."""
    client = alice.client
    app = client.application
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    cut_account_deletion(client, monkeypatch, "worker_killed")
    store = app.extensions["sls"].store

    def finish_make_again_and_cut() -> list[int]:
        return finished_made_again_and_cut(
            app,
            monkeypatch,
            path="/admin/v1/accounts/desk-1",
            create="/admin/v1/accounts",
            body=DESK,
            headers=ADMIN,
            repo=store.access,
            step="remove_account",
        )

    raced = race_once(monkeypatch, store.access, "deletion_left", finish_make_again_and_cut)
    stalled = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert raced == [[200, 201]]
    assert (stalled.status_code, stalled.get_json()) == (200, {"deleted": "desk-1", "users": ["alice"]})
    assert link_of(redis_url, "alice") == "desk-1"  # the later deletion's to release
    assert len(deleted_events(client)) == 1

    again = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert (again.status_code, again.get_json()) == (200, {"deleted": "desk-1", "users": ["alice"]})
    assert link_of(redis_url, "alice") is None
    assert len(deleted_events(client)) == 2
    assert keys_of(redis_url, "a:desk-1") == {}


def test_a_finisher_stalled_before_a_release_leaves_the_member_of_the_account_made_again(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """desk-1's deletion cut short; a ``DELETE`` sent again stalls right after its look at the mark, before
    it releases alice's link. Meanwhile another finishes the deletion and desk-1 is made again with alice in
    it. The stalled one releases only a link of the account it is finishing (by its incarnation): alice
    stays in the new desk-1, its list applying to her, her link and its member set agreeing."""
    client = alice.client
    app = client.application
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    cut_account_deletion(client, monkeypatch, "worker_killed")
    store = app.extensions["sls"].store

    def finish_and_make_again() -> list[int]:
        other = app.test_client()
        return [
            other.delete("/admin/v1/accounts/desk-1", headers=ADMIN).status_code,
            other.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code,
        ]

    raced = race_once(monkeypatch, store.access, "deletion_is", finish_and_make_again)
    stalled = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert raced == [[200, 201]]
    assert (stalled.status_code, stalled.get_json()) == (200, {"deleted": "desk-1", "users": ["alice"]})
    assert client.get("/admin/v1/accounts/desk-1", headers=ADMIN).get_json()["users"] == ["alice"]
    assert link_of(redis_url, "alice") == "desk-1"
    assert_refused_from_outside(alice)  # the new desk-1's list holds her
    assert len(deleted_events(client)) == 1

"""A deletion's events are in the trail exactly once, wherever its worker is killed: ``user.deleted`` (with
the ``session.killed`` of the user's sessions) and ``account.deleted``.

The deletion's mark was taken (released) before the events were recorded, so a worker killed between the
two lost them for good: the mark gone, nothing left for a ``DELETE`` sent again to finish (404), and the
trail never said the user or the account was deleted. Now each event is written before the mark is
released, at its place among the deletion's (``keys.event_places``, on the trail's slot), and an append
finding its place taken writes nothing: the request finishing the deletion after a kill writes only what is
missing, with its own words (``resumed``) for what it writes.

Each kill is the real code stopped right after one step (what a dying process does there), on a real Redis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, race_once
from flask.testing import FlaskClient
from kill_kit import WorkerKilled, die_after, finished_made_again_and_cut
from test_account_deletion_resumed import DESK, cut_account_deletion, deleted_events
from test_state_races import a_document_of_two, record_by_record, their_bob_made_after_alice
from test_user_deletion_resumed import keys_of

from sls_server.store import connect, keys


def killed_deleting(client: FlaskClient, path: str) -> None:
    with pytest.raises(WorkerKilled):
        client.delete(path, headers=ADMIN)


def told(client: FlaskClient, type_: str) -> list[dict[str, Any]]:
    return list(trail(client, ADMIN, type_, user="alice"))


def places_ttls(redis_url: str) -> list[int]:
    """The TTL of each deletion's places in the trail's slot."""
    raw = connect(redis_url)
    try:
        return [raw.ttl(key) for key in raw.scan_iter(match=keys.event_places("*"))]
    finally:
        raw.close()


#: Where the user's deletion is killed: (the store's repo, its method, which call), and whether
#: ``user.deleted`` was written by then (its words the deleting request's: not ``resumed``).
USER_KILLS = {
    "after_session_killed": ("events", "append_once", 1, False),
    "after_user_deleted": ("events", "append_once", 2, True),
    "after_the_events_noted": ("users", "events_written", 1, True),
    "after_the_places_expire": ("events", "places_done", 1, True),
    "after_the_mark_released": ("users", "end_deletion", 1, True),
}


@pytest.mark.parametrize("kill", list(USER_KILLS))
def test_a_user_deletion_killed_anywhere_after_its_record_has_its_events_once(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch, kill: str
) -> None:
    client = alice.client
    alice.log_in()
    repo, method, nth, deleted_written = USER_KILLS[kill]
    store = client.application.extensions["sls"].store
    die_after(monkeypatch, getattr(store, repo), method, nth)
    killed_deleting(client, "/admin/v1/users/alice")
    assert client.get("/admin/v1/users/alice", headers=ADMIN).status_code == 404

    again = client.delete("/admin/v1/users/alice", headers=ADMIN)
    if kill == "after_the_mark_released":  # nothing left to finish: the events were written first
        assert again.status_code == 404
    else:
        assert (again.status_code, again.get_json()) == (200, {"deleted": "alice"})
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 404

    [deleted] = told(client, "user.deleted")
    assert ("resumed" in (deleted.get("detail") or {})) is not deleted_written, deleted
    [killed] = told(client, "session.killed")
    assert killed["detail"]["ended_by"] == "user_deleted"
    assert keys_of(redis_url, "u:alice") == {}
    # the places expire with the trail: set before the mark is released, so a worker killed anywhere leaves
    # either the mark (its finisher sets it) or places that expire (killed right after the release, they
    # were kept for good)
    [ttl] = places_ttls(redis_url)
    assert 0 < ttl <= 7 * 86400, ttl


def test_a_mark_left_by_a_server_before_the_ids_has_its_event_once_too(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mark with no id (the deletion's places by its instant): killed after ``user.deleted``, the
    ``DELETE`` sent after does not write it again."""
    client = alice.client
    store = client.application.extensions["sls"].store
    die_after(monkeypatch, store.users, "delete", 1)
    killed_deleting(client, "/admin/v1/users/alice")
    raw = connect(redis_url)
    try:
        raw.hdel(keys.user_deletion("alice"), "id")
    finally:
        raw.close()

    die_after(monkeypatch, store.events, "append_once", 1)
    killed_deleting(client, "/admin/v1/users/alice")
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).get_json() == {"deleted": "alice"}
    [deleted] = told(client, "user.deleted")
    assert deleted["detail"]["resumed"] is True
    assert keys_of(redis_url, "u:alice") == {}


ACCOUNT_KILLS = {
    "after_account_deleted": ("events", "append_once"),
    "after_the_event_noted": ("access", "events_written"),
    "after_the_places_expire": ("events", "places_done"),
    "after_the_mark_released": ("access", "end_deletion"),
}


@pytest.mark.parametrize("kill", list(ACCOUNT_KILLS))
def test_an_account_deletion_killed_after_its_event_has_it_once(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch, kill: str
) -> None:
    client = alice.client
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    repo, method = ACCOUNT_KILLS[kill]
    die_after(monkeypatch, getattr(client.application.extensions["sls"].store, repo), method, 1)
    killed_deleting(client, "/admin/v1/accounts/desk-1")

    again = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    if kill == "after_the_mark_released":
        assert again.status_code == 404
    else:
        assert (again.status_code, again.get_json()) == (200, {"deleted": "desk-1", "users": ["alice"]})
    [detail] = deleted_events(client)
    assert (detail["account_id"], detail["users"], "resumed" in detail) == ("desk-1", 1, False), detail
    assert keys_of(redis_url, "a:desk-1") == {}
    [ttl] = places_ttls(redis_url)
    assert 0 < ttl <= 7 * 86400, ttl


def test_an_account_deletion_killed_before_its_event_has_it_once_from_the_finisher(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after its record went, then the finisher killed after the event: the third request writes
    nothing more, and releases the mark."""
    client = alice.client
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    cut_account_deletion(client, monkeypatch, "worker_killed")
    die_after(monkeypatch, client.application.extensions["sls"].store.events, "append_once", 1)
    killed_deleting(client, "/admin/v1/accounts/desk-1")

    again = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert (again.status_code, again.get_json()) == (200, {"deleted": "desk-1", "users": ["alice"]})
    [detail] = deleted_events(client)
    assert detail["resumed"] is True, detail
    assert keys_of(redis_url, "a:desk-1") == {}


def test_a_finisher_stalled_before_its_release_leaves_a_later_deletion_s_mark(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``DELETE`` sent again stalls right after writing ``user.deleted``; meanwhile another finishes the
    deletion, alice is made again and deleted again, that deletion killed after her record went. The stalled
    one's release is of its own deletion's mark only: the later deletion's stays, for the next ``DELETE``
    to finish with its own events."""
    client = alice.client
    app = client.application
    store = app.extensions["sls"].store
    die_after(monkeypatch, store.users, "delete", 1)
    killed_deleting(client, "/admin/v1/users/alice")
    body = {"username": "alice", "password": alice.password}

    def finish_make_again_and_cut() -> list[int]:
        return finished_made_again_and_cut(
            app,
            monkeypatch,
            path="/admin/v1/users/alice",
            create="/admin/v1/users",
            body=body,
            headers=ADMIN,
            repo=store.users,
            step="delete",
        )

    raced = race_once(
        monkeypatch,
        store.events,
        "append_once",
        finish_make_again_and_cut,
        when=lambda event, **kwargs: event.type == "user.deleted",
    )
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    assert raced == [[200, 201]]
    assert set(keys_of(redis_url, "u:alice")) == {keys.user_deletion("alice")}  # the later deletion's

    assert client.delete("/admin/v1/users/alice", headers=ADMIN).get_json() == {"deleted": "alice"}
    assert [e["type"] for e in trail(client, ADMIN, user="alice") if e["type"].startswith("user.")] == [
        "user.created",
        "user.deleted",
        "user.created",
        "user.deleted",
    ]
    assert keys_of(redis_url, "u:alice") == {}


def test_a_refused_import_s_taking_back_killed_is_told_as_one_when_finished(
    client: FlaskClient, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import refused midway (another request made bob after the import made alice) takes alice back, and
    that deletion is killed after her record went: the ``DELETE`` finishing it says what the deletion was,
    a taking back, as the import would have (the mark keeps it), not an administrator's deletion. The import
    that takes back is the one that writes record by record, as on a Redis Cluster (on one Redis it is one
    transaction: nothing to take back, ``test_state_import_atomic.py``)."""
    record_by_record(monkeypatch)
    document = a_document_of_two(client, enrol)
    made = their_bob_made_after_alice(client, monkeypatch)
    die_after(monkeypatch, client.application.extensions["sls"].store.users, "delete", 1)
    with pytest.raises(WorkerKilled):
        client.post("/admin/v1/state/import?replace=false", json=document, headers=ADMIN)
    assert made[0].status_code == 201

    assert client.delete("/admin/v1/users/alice", headers=ADMIN).get_json() == {"deleted": "alice"}
    last = told(client, "user.deleted")[-1]
    assert last["detail"]["import_taken_back"] is True and last["detail"]["resumed"] is True, last


def places_expire(redis_url: str) -> None:
    """What Redis does to a deletion's places once the trail's retention has passed (their TTL: Redis's own
    clock, which no test can move), done at once."""
    raw = connect(redis_url)
    try:
        for key in raw.scan_iter(match=keys.event_places("*")):
            raw.delete(key)
    finally:
        raw.close()


@pytest.mark.parametrize("path", ["/admin/v1/users/alice", "/admin/v1/accounts/desk-1"])
def test_a_deletion_killed_after_its_places_expire_finished_after_the_retention_writes_nothing_twice(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """Killed between the places' expiry and the mark's release, the deletion is finished only after the
    places expired: its events were written (the trail, or a reader following it, has them), and the
    ``DELETE`` finishing it writes none of them again (it wrote them a second time, the places gone)."""
    client = alice.client
    alice.log_in()
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    die_after(monkeypatch, client.application.extensions["sls"].store.events, "places_done", 1)
    killed_deleting(client, path)
    places_expire(redis_url)

    assert client.delete(path, headers=ADMIN).status_code == 200
    assert client.delete(path, headers=ADMIN).status_code == 404
    if path.startswith("/admin/v1/users/"):
        assert [len(told(client, t)) for t in ("user.deleted", "session.killed")] == [1, 1]
        assert keys_of(redis_url, "u:alice") == {}
    else:
        [detail] = deleted_events(client)
        assert "resumed" not in detail, detail  # in the words of the request that wrote it
        assert keys_of(redis_url, "a:desk-1") == {}

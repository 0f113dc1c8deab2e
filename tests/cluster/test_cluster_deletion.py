"""On a Redis Cluster, a deletion's events are in the trail once when its worker is killed after writing
them and before releasing its mark: the mark on the user's or the account's slot, the events and their
places on the trail's (``keys.event_places``), each script on one slot; and the places expire, the worker
killed right after the release included (their expiry is set before it: no step can do both). An account's
finisher releases a member's link (the user's slot) only to the incarnation its mark (the account's slot)
names, so one that stalled while the id was made again leaves the new account's member in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, config_on
from kill_kit import WorkerKilled, die_after, race_once

from cluster.topology import LocalCluster
from sls_server import create_app
from sls_server.store import keys

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_deletions_killed_before_their_marks_went_have_their_events_once(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = create_app(config_on(cluster.url, tmp_path / "data")).test_client()
    store = client.application.extensions["sls"].store
    EnrolledUser(client, ADMIN, "alice", "1234").log_in()
    desk = {"account_id": "desk-1", "users": ["alice"], "ip_allowlist": []}
    assert client.post("/admin/v1/accounts", json=desk, headers=ADMIN).status_code == 201

    die_after(monkeypatch, store.events, "append_once", 1)  # account.deleted written, its mark held
    with pytest.raises(WorkerKilled):
        client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    finished = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert (finished.status_code, finished.get_json()) == (200, {"deleted": "desk-1", "users": ["alice"]})

    die_after(monkeypatch, store.users, "end_deletion", 1)  # the events written, the mark released
    with pytest.raises(WorkerKilled):
        client.delete("/admin/v1/users/alice", headers=ADMIN)
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 404

    listed = client.get("/admin/v1/events?limit=500", headers=ADMIN).get_json()["events"]
    types = [event["type"] for event in listed]
    assert [types.count(t) for t in ("account.deleted", "user.deleted", "session.killed")] == [1, 1, 1], types
    places = list(store.client.scan_iter(match=keys.event_places("*")))
    assert len(places) == 2 and all(store.client.ttl(key) > 0 for key in places), places


def test_a_stalled_account_finisher_leaves_the_member_of_the_id_made_again(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = create_app(config_on(cluster.url, tmp_path / "data")).test_client()
    store = client.application.extensions["sls"].store
    EnrolledUser(client, ADMIN, "alice", "1234")
    desk = {"account_id": "desk-1", "users": ["alice"], "ip_allowlist": ["203.0.113.0/24"]}
    assert client.post("/admin/v1/accounts", json=desk, headers=ADMIN).status_code == 201
    die_after(monkeypatch, store.access, "remove_account", 1)  # the record gone, alice's link naming it
    with pytest.raises(WorkerKilled):
        client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)

    def finish_and_make_again() -> list[int]:
        other = client.application.test_client()
        finished = other.delete("/admin/v1/accounts/desk-1", headers=ADMIN).status_code
        return [finished, other.post("/admin/v1/accounts", json=desk, headers=ADMIN).status_code]

    raced = race_once(monkeypatch, store.access, "deletion_is", finish_and_make_again)
    assert client.delete("/admin/v1/accounts/desk-1", headers=ADMIN).status_code == 200
    assert raced == [[200, 201]]
    assert client.get("/admin/v1/accounts/desk-1", headers=ADMIN).get_json()["users"] == ["alice"]
    linked = client.get("/admin/v1/users/alice/ip-allowlist", headers=ADMIN).get_json()["account_id"]
    assert linked == "desk-1"


def test_a_deletion_killed_after_its_places_expire_is_finished_without_its_events_again(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between the places' expiry and the mark's release; the places gone (their TTL run out, done
    at once here) before the ``DELETE`` finishing it: the mark (the user's slot) says the events are
    written, so none is written again."""
    client = create_app(config_on(cluster.url, tmp_path / "data")).test_client()
    store = client.application.extensions["sls"].store
    EnrolledUser(client, ADMIN, "alice", "1234").log_in()
    die_after(monkeypatch, store.events, "places_done", 1)
    with pytest.raises(WorkerKilled):
        client.delete("/admin/v1/users/alice", headers=ADMIN)
    for key in list(store.client.scan_iter(match=keys.event_places("*"))):
        store.client.delete(key)

    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    listed = client.get("/admin/v1/events?limit=500", headers=ADMIN).get_json()["events"]
    types = [event["type"] for event in listed]
    assert [types.count(t) for t in ("user.deleted", "session.killed")] == [1, 1], types

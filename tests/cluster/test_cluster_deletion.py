"""On a Redis Cluster, a deletion's events are in the trail once when its worker is killed after writing
them and before releasing its mark: the mark on the user's or the account's slot, the events and their
places on the trail's (``keys.event_places``), each script on one slot; and the places expire, the worker
killed right after the release included (their expiry is set before it: no step can do both)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, config_on
from kill_kit import WorkerKilled, die_after

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

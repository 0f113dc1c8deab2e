"""On a real Redis Cluster, a command whose answer was lost (the connection to its master cut after Redis ran
it) is never sent again: the request answers 503 and what it wrote is there once. The cut is made by a proxy
in front of one master (``tests/answer_cutter.py``) that the store's own client is routed through. What sent
nothing (a connection refused) is still tried again: the first request after a failover is served."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from answer_cutter import AnswerCutter, route_through
from conftest import ADMIN_TOKEN, config_on
from flask import Flask

from cluster.topology import LocalCluster, Node, poll
from sls_server import create_app
from sls_server.store import keys

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
PHONE = "+15555550123"


@pytest.fixture
def app(cluster: LocalCluster, tmp_path: Path) -> Flask:
    return create_app(config_on(cluster.url, tmp_path / "data"))


@contextlib.contextmanager
def cut_at(cluster: LocalCluster, app: Flask, key: str, armed: bytes) -> Iterator[AnswerCutter]:
    """A cutter in front of ``key``'s master, the app's client routed through it for the block, armed with
    ``armed``; after the block the client goes to the master itself again."""
    master = cluster.master_of(key)
    cutter = AnswerCutter(("127.0.0.1", master.port))
    client = app.extensions["sls"].store.client
    route_through(client, master.address, cutter)
    cutter.armed = armed
    try:
        yield cutter
    finally:
        cutter.close()
        client.nodes_manager.address_remap = None
        client.nodes_manager.initialize()


def test_a_text_whose_answer_was_lost_lands_in_the_inbox_once(cluster: LocalCluster, app: Flask) -> None:
    client = app.test_client()
    user = {"username": "sam", "password": PASSWORD, "phone": PHONE, "sms": False}
    assert client.post("/admin/v1/users", json=user, headers=ADMIN).status_code == 201
    assert client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=ADMIN).status_code == 201
    box = keys.phone_box(PHONE, "messages")
    with cut_at(cluster, app, box, box.encode()) as cutter:
        lost = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
        assert cutter.cut == 1
    assert lost.status_code == 503 and lost.get_json()["error"] == "store_unavailable"
    inbox = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    assert [text["purpose"] for text in inbox if text["purpose"] == "login"] == ["login"], "stored once"


def test_a_wrong_password_whose_answer_was_lost_counts_once(cluster: LocalCluster, app: Flask) -> None:
    """The script that settles a wrong password went alone through redis-py's cluster client, which sends a
    command again after a lost connection: one wrong password counted twice."""
    client = app.test_client()
    created = client.post("/admin/v1/users", json={"username": "bob", "password": PASSWORD}, headers=ADMIN)
    assert created.status_code == 201
    wrong = {"username": "bob", "password": "wrong-password-x"}
    assert client.post("/api/v1/auth/login", json=wrong).status_code == 401  # the settling script loaded
    sha = app.extensions["sls"].store.scripts._scripts["lockout_settle"].sha
    with cut_at(cluster, app, keys.lockout("bob", "all"), sha.encode()) as cutter:
        lost = client.post("/api/v1/auth/login", json=wrong)
        assert cutter.cut == 1
    assert lost.status_code == 503 and lost.get_json()["error"] == "store_unavailable"
    lockout = client.get("/admin/v1/users/bob/lockout", headers=ADMIN).get_json()
    assert lockout["buckets"]["all"]["failures"] == 2, "the wrong password Redis counted, once"


def test_the_first_request_after_a_failover_the_client_has_not_heard_of_is_served(
    cluster: LocalCluster, app: Flask
) -> None:
    """A connection refused has sent nothing, so that much is still tried again: the batch's connections are
    all opened before anything is written, and one refused (a crashed master, its replica promoted since) has
    the slot map read again and the batch sent to the new master. A batch answered 503 there, though the
    cluster was whole again, until a request had failed on each thread."""
    client = app.test_client()
    clock_at = cluster.master_of(keys.CLOCK_OFFSET)
    name = next(f"user{n}" for n in range(100) if cluster.master_of(keys.user(f"user{n}")) is not clock_at)
    created = client.post("/admin/v1/users", json={"username": name, "password": PASSWORD}, headers=ADMIN)
    assert created.status_code == 201
    wrong = {"username": name, "password": "wrong-password-x"}
    assert client.post("/api/v1/auth/login", json=wrong).status_code == 401  # connections open
    master = cluster.master_of(keys.user(name))
    cluster.wait_replicated(master)
    replica = cluster.replica_of(master)

    master.kill()
    try:
        poll(
            "the replica to be promoted", lambda: cluster.master_of(keys.user(name)) is replica, timeout_s=30
        )
        cluster.wait_serving()  # the other masters (the clock's) leave state fail a moment after one names it
        assert client.post("/api/v1/auth/login", json=wrong).status_code == 401, "served at the first try"
        lockout = client.get(f"/admin/v1/users/{name}/lockout", headers=ADMIN).get_json()
        assert lockout["buckets"]["all"]["failures"] == 2
    finally:
        master.start()  # it rejoins as the new master's replica: the cluster whole again for later tests
        cluster.wait_healthy()


def promoted(cluster: LocalCluster, name: str, replica: Node) -> bool:
    """Every live node's slot map the same, with ``replica`` serving the user's slot."""
    maps = {cluster._slot_map(node) for node in cluster.live_nodes()}
    return len(maps) == 1 and cluster.master_of(keys.user(name)) is replica

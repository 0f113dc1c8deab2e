"""``/readyz`` on a real three-master Redis Cluster tells the truth about every slot: a master down (its
slots served by nobody until its replica is promoted) or frozen makes it 503 naming that master, within
about one Redis timeout; the cluster whole again makes it 200. It probed only the master of its own key
before, and answered ready while every login of a user on another master answered 503. The answer names the
master by the first slot it serves, never by its address (``/readyz`` answers anyone who reaches the
port); the server's log names the address."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from conftest import config_on
from flask.testing import FlaskClient

from cluster.topology import LocalCluster, Node, poll
from sls_server import create_app
from sls_server.store import keys

TIMEOUT_S = 0.4


@pytest.fixture
def client(cluster: LocalCluster, tmp_path: Path) -> FlaskClient:
    app = create_app(config_on(cluster.url, tmp_path / "data", REDIS_TIMEOUT=TIMEOUT_S))
    return app.test_client()


def other_master(cluster: LocalCluster) -> Node:
    """A master that does not hold the single-Redis probe key: the one the old probe never asked."""
    holder = cluster.master_of(keys.READY_PROBE)
    return next(node for node in cluster.live_nodes() if node.role() == "master" and node is not holder)


def test_a_frozen_master_makes_readyz_503_naming_it_within_about_one_timeout(
    cluster: LocalCluster, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert client.get("/readyz").status_code == 200
    frozen = other_master(cluster)
    slot = first_slot(frozen)
    with (
        frozen.frozen(),
        caplog.at_level(logging.WARNING, logger="sls_server"),
    ):  # shorter than the node timeout: no failover, its slots are simply not served
        started = time.monotonic()
        answer = client.get("/readyz")
        took = time.monotonic() - started
    assert answer.status_code == 503, answer.get_json()
    body = answer.get_json()
    assert body["error"] == "store_unavailable" and body["status"] == "unavailable"
    assert f"master of slot {slot} did not answer" in body["message"], body
    assert frozen.address not in answer.get_data(as_text=True)
    assert str(frozen.port) not in answer.get_data(as_text=True)
    assert any(frozen.address in r.getMessage() for r in caplog.records), "the log names the master"
    assert took < 2.5 * TIMEOUT_S, f"answered after {took:.2f} s"
    assert client.get("/readyz").status_code == 200


def test_a_crashed_master_makes_readyz_503_until_its_replica_is_promoted(
    cluster: LocalCluster, client: FlaskClient
) -> None:
    assert client.get("/readyz").status_code == 200
    master = other_master(cluster)
    slot = first_slot(master)
    cluster.wait_replicated(master)
    master.kill()
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 503, answer.get_json()
        assert f"master of slot {slot}" in answer.get_json()["message"]
        assert master.address not in answer.get_data(as_text=True)

        poll("readyz to answer 200 once the replica serves the slots", lambda: _ready(client), timeout_s=30)
    finally:
        master.start()  # it rejoins as the new master's replica: the cluster is whole for later tests
        cluster.wait_healthy()
    assert master.role() == "slave"
    assert client.get("/readyz").status_code == 200


def first_slot(master: Node) -> int:
    """The first slot ``master`` serves (asked before it is frozen or killed): ``/readyz`` names it so."""
    return min(int(row[0]) for row in master.call("CLUSTER", "SLOTS") if int(row[2][1]) == master.port)


def _ready(client: FlaskClient) -> bool:
    return client.get("/readyz").status_code == 200

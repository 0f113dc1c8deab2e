"""On a real Redis Cluster, a command a master answered with a redirect (``MOVED`` after a failover the client
had not heard of, ``ASK`` while a slot moves) is sent where it was sent, and only there, once: its answer lost
on the way back, the request answers 503 and what the command wrote is there once. redis-py's cluster client,
which followed the redirects before, sent a command again after its connection was lost: a wrong password
counted twice.

The loss is made by a cutter (``tests/answer_cutter.py``) that the node the redirect names announces to the
cluster as its own address (``cluster-announce-port``): the redirect names the cutter, as does every slot map,
so the client reaches that node through it however it follows the redirect."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from answer_cutter import AnswerCutter
from conftest import ADMIN_TOKEN, config_on
from flask import Flask

from cluster.topology import LocalCluster, Node, poll, promote
from sls_server import create_app
from sls_server.accounts.passwords import PasswordHasher
from sls_server.store import keys
from sls_server.store.writebehind import Queued

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
WRONG = {"password": "wrong-password-x"}


@pytest.fixture
def app(cluster: LocalCluster, tmp_path: Path) -> Flask:
    # these tests lose answers on purpose, by a cut: a slow answer on a loaded machine must not be lost
    # another way first, by the default 2 s read timeout
    return create_app(config_on(cluster.url, tmp_path / "data", REDIS_TIMEOUT=20.0))


@contextlib.contextmanager
def announced_through(cluster: LocalCluster, node: Node) -> Iterator[AnswerCutter]:
    """A cutter in front of ``node``, which announces the cutter's port as its own for the block (its bus port
    unchanged), once every other node names it so; after the block its own port again, once they all do."""
    cutter = AnswerCutter(("127.0.0.1", node.port))
    node.call("CONFIG", "SET", "cluster-announce-bus-port", node.port + 10000)
    node.call("CONFIG", "SET", "cluster-announce-port", cutter.port)
    try:
        poll("the other nodes to name the cutter", lambda: _others_name(cluster, node, cutter.port))
        yield cutter
    finally:
        node.call("CONFIG", "SET", "cluster-announce-port", 0)
        node.call("CONFIG", "SET", "cluster-announce-bus-port", 0)
        poll("the other nodes to name the node again", lambda: _others_name(cluster, node, node.port))
        cutter.close()


def _others_name(cluster: LocalCluster, node: Node, port: int) -> bool:
    others = [other for other in cluster.live_nodes() if other is not node]
    return all(f"127.0.0.1:{port}@" in str(other.call("CLUSTER", "NODES")) for other in others)


def quiet_user(cluster: LocalCluster) -> str:
    """A user on a master holding neither the clock nor the audit trail: its failover moves nothing else."""
    busy = {cluster.master_of(keys.CLOCK_OFFSET).port, cluster.master_of(keys.EVENTS).port}
    return next(f"user{n}" for n in range(200) if cluster.master_of(keys.user(f"user{n}")).port not in busy)


def test_a_wrong_password_moved_by_a_failover_and_its_answer_lost_counts_once(
    cluster: LocalCluster, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The master fails over while the password is judged, so the settling script goes to the old master,
    which answers MOVED; the new master runs it and its answer is lost. Followed through redis-py's cluster
    client, it was sent again: the failure counted twice."""
    client = app.test_client()
    name = quiet_user(cluster)
    created = client.post("/admin/v1/users", json={"username": name, "password": PASSWORD}, headers=ADMIN)
    assert created.status_code == 201
    wrong = {"username": name, **WRONG}
    assert client.post("/api/v1/auth/login", json=wrong).status_code == 401  # the settling script loaded
    sha = app.extensions["sls"].store.scripts._scripts["lockout_settle"].sha
    master = cluster.master_of(keys.user(name))
    replica = cluster.replica_of(master)
    cluster.wait_replicated(master)
    judge = PasswordHasher.verify

    def judged_during_a_failover(hasher: PasswordHasher, password: str, encoded: str) -> bool:
        monkeypatch.setattr(PasswordHasher, "verify", judge)
        promote(replica)  # it takes every write first; the app's map names the old master
        poll("the old master to follow", lambda: master.role() == "slave")
        cluster.wait_serving()  # a node in state fail answers CLUSTERDOWN where this one should say MOVED
        return judge(hasher, password, encoded)

    with announced_through(cluster, replica) as cutter:
        monkeypatch.setattr(PasswordHasher, "verify", judged_during_a_failover)
        cutter.armed = sha.encode()
        lost = client.post("/api/v1/auth/login", json=wrong)
        assert cutter.cut == 1, (
            f"the settling script went to the new master, through the cutter (the login answered "
            f"{lost.status_code} {lost.get_json()}; the cutter still armed: {cutter.armed is not None})"
        )
        lockout = client.get(f"/admin/v1/users/{name}/lockout", headers=ADMIN).get_json()
    assert lockout["buckets"]["all"]["failures"] == 2, "the wrong password Redis counted, once"
    assert lost.status_code == 503 and lost.get_json()["error"] == "store_unavailable"


def test_a_command_asked_elsewhere_while_its_slot_moves_runs_there_once(
    cluster: LocalCluster, app: Flask
) -> None:
    """A slot migrating from one master to another: a key the first no longer holds is answered ASK, and the
    command goes to the second, after ASKING. Answered there, it is one write; its answer lost, a 503 (a
    ConnectionError) and still one write, not two."""
    store = app.extensions["sls"].store
    key, lost_key = keys.phone_box("+15555550100", "seen"), keys.phone_box("+15555550100", "lost")
    source = cluster.master_of(key)
    target = next(node for node in cluster.live_nodes() if node.role() == "master" and node is not source)
    slot = int(source.call("CLUSTER", "KEYSLOT", key))
    with announced_through(cluster, target) as cutter:
        store.client.nodes_manager.initialize()  # the slot map names the cutter for the target
        target.call("CLUSTER", "SETSLOT", slot, "IMPORTING", cluster.node_id(source))
        source.call("CLUSTER", "SETSLOT", slot, "MIGRATING", cluster.node_id(target))
        try:
            assert Queued(("INCR", key)).send(store.client) == 1
            cutter.armed = lost_key.encode()
            try:
                lost: object = Queued(("INCR", lost_key)).send(store.client)
            except redis.exceptions.ConnectionError as exc:
                lost = exc
            assert cutter.cut == 1
            with target.client() as direct:
                pipe = direct.pipeline(transaction=False)
                pipe.execute_command("ASKING").get(key).execute_command("ASKING").get(lost_key)
                assert pipe.execute()[1::2] == ["1", "1"], "each run once, on the importing master"
                pipe.execute_command("ASKING").delete(key).execute_command("ASKING").delete(lost_key)
                pipe.execute()
            assert isinstance(lost, redis.exceptions.ConnectionError), "its answer lost: the caller's 503"
        finally:
            for node in (source, target):
                node.call("CLUSTER", "SETSLOT", slot, "STABLE")


def test_a_command_redirected_round_and_round_fails_closed_having_run_nowhere(
    cluster: LocalCluster, app: Flask
) -> None:
    """A slot half moved (its master migrating it to a node that is not importing it): the master answers ASK,
    the other node MOVED back, and so on. The command gives up after a few redirects: CLUSTERDOWN, an outage
    (the caller's 503), not a loop, and it ran nowhere."""
    store = app.extensions["sls"].store
    key = keys.phone_box("+15555550101", "seen")
    source = cluster.master_of(key)
    target = next(node for node in cluster.live_nodes() if node.role() == "master" and node is not source)
    slot = int(source.call("CLUSTER", "KEYSLOT", key))
    source.call("CLUSTER", "SETSLOT", slot, "MIGRATING", cluster.node_id(target))
    try:
        with pytest.raises(redis.exceptions.ClusterDownError):
            Queued(("INCR", key)).send(store.client)
    finally:
        source.call("CLUSTER", "SETSLOT", slot, "STABLE")
    assert source.call("EXISTS", key) == 0

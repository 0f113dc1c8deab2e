"""Real Redis topologies on loopback, built from the ``redis-server`` binary alone (no ``redis-cli``).

- :class:`LocalCluster`: three masters and three replicas with ``--cluster-enabled yes``, joined the way
  ``redis-cli --cluster create`` does it, but from Python: distinct config epochs, ``CLUSTER ADDSLOTS`` (5461
  or so slots per master; ``ADDSLOTSRANGE`` is Redis 7 only), ``CLUSTER MEET``, ``CLUSTER REPLICATE``, then
  polling until every node agrees on the slot map and every replica is in sync.
- :class:`LocalSentinel`: a master, its replica and three Sentinels (``redis-server --sentinel``).

Cluster buses cannot use unix sockets, so the nodes listen on TCP, bound to 127.0.0.1 with protected mode
on; a node's bus port is its port + 10000, so ports are drawn below 22768 (both stay under the ephemeral
range, where the kernel picks outgoing ports). Every process dies with the test process (PDEATHSIG) and is
stopped at the fixture's end. Every wait polls a condition against a deadline; none sleeps for time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cluster.redis_node import Node, TopologyError, cluster_ports, free_ports, poll

__all__ = ["LocalCluster", "Node", "TopologyError", "cluster_state", "free_ports", "poll", "promote"]

SLOTS = 16384
MASTER_NAME = "sls"


def promote(replica: Node, attempts: int = 5) -> None:
    """``CLUSTER FAILOVER`` on ``replica`` until it is a master. Redis drops a manual failover that has not
    finished within 5 s (``CLUSTER_MF_TIMEOUT``), silently: on a loaded machine (three test workers on two
    CPUs) one can lapse, and the replica stays a replica. So each attempt is watched a little longer than
    that, and a lapsed one asked for again."""
    for _ in range(attempts):
        replica.call("CLUSTER", "FAILOVER")
        with contextlib.suppress(TopologyError):
            poll(f"{replica.address} to become master", lambda: replica.role() == "master", timeout_s=8)
            return
    raise TopologyError(f"{replica.address} did not become master in {attempts} manual failovers")


class LocalCluster:
    """Three masters, three replicas. ``url`` names every node as a startup node."""

    #: A node not heard from for this long is failed and its replica promoted (a hard failover). CI runs the
    #: suite on two CPUs at a load of 10 to 15: at 2 s, a master stopped 3.5 s was failed, every node
    #: answering CLUSTERDOWN until its replica took over (``test_cluster_topology.py``). Longer costs the
    #: tests that kill a master as much again in waiting.
    NODE_TIMEOUT_MS = 6000

    def __init__(self, folder: Path, masters: int = 3) -> None:
        self.folder = folder
        ports = cluster_ports(masters * 2)
        extra = [
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", str(self.NODE_TIMEOUT_MS),
            "--appendonly", "no",
            "--save", "",
        ]  # fmt: skip
        self.nodes = [Node(folder / f"node-{port}", port, extra) for port in ports]
        self.masters_at_start = self.nodes[:masters]
        self.replicas_at_start = self.nodes[masters:]

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(node.address for node in self.nodes)

    def start(self) -> LocalCluster:
        try:
            for node in self.nodes:
                node.start()
            self._create()
        except BaseException:
            self.stop()
            raise
        return self

    def _create(self) -> None:
        masters, replicas = self.masters_at_start, self.replicas_at_start
        per = SLOTS // len(masters)
        for index, master in enumerate(masters):
            master.call("CLUSTER", "SET-CONFIG-EPOCH", index + 1)
            last = SLOTS if index == len(masters) - 1 else (index + 1) * per
            master.call("CLUSTER", "ADDSLOTS", *range(index * per, last))
        for node in self.nodes[1:]:
            self.nodes[0].call("CLUSTER", "MEET", "127.0.0.1", node.port)
        poll("every node to know every other", self._all_met)
        for master, replica in zip(masters, replicas, strict=True):
            replica.call("CLUSTER", "REPLICATE", self.node_id(master))
        self.wait_healthy()

    def node_id(self, node: Node) -> str:
        return str(node.call("CLUSTER", "MYID"))

    def _views(self, nodes: Iterable[Node]) -> list[list[list[str]]]:
        """Each node's CLUSTER NODES, as rows of fields."""
        return [
            [line.split() for line in node.call("CLUSTER", "NODES").splitlines() if line] for node in nodes
        ]

    def _all_met(self) -> bool:
        for rows in self._views(self.nodes):
            if len(rows) != len(self.nodes) or any(
                "handshake" in row[2] or "noaddr" in row[2] for row in rows
            ):
                return False
        return True

    def live_nodes(self) -> list[Node]:
        return [node for node in self.nodes if node.alive()]

    def wait_healthy(self, timeout_s: float = 30.0) -> None:
        """Every node up, state ok, one agreed slot map, every replica's link up and caught up."""
        poll("the cluster to be healthy", self._healthy, timeout_s=timeout_s)

    def _healthy(self) -> bool:
        nodes = self.nodes
        if not all(node.alive() for node in nodes):
            return False
        for node in nodes:
            info = _cluster_info(node)
            if info.get("cluster_state") != "ok" or info.get("cluster_known_nodes") != str(len(nodes)):
                return False
        maps = {self._slot_map(node) for node in nodes}
        if len(maps) != 1:
            return False
        masters = [node for node in nodes if node.role() == "master"]
        if len(masters) != len(self.masters_at_start):
            return False
        for node in nodes:
            if node.role() == "slave":
                replication = node.info("replication")
                if replication.get("master_link_status") != "up" or replication.get(
                    "master_sync_in_progress"
                ):
                    return False
        return all(self._in_sync(master) for master in masters)

    def wait_serving(self, timeout_s: float = 30.0) -> None:
        """Every live node reports ``cluster_state:ok``: after a failover, before the next step counts on an
        answer. A node whose state is ``fail`` answers ``CLUSTERDOWN`` to every command with a key, ``MOVED``
        included, and the nodes leave ``fail`` one by one as word of the promotion reaches them (the new
        master first): one node's slot map naming the new master says nothing of the others' state."""
        failing: list[str] = []

        def all_ok() -> bool:
            failing[:] = [
                f"{node.address} ({state})"
                for node in self.live_nodes()
                if (state := cluster_state(node)) != "ok"
            ]
            return not failing

        try:
            poll("every live node to report cluster_state:ok", all_ok, timeout_s=timeout_s)
        except TopologyError as exc:
            raise TopologyError(f"{exc}; not ok: {', '.join(failing) or '(unread)'}") from exc

    def _slot_map(self, node: Node) -> tuple[tuple[int, int, str], ...]:
        slots = node.call("CLUSTER", "SLOTS")
        return tuple(sorted((int(row[0]), int(row[1]), f"{row[2][0]}:{row[2][1]}") for row in slots))

    def _in_sync(self, master: Node) -> bool:
        """Every replica of ``master`` has every write it has (nothing in flight to lose)."""
        info = master.info("replication")
        offset = int(info["master_repl_offset"])
        replicas = [value for key, value in info.items() if key.startswith("slave") and key[5:].isdigit()]
        return bool(replicas) and all(_caught_up(entry, offset) for entry in replicas)

    def master_of(self, key: str) -> Node:
        """The live node serving ``key``'s slot now."""
        some = self._any_live()
        slot = int(some.call("CLUSTER", "KEYSLOT", key))
        for start, end, address in self._slot_map(some):
            if start <= slot <= end:
                return self.node_at(address)
        raise TopologyError(f"no node serves slot {slot}")

    def replica_of(self, master: Node) -> Node:
        master_id = self.node_id(master)
        for node in self.live_nodes():
            if node is not master and node.role() == "slave":
                myself = next(row for row in self._views([node])[0] if "myself" in row[2])
                if myself[3] == master_id:
                    return node
        raise TopologyError(f"{master.address} has no live replica")

    def nodes_by_port(self) -> dict[int, Node]:
        return {node.port: node for node in self.nodes}

    def node_at(self, address: str) -> Node:
        return self.nodes_by_port()[int(address.rsplit(":", 1)[1])]

    def _any_live(self) -> Node:
        return next(node for node in self.nodes if node.alive())

    def wait_replicated(self, master: Node) -> None:
        """Until every replica of ``master`` has all its writes (before a crash that must lose nothing)."""
        poll(f"{master.address}'s replicas to catch up", lambda: self._in_sync(master), timeout_s=15)

    def manual_failover(self, master: Node) -> Node:
        """``CLUSTER FAILOVER`` on ``master``'s replica: it waits for the replica to have every write, then
        swaps the roles. Returns the new master once the whole cluster agrees."""
        replica = self.replica_of(master)
        promote(replica)
        self.wait_healthy()
        return replica

    def flush(self) -> None:
        """Empty every master (their replicas follow): the per-test clean slate."""
        for node in self.live_nodes():
            if node.role() == "master":
                node.call("FLUSHALL")

    def stop(self) -> None:
        for node in self.nodes:
            with contextlib.suppress(Exception):
                node.stop()


def _caught_up(entry: Any, offset: int) -> bool:
    """A master's ``INFO replication`` entry for one replica: online, with every byte up to ``offset``."""
    return (
        isinstance(entry, dict) and entry.get("state") == "online" and int(entry.get("offset", -1)) >= offset
    )


def cluster_state(node: Node) -> str:
    """``node``'s own ``cluster_state`` (``ok`` or ``fail``): whether it serves commands with keys at all."""
    return _cluster_info(node).get("cluster_state", "(none)")


def _cluster_info(node: Node) -> dict[str, str]:
    raw = node.call("CLUSTER", "INFO")
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    return dict(line.split(":", 1) for line in str(raw).splitlines() if ":" in line)

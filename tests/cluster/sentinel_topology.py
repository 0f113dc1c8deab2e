"""A Redis master, one replica and three Sentinels on loopback, built from the ``redis-server`` binary alone
(the Sentinel counterpart of :class:`cluster.topology.LocalCluster`)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from cluster.topology import MASTER_NAME, Node, TopologyError, _caught_up, free_ports, poll


class LocalSentinel:
    """A master, one replica and three Sentinels watching them under the name :data:`MASTER_NAME`."""

    DOWN_AFTER_MS = 2000
    #: A Sentinel whose timer runs 2 s late (its process stalled: a loaded machine, an fsync of its config)
    #: enters TILT mode and acts on nothing for this long; Redis 6.2 has no setting for either. Every wait on
    #: the Sentinels allows for one TILT period and then as long again for the work itself.
    TILT_S = 30.0

    def __init__(self, folder: Path, sentinels: int = 3) -> None:
        self.folder = folder
        master_port, replica_port, *sentinel_ports = free_ports(2 + sentinels)
        common = ["--appendonly", "no", "--save", ""]
        self.master = Node(folder / f"redis-{master_port}", master_port, common)
        self.replica = Node(
            folder / f"redis-{replica_port}",
            replica_port,
            [*common, "--replicaof", "127.0.0.1", str(master_port)],
        )
        self.sentinels: list[Node] = []
        for port in sentinel_ports:
            conf = folder / f"sentinel-{port}" / "sentinel.conf"
            conf.parent.mkdir(parents=True, exist_ok=True)
            conf.write_text(
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 2\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} {self.DOWN_AFTER_MS}\n"
                f"sentinel failover-timeout {MASTER_NAME} 10000\n"
                f"sentinel parallel-syncs {MASTER_NAME} 1\n"
            )
            self.sentinels.append(Node(conf.parent, port, [], sentinel_conf=conf))

    @property
    def url(self) -> str:
        return "redis+sentinel://" + ",".join(node.address for node in self.sentinels) + f"/{MASTER_NAME}"

    def start(self) -> LocalSentinel:
        try:
            self.master.start()
            self.replica.start()
            for sentinel in self.sentinels:
                sentinel.start()
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def master_address(self, sentinel: Node | None = None) -> str:
        host, port = (sentinel or self.sentinels[0]).call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)
        return f"{host}:{port}"

    def current_master(self) -> Node:
        address = self.master_address()
        return next(node for node in (self.master, self.replica) if node.address == address)

    def wait_healthy(self, timeout_s: float = 2 * TILT_S) -> None:
        """Every Sentinel names the same master, which is one, and sees its replica in sync and reachable."""
        poll("the Sentinel set-up to be healthy", self._healthy, timeout_s=timeout_s)

    def _healthy(self) -> bool:
        addresses = {self.master_address(sentinel) for sentinel in self.sentinels}
        if len(addresses) != 1:
            return False
        master = self.current_master()
        other = self.replica if master is self.master else self.master
        if master.role() != "master" or other.role() != "slave":
            return False
        if other.info("replication").get("master_link_status") != "up":
            return False
        for sentinel in self.sentinels:
            replicas = sentinel.call("SENTINEL", "REPLICAS", MASTER_NAME)
            rows = [_pairs(row) for row in replicas]
            if not any(row.get("name") == other.address and row.get("flags") == "slave" for row in rows):
                return False
        master_info = master.info("replication")
        return _caught_up(master_info.get("slave0"), int(master_info["master_repl_offset"]))

    def failover(self) -> Node:
        """``SENTINEL FAILOVER``: the replica is promoted and the old master made its replica. Returns the
        new master once every Sentinel names it and the old one replicates from it.

        A failover the Sentinel aborts is asked for again: one in TILT mode when it should see the promoted
        replica report itself master aborts it at the end of the period (``-failover-abort-slave-timeout``),
        and a forced failover is never resumed."""
        before = self.current_master()
        asker = self.sentinels[0]
        try:
            poll(
                "the Sentinels to name a new master",
                lambda: self._failed_over(asker, before),
                timeout_s=3 * self.TILT_S,
            )
        except TopologyError as exc:
            raise TopologyError(f"{exc}\nthe log of Sentinel {asker.address}:\n{asker.log_tail()}") from exc
        self.wait_healthy()
        return self.current_master()

    def _failed_over(self, asker: Node, before: Node) -> bool:
        """True once ``asker`` names a master other than ``before``; else asks it for a failover if none is
        running. Whether one runs is read first: a failover that ends between the two reads is then seen
        to have ended, never asked for again (which would fail back to ``before``)."""
        with asker.client() as client:
            running = "failover_in_progress" in client.sentinel_master(MASTER_NAME)["flags"]
        if self.master_address(asker) != before.address:
            return True
        if not running:  # not asked yet, or aborted; a refusal (no replica fit yet) is "not yet" to poll
            asker.call("SENTINEL", "FAILOVER", MASTER_NAME)
        return False

    def flush(self) -> None:
        self.current_master().call("FLUSHALL")

    def stop(self) -> None:
        for node in [*self.sentinels, self.replica, self.master]:
            with contextlib.suppress(Exception):
                node.stop()


def _pairs(row: Any) -> dict[str, str]:
    if isinstance(row, dict):
        return {str(k): str(v) for k, v in row.items()}
    return {str(row[i]): str(row[i + 1]) for i in range(0, len(row), 2)}

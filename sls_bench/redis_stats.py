"""What the flow costs Redis, read from Redis itself around a timed run.

* Round trips: ``total_reads_processed`` (``INFO stats``, Redis >= 6): one read event per request or
  pipeline that arrives, which is what a round trip is. Its change over the run, less this module's own
  INFO calls, divided by the flows.
* Commands: ``INFO commandstats`` (reset at the start with ``CONFIG RESETSTAT``), which counts the commands
  a Lua script runs as well as the ``EVALSHA`` that ran it; shown per flow, by command, for the curious.
* CPU: ``used_cpu_user`` + ``used_cpu_sys`` (``INFO cpu``), Redis's own seconds, which on a shared machine
  are taken from the server's cores too.

Both count everything the server did meanwhile; the benchmark runs nothing else against that Redis. On a
Redis Cluster both are summed over the masters (:func:`masters`), which take every command; a replica's
acknowledgements of its master's stream (``REPLCONF ACK``, one read a second each) are not round trips of
the flow, and are taken out of both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import redis
from redis.cluster import RedisCluster

from sls_server.store import connect


def masters(url: str) -> list[redis.Redis]:
    """A plain client on each master behind ``url`` (any ``SLS_REDIS_URL``: one Redis, Sentinel's master,
    or every master of a Cluster), for the per-server counters and memory no command routing can sum."""
    client = connect(url)
    if not isinstance(client, RedisCluster):
        return [client]
    try:
        return [
            redis.Redis(host=node.host, port=node.port, decode_responses=True)
            for node in client.get_primaries()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
        ]
    finally:
        client.close()


#: A replica's acknowledgement of its master's stream, once a second: a read, and no client's round trip.
REPLCONF = "cmdstat_replconf"


def client_reads(info: Mapping[str, Any]) -> int:
    """The reads a server took from its clients (``total_reads_processed``) less its replicas'
    acknowledgements, from one ``INFO all``: both counters of the same instant (an acknowledgement between
    two INFOs would count in one and not the other)."""
    return int(info["total_reads_processed"]) - int(info.get(REPLCONF, {}).get("calls", 0))


def _used_cpu_s(node: redis.Redis) -> float:
    """Seconds of CPU this Redis has used since it started, user and system."""
    cpu = node.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


class RedisCounters:
    """Counts over one or more timed slices (:meth:`start` ... :meth:`stop`), summed."""

    def __init__(self, url: str) -> None:
        self._nodes = masters(url)
        self._reads_total = 0
        self._cpu_s = 0.0
        self._commands: Counter[str] = Counter()

    def start(self) -> None:
        for node in self._nodes:
            node.config_resetstat()
        self._reads0 = self._reads()
        self._cpu0 = self._cpu()

    def stop(self) -> None:
        self._reads_total += self._reads() - self._reads0 - len(self._nodes)  # less our own INFO on each
        self._cpu_s += self._cpu() - self._cpu0
        for node in self._nodes:
            for name, value in node.info("commandstats").items():
                if name.startswith("cmdstat_") and name not in ("cmdstat_info", "cmdstat_config", REPLCONF):
                    self._commands[name.removeprefix("cmdstat_")] += int(value["calls"])

    def _reads(self) -> int:
        return sum(client_reads(node.info("all")) for node in self._nodes)

    def _cpu(self) -> float:
        return sum(_used_cpu_s(node) for node in self._nodes)

    def per_flow(self, flows: int) -> dict[str, Any]:
        """Per flow over the slices stopped so far."""
        reads, commands = self._reads_total, self._commands
        flows = max(flows, 1)
        return {
            "masters": len(self._nodes),
            "round_trips_per_flow": reads / flows,
            "commands_per_flow": sum(commands.values()) / flows,
            "script_calls_per_flow": (commands.get("evalsha", 0) + commands.get("eval", 0)) / flows,
            "cpu_ms_per_flow": self._cpu_s / flows * 1000,
            "by_command": {name: round(calls / flows, 2) for name, calls in sorted(commands.items())},
        }

    def close(self) -> None:
        for node in self._nodes:
            node.close()

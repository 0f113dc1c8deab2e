"""What the flow costs Redis, read from Redis itself around a timed run.

* Round trips: ``total_reads_processed`` (``INFO stats``, Redis >= 6): one read event per request or
  pipeline that arrives, which is what a round trip is. Its change over the run, less this module's own
  INFO calls, divided by the flows.
* Commands: ``INFO commandstats`` (reset at the start with ``CONFIG RESETSTAT``), which counts the commands
  a Lua script runs as well as the ``EVALSHA`` that ran it; shown per flow, by command, for the curious.

Both count everything the server did meanwhile; the benchmark runs nothing else against that Redis.
"""

from __future__ import annotations

from typing import Any

import redis


class RedisCounters:
    def __init__(self, url: str) -> None:
        self._r = redis.Redis.from_url(url, decode_responses=True)

    def start(self) -> None:
        self._r.config_resetstat()
        self._reads0 = int(self._r.info("stats")["total_reads_processed"])

    def per_flow(self, flows: int) -> dict[str, Any]:
        reads = int(self._r.info("stats")["total_reads_processed"]) - self._reads0 - 1  # less our own INFO
        stats = self._r.info("commandstats")
        commands = {
            name.removeprefix("cmdstat_"): int(value["calls"])
            for name, value in stats.items()
            if name.startswith("cmdstat_") and name not in ("cmdstat_info", "cmdstat_config")
        }
        flows = max(flows, 1)
        return {
            "round_trips_per_flow": reads / flows,
            "commands_per_flow": sum(commands.values()) / flows,
            "script_calls_per_flow": (commands.get("evalsha", 0) + commands.get("eval", 0)) / flows,
            "by_command": {name: round(calls / flows, 2) for name, calls in sorted(commands.items())},
        }

    def close(self) -> None:
        self._r.close()

"""One server under test in ``sls bench``: what its clients saw, what it cost, summed over its turns."""

from __future__ import annotations

from typing import Any

from .clients import Outcome, drive
from .cpu import NOTHING, Usage, tree_usage
from .flow import STEPS
from .redis_stats import RedisCounters
from .seed import Seeded
from .servers import Server


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def summarise(outcome: Outcome) -> dict[str, Any]:
    steps = {
        step: {f"p{p}_ms": round(percentile(outcome.timings[step], p) * 1000, 2) for p in (50, 95, 99)}
        for step in (*STEPS, "flow")
    }
    return {
        "flows": outcome.flows,
        "seconds": round(outcome.elapsed_s, 3),
        "flows_per_s": round(outcome.flows / outcome.elapsed_s, 2) if outcome.elapsed_s else 0.0,
        "errors": outcome.errors,
        "error_samples": outcome.error_samples[:5],
        "steps": steps,
    }


def per_flow(usage: Usage | None, flows: int) -> dict[str, Any]:
    """A server's usage per flow: ``server_cpu_ms_per_flow``, user and system time together (what the share
    is bound by), and ``server_cpu``, its parts and the context switches (``None`` where not measured)."""
    if usage is None:
        return {"server_cpu_ms_per_flow": None, "server_cpu": None}
    flows = max(flows, 1)
    return {
        "server_cpu_ms_per_flow": usage.cpu_s / flows * 1000,
        "server_cpu": {
            "user_ms_per_flow": usage.user_s / flows * 1000,
            "system_ms_per_flow": usage.system_s / flows * 1000,
            "voluntary_switches_per_flow": usage.voluntary_switches / flows,
            "involuntary_switches_per_flow": usage.involuntary_switches / flows,
        },
    }


class Target:
    """One server under test: its outcome and Redis counters, summed over the rounds it was driven."""

    def __init__(self, server: Server, redis_url: str) -> None:
        self.server = server
        self.outcome = Outcome()
        self.counters = RedisCounters(redis_url)
        self.usage: Usage | None = NOTHING
        """The server's processes' CPU and context switches, summed over the slices it was driven."""
        self.rounds: list[float] = []
        """Flows/s of each round it was driven."""

    def drive(self, clients: list[list[Seeded]], *, processes: int, duration_s: float) -> None:
        """One turn: ``clients`` in ``processes`` for ``duration_s``."""
        self.counters.start()
        before = tree_usage(self.server.process.pid)
        part = drive(self.server.url, clients, processes=processes, duration_s=duration_s)
        after = tree_usage(self.server.process.pid)
        self.counters.stop()
        self.outcome.add(part, parallel=False)
        self.rounds.append(round(part.flows / part.elapsed_s, 2) if part.elapsed_s else 0.0)
        if self.usage is not None and before is not None and after is not None:
            self.usage += after - before
        else:
            self.usage = None  # not Linux: not measured, rather than a part of it

    def report(self) -> dict[str, Any]:
        flows = self.outcome.flows + self.outcome.warmups  # the server and Redis served the warm-ups too
        redis_ = self.counters.per_flow(flows)
        return {
            **summarise(self.outcome),
            "flows_per_s_by_round": self.rounds,
            **per_flow(self.usage, flows),
            "redis": redis_,
        }

    def close(self) -> None:
        self.counters.close()
        self.server.stop()

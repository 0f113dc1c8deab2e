"""C concurrent clients in P processes (threads inside each), for D seconds, against one URL.

Separate processes so that the client's GIL does not cap the numbers, spawned once for the run
(:mod:`~sls_bench.crew`) and driving each target in its turn. In each slice every process first runs one
flow per client (connections open, the server's workers warm), then all meet at a barrier; from there each
client loops for D seconds, one flow after the other. A flow that began before the deadline is finished and
counted; flows/s is flows over the wall time from the barrier to the last flow's end.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .crew import Crew
from .flow import STEPS, FlowFailed, Http, one_flow
from .seeded import Seeded


@dataclass
class Outcome:
    flows: int = 0
    warmups: int = 0
    """Untimed flows before the barrier; Redis counts them too, so the per-flow numbers include them."""
    elapsed_s: float = 0.0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in (*STEPS, "flow")})

    def add(self, part: Outcome, *, parallel: bool) -> None:
        """Count ``part`` in: run beside this one (``parallel``: the longer time counts) or after it (the
        times add up)."""
        self.flows += part.flows
        self.warmups += part.warmups
        self.elapsed_s = max(self.elapsed_s, part.elapsed_s) if parallel else self.elapsed_s + part.elapsed_s
        self.errors += part.errors
        self.error_samples.extend(part.error_samples[: 5 - len(self.error_samples)])
        for step, values in part.timings.items():
            self.timings[step].extend(values)


def _client(
    url: str, users: list[Seeded], barrier: Any, duration_s: float, out: Outcome, lock: threading.Lock
) -> None:
    http_ = Http(url)
    turn = 0
    try:
        one_flow(http_, users[0])  # warm-up, not timed
        with lock:
            out.warmups += 1
    except FlowFailed as exc:
        with lock:
            out.errors += 1
            out.error_samples.append(f"warm-up {exc}")
    barrier.wait()
    begun = time.perf_counter()
    deadline = begun + duration_s
    local: list[dict[str, float]] = []
    failures: list[str] = []
    while time.perf_counter() < deadline:
        turn += 1
        try:
            local.append(one_flow(http_, users[turn % len(users)]))
        except FlowFailed as exc:
            failures.append(str(exc))
    ended = time.perf_counter() - begun
    http_.close()
    with lock:
        out.flows += len(local)
        out.elapsed_s = max(out.elapsed_s, ended)
        out.errors += len(failures)
        out.error_samples.extend(failures[:3])
        for marks in local:
            for step, seconds in marks.items():
                out.timings[step].append(seconds)


def _process(clients: list[list[Seeded]], barrier: Any, url: str, duration_s: float) -> Outcome:
    """One process's clients, a thread each, through one slice against ``url``."""
    out, lock = Outcome(), threading.Lock()
    threads = [
        threading.Thread(target=_client, args=(url, users, barrier, duration_s, out, lock))
        for users in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


class Clients:
    """``len(clients)`` clients (each with its own users, so no two share a session) spread over
    ``processes`` processes, spawned once for the run and driving one target per slice."""

    def __init__(self, clients: list[list[Seeded]], *, processes: int) -> None:
        processes = max(1, min(processes, len(clients)))
        shares = [(clients[i::processes],) for i in range(processes)]
        self._crew = Crew("client", _process, shares, parties=len(clients))

    def drive(self, url: str, *, duration_s: float) -> Outcome:
        """One slice against ``url``: every client warms up, then all loop for ``duration_s``; the merged
        outcome."""
        merged = Outcome()
        for part in self._crew.turn(url, duration_s, timeout_s=duration_s + 600):
            merged.add(part, parallel=True)
        return merged

    def close(self) -> None:
        self._crew.close()

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

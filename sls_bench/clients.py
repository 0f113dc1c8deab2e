"""C concurrent clients in P processes (threads inside each), for D seconds, against one URL.

Separate processes so that the client's GIL does not cap the numbers. Every process first runs one flow per
client (connections open, the server's workers warm), then all meet at a barrier; from there each client
loops for D seconds, one flow after the other. A flow that began before the deadline is finished and
counted; flows/s is flows over the wall time from the barrier to the last flow's end.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .flow import STEPS, FlowFailed, Http, one_flow
from .seed import Seeded


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


def _process(url: str, clients: list[list[Seeded]], barrier: Any, duration_s: float, results: Any) -> None:
    out, lock = Outcome(), threading.Lock()
    threads = [
        threading.Thread(target=_client, args=(url, users, barrier, duration_s, out, lock))
        for users in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(out)


def drive(url: str, clients: list[list[Seeded]], *, processes: int, duration_s: float) -> Outcome:
    """Run ``len(clients)`` clients (each with its own users, so no two share a session) spread over
    ``processes`` processes; the merged outcome."""
    context = multiprocessing.get_context("spawn")
    processes = max(1, min(processes, len(clients)))
    shares = [clients[i::processes] for i in range(processes)]
    barrier = context.Barrier(len(clients))
    results = context.Queue()
    workers = [
        context.Process(target=_process, args=(url, share, barrier, duration_s, results)) for share in shares
    ]
    for worker in workers:
        worker.start()
    merged = Outcome()
    for _ in workers:
        merged.add(results.get(timeout=duration_s + 600), parallel=True)
    for worker in workers:
        worker.join()
    return merged

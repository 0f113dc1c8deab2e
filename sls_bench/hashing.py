"""The hashing bound: Argon2id hashes per second on all cores, with the server's own hasher and profile.

Every login hashes its password once, so no server on this machine can log in more users per second than
this; the benchmark prints flows/s as a share of it. One process per core hashes for the same seconds,
started together (a barrier), so the number is what the whole machine can do.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

from sls_server.accounts.passwords import PasswordHasher


def _hash_for(profile: str, seconds: float, barrier: Any, results: Any) -> None:
    hasher = PasswordHasher(profile)
    hasher.hash("warm-up-passphrase-1")
    barrier.wait()
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        hasher.hash("bench-Passphrase-lantern-42")
        count += 1
    results.put(count)


def hashing_bound(profile: str, *, seconds: float = 3.0, processes: int | None = None) -> dict[str, Any]:
    processes = processes or os.cpu_count() or 1
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=_hash_for, args=(profile, seconds, barrier, results)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    total = sum(results.get(timeout=seconds + 120) for _ in workers)
    for worker in workers:
        worker.join()
    return {"profile": profile, "processes": processes, "seconds": seconds, "hashes_per_s": total / seconds}

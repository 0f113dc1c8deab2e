"""The hashing bound: Argon2id hashes per second on all cores, with the server's own hasher and profile.

Every login hashes its password once, so no server on this machine can log in more users per second than
this; the benchmark prints flows/s as a share of it. One process per core hashes for the same seconds,
started together (a barrier), so the number is what the whole machine can do. Each process's rate is its
hashes over the time they really took: the last hash starts before the deadline and ends after it, and
counting it against the nominal seconds overstated the bound by up to one hash in a slice (a `strong`
hash takes a quarter of a second here, so a 3 s slice read up to 8 % high).
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
    started = time.perf_counter()
    count, now = 0, started
    while now < started + seconds:
        hasher.hash("bench-Passphrase-lantern-42")
        count += 1
        now = time.perf_counter()
    results.put(count / (now - started))


def hashing_bound(profile: str, *, seconds: float = 3.0, processes: int | None = None) -> dict[str, Any]:
    processes = processes or os.cpu_count() or 1
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=_hash_for, args=(profile, seconds, barrier, results)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    rate = sum(results.get(timeout=seconds + 120) for _ in workers)
    for worker in workers:
        worker.join()
    return {"profile": profile, "processes": processes, "seconds": seconds, "hashes_per_s": rate}

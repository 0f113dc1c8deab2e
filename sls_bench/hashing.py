"""The hashing bound: Argon2id hashes per second on all cores, with the server's own hasher and profile.

Every login hashes its password once, so no server on this machine can log in more users per second than
this; the benchmark prints flows/s as a share of it. One process per core hashes for the same seconds,
started together (a barrier), so the number is what the whole machine can do; ``sls bench`` spawns them once
and has them hash a slice in each round (:mod:`~sls_bench.crew`). Each process's rate is its
hashes over the time they really took: the last hash starts before the deadline and ends after it, and
counting it against the nominal seconds overstated the bound by up to one hash in a slice (a `strong`
hash takes a quarter of a second here, so a 3 s slice read up to 8 % high).
"""

from __future__ import annotations

import os
import time
from typing import Any

from sls_server.accounts.passwords import PasswordHasher

from .crew import Crew


def _hash_for(profile: str, barrier: Any, seconds: float) -> float:
    hasher = PasswordHasher(profile)
    hasher.hash("warm-up-passphrase-1")
    barrier.wait()
    started = time.perf_counter()
    count, now = 0, started
    while now < started + seconds:
        hasher.hash("bench-Passphrase-lantern-42")
        count += 1
        now = time.perf_counter()
    return count / (now - started)


class HashingBound:
    """The bound's processes, one per core, spawned once for a run and hashing for a slice in each round."""

    def __init__(self, profile: str, *, processes: int | None = None) -> None:
        self.profile = profile
        self.processes = processes or os.cpu_count() or 1
        self._crew = Crew("hashing", _hash_for, [(profile,)] * self.processes, parties=self.processes)

    def measure(self, seconds: float) -> dict[str, Any]:
        """All the processes hash for ``seconds``, started together; the machine's hashes per second."""
        rate = sum(self._crew.turn(seconds, timeout_s=seconds + 120))
        return {
            "profile": self.profile,
            "processes": self.processes,
            "seconds": seconds,
            "hashes_per_s": rate,
        }

    def close(self) -> None:
        self._crew.close()

    def __enter__(self) -> HashingBound:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

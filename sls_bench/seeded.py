"""A seeded user as the clients hold it: a name, a password and the card's key.

Apart from :mod:`~sls_bench.seed`, which writes them into Redis: a client process imports this and the
flow, not redis-py and the server's store (a quarter of a second of each process's start-up)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PASSWORD = "bench-Passphrase-lantern-42"
PIN = "1234"


@dataclass(frozen=True)
class Seeded:
    username: str
    password: str
    key_hex: str
    """The card's key, as the enrolment hands it out once; the client computes responses from it."""

    @property
    def pin_sha1_hex(self) -> str:
        return hashlib.sha1(PIN.encode()).hexdigest()

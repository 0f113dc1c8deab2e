"""Users with a DSC+ card each, written straight into Redis: 100,000 in seconds, not in an hour.

The admin API is far too slow for that (a request, an Argon2id hash and an audit event per user). So the
records are made by the server's own code: :class:`~sls_server.store.records.UserRecord` with a password
hash of the server's profile (one hash shared by every seeded user: each is a fresh salt and the same size,
and hashing 100,000 would take longer than the benchmark), and the card's fields from the DSC+ factor's own
``enrol`` (key and PIN sealed under the server's key, bound to the device id). They are written with their
records' ``to_hash`` under the keys of :mod:`sls_server.store.keys`, the four writes an enrolment makes
(user hash, users index, device hash, the user's device set), pipelined 1000 users at a time. The flow
users of the benchmark are seeded the same way and then log in, which proves the seeded records work.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

from sls_server.accounts.device_terms import new_device_id
from sls_server.accounts.passwords import PasswordHasher
from sls_server.accounts.user_fields import new_epoch
from sls_server.factors.dscplus import DscPlusFactor
from sls_server.secretbox import device_box
from sls_server.store import connect, keys
from sls_server.store.records import DeviceRecord, UserRecord
from sls_server.store.records.codec import pairs

from .redis_stats import masters

PASSWORD = "bench-Passphrase-lantern-42"
PIN = "1234"
BATCH = 1000


@dataclass(frozen=True)
class Seeded:
    username: str
    password: str
    key_hex: str
    """The card's key, as the enrolment hands it out once; the client computes responses from it."""

    @property
    def pin_sha1_hex(self) -> str:
        return hashlib.sha1(PIN.encode()).hexdigest()


class Seeder:
    def __init__(self, redis_url: str, secret_key: bytes, hash_profile: str) -> None:
        self._url = redis_url
        self._r = connect(redis_url, timeout_s=30)  # any SLS_REDIS_URL; the pipelines are large
        self._card = DscPlusFactor(device_box(secret_key), issuer=None, pin_attempts=3)  # type: ignore[arg-type]  # enrol never issues a challenge
        self._hash = PasswordHasher(hash_profile).hash(PASSWORD)

    def seed(self, prefix: str, count: int) -> tuple[list[Seeded], float]:
        """``count`` users named ``<prefix>-<n>``, each with one card; (the users, seconds it took)."""
        started = time.perf_counter()
        made: list[Seeded] = []
        now = int(time.time())
        for first in range(0, count, BATCH):
            pipe = self._r.pipeline(transaction=False)
            for n in range(first, min(first + BATCH, count)):
                made.append(self._one(pipe, f"{prefix}-{n}", now))
            pipe.execute()
        return made, time.perf_counter() - started

    def _one(self, pipe: Any, username: str, now: int) -> Seeded:
        user = UserRecord(username=username, password_hash=self._hash, created_at=now, epoch=new_epoch())
        device_id = new_device_id("dscplus")
        enrolment = self._card.enrol(device_id, username, {"pin": PIN}, now=now)
        card = DeviceRecord(
            device_id=device_id,
            type="dscplus",
            owner=username,
            status="active",
            created_at=now,
            label=f"dscplus {enrolment.record.get('serial')}",
        )
        device = replace(card, **enrolment.record)
        pipe.hset(keys.user(username), items=pairs(user.to_hash()))
        pipe.sadd(keys.USERS_INDEX, username)
        pipe.hset(keys.device(device_id), items=pairs({**device.to_hash(), "version": "0"}))
        pipe.sadd(keys.user_devices(username), device_id)
        return Seeded(username, PASSWORD, str(enrolment.once["secret_hex"]))

    def user_keys(self, username: str) -> list[str]:
        """Every key that holds the user: the user hash, the device set and each device hash."""
        device_ids = self._r.smembers(keys.user_devices(username))
        return [
            keys.user(username),
            keys.user_devices(username),
            *(keys.device(d if isinstance(d, str) else d.decode()) for d in device_ids),
        ]

    def memory_per_user(self, users: list[Seeded], sample: int = 1000) -> dict[str, float]:
        """``MEMORY USAGE`` (all samples) of every key of ``sample`` users picked at random, averaged, plus
        each user's share of the users index: the bytes one more such user costs."""
        picked = [users[secrets.randbelow(len(users))] for _ in range(min(sample, len(users)))]
        pipe = self._r.pipeline(transaction=False)
        for user in picked:
            for key in self.user_keys(user.username):
                pipe.memory_usage(key, samples=0)
        total = sum(int(size or 0) for size in pipe.execute())
        index = int(self._r.memory_usage(keys.USERS_INDEX, samples=0) or 0)
        users_in_index = int(self._r.scard(keys.USERS_INDEX)) or 1
        return {
            "sampled_users": len(picked),
            "keys_bytes_per_user": total / len(picked),
            "index_bytes_per_user": index / users_in_index,
            "bytes_per_user": total / len(picked) + index / users_in_index,
        }

    def used_memory(self) -> int:
        """``used_memory`` of the one Redis, or summed over a cluster's masters."""
        nodes = masters(self._url)
        try:
            return sum(int(node.info("memory")["used_memory"]) for node in nodes)
        finally:
            for node in nodes:
                node.close()

    def close(self) -> None:
        self._r.close()

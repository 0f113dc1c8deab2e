"""Reads across the whole keyspace, for operators and never for a request: the live sessions a Prometheus
scrape reports, the accounts a state export lists (accounts have no index of their own), and every device
and IB Key app whose secrets are re-sealed (a device a user's list no longer names has secrets too).

Each walks the keys with ``SCAN`` (batches of 1000, so Redis is never blocked for long) and reads what it
found with one pipeline per batch: a cost in round trips proportional to the keyspace, paid by the scrape
or the export that asked, not by the login path.

On a Redis Cluster both work unchanged: the cluster client's ``SCAN`` walks every master in turn (never a
replica, so no key is counted twice), and each batch's reads go one pipeline per master (``batch``), never
sent again after a timeout (redis-py's cluster pipeline sent each read that timed out again alone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from . import keys
from .base import Scripts, guarded, text
from .connection import Client

SCAN_BATCH = 1000


@guarded
class InventoryRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def live_sessions(self, *, now: int) -> int:
        """Sessions neither ended, replaced, idle past their timeout nor past their absolute lifetime."""
        live = 0
        for batch in self._batches(keys.session("*", "*")):
            reads = [("HMGET", key, "state", "idle_expires_at", "expires_at") for key in batch]
            found, _ = self._scripts.together(reads, [])
            for state, idle_until, until in found:
                if state != "replaced" and idle_until and until and min(int(idle_until), int(until)) > now:
                    live += 1
        return live

    def account_ids(self) -> list[str]:
        """Every multi-user account's id, sorted."""
        return self._ids(keys.account)

    def device_ids(self) -> list[str]:
        """Every device record's id, sorted."""
        return self._ids(keys.device)

    def app_ids(self) -> list[str]:
        """Every simulated phone's IB Key app id, sorted."""
        return self._ids(keys.ibkey_app)

    def _ids(self, key_of: Callable[[str], str]) -> list[str]:
        """The ids in every key ``key_of`` makes (the id is the part between its fixed head and tail)."""
        head, _, tail = key_of("\0").partition("\0")
        return sorted(key[len(head) : -len(tail)] for batch in self._batches(key_of("*")) for key in batch)

    def _batches(self, pattern: str) -> Iterator[list[str]]:
        batch: list[str] = []
        for key in self._r.scan_iter(match=pattern, count=SCAN_BATCH):
            batch.append(text(key))
            if len(batch) >= SCAN_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

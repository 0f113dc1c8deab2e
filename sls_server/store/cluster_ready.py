"""Readiness on a Redis Cluster: ready only when every slot has a master that takes a write now.

One key's write, what readiness is on one Redis (``Store.check_writable``), reaches one master. A cluster
with another master down, its slots served by nobody until a replica is promoted, answered ready while every
login of a user on that master answered 503. So here every master the client's slot map names takes a
short-lived write of a key in one of its own slots, and tells in the same round trip how it sees the
cluster (``CLUSTER INFO``: state ok, every slot assigned, none failed). Every master's share is written
before the first answer is read (``flights.send_per_node``), and the first master that does not answer ends
the probe: it waits about one Redis timeout however many masters there are or are frozen.

A failed probe reads the slot map again before the next one (the master that did not answer asked last),
so the first probe after a replica's promotion already asks the new master: a server kept out of rotation
gets no requests that would refresh its map for it. That read asks one node after another, so a probe
after a failed one can wait a second timeout if another node is frozen too and is asked first. A write
answered with a redirect (the map changed under it: a failover, a slot moved) reads the map and probes
once more.

What is wrong is said in the ``StoreUnavailable``'s message: which master (by the first slot it serves), a
Redis error code or cluster state, never a command's arguments and never an address: ``/readyz`` answers
anyone who reaches the port. The warning in the server's log names the master's address too.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import redis
from redis.cluster import RedisCluster
from redis.crc import REDIS_CLUSTER_HASH_SLOTS, key_slot

from ..errors import StoreUnavailable
from . import keys
from .faults import error_code, is_outage
from .flights import NodeUnanswered, send_per_node
from .redirects import REDIRECTED
from .writebehind import Queued

log = logging.getLogger(__name__)


class ClusterReadiness:
    """The probe of one cluster client; remembers whether the last probe failed, to read the map first."""

    def __init__(self, cluster: RedisCluster, ttl_ms: int) -> None:
        self._cluster = cluster
        self._ttl_ms = ttl_ms
        self._stale: str | None = None  # "" or the node last unanswered: read the map before probing

    def check(self) -> None:
        """Raise ``StoreUnavailable`` naming what is wrong unless every slot's master takes a write."""
        self._check()

    def _check(self) -> None:
        if self._stale is not None:
            self._read_map(self._stale or None)
        for last_try in (False, True):
            masters = self._masters()
            shares = [
                (node, [Queued(("SET", _key_in(slot), "1", "PX", self._ttl_ms)), Queued(("CLUSTER", "INFO"))])
                for node, slot in masters
            ]
            try:
                answers = send_per_node(self._cluster, shares)
            except NodeUnanswered as exc:
                self._stale = exc.node
                slot = next((slot for node, slot in masters if node.name == exc.node), None)
                raise _not_ready(
                    f"Redis Cluster master {_of(slot)} did not answer ({exc.code}).", exc.node
                ) from exc
            if any(isinstance(written, REDIRECTED) for written, _ in answers) and not last_try:
                self._read_map(None)
                continue
            self._stale = ""
            for (node, slot), (written, info) in zip(masters, answers, strict=True):
                _judge(node.name, slot, written, info)
            self._stale = None
            return

    def _masters(self) -> list[tuple[Any, int]]:
        """Each master of the client's slot map, with the first slot it serves; every slot must have one."""
        slots: dict[int, list[Any]] = self._cluster.nodes_manager.slots_cache
        if len(slots) < REDIS_CLUSTER_HASH_SLOTS:
            self._stale = ""
            raise _not_ready(
                f"Redis Cluster: {REDIS_CLUSTER_HASH_SLOTS - len(slots)} of {REDIS_CLUSTER_HASH_SLOTS} "
                "slots have no master in the slot map.",
                None,
            )
        first: dict[str, tuple[Any, int]] = {}
        for slot in sorted(slots):
            node = slots[slot][0]
            first.setdefault(node.name, (node, slot))
        return list(first.values())

    def _read_map(self, failed: str | None) -> None:
        """The slot map read again from the nodes, ``failed`` asked last; a map that cannot be read (no
        node answers, slots not covered) is what the probe then reports."""
        try:
            self._cluster.nodes_manager.initialize(last_failed_node_name=failed)
        except (redis.exceptions.RedisError, redis.exceptions.RedisClusterException) as exc:
            self._stale = failed or ""
            raise _not_ready(f"Redis Cluster slot map not read ({_why_unread(exc)}).", failed) from exc


def _not_ready(message: str, node: str | None) -> StoreUnavailable:
    """The probe's failure: logged as a warning with the master's address (``node``, when one is to blame),
    answered without it."""
    log.warning("Redis Cluster not ready: %s%s", message, f" (master at {node})" if node else "")
    return StoreUnavailable(message)


def _of(slot: int | None) -> str:
    """A master named for a reader of ``/readyz``: by the first slot it serves, never by its address."""
    return "of no known slot" if slot is None else f"of slot {slot}"


def _judge(node: str, slot: int, written: Any, info: Any) -> None:
    """A master's answers to the probe: its write taken, and the cluster ok as it sees it."""
    for answer in (written, info):
        if isinstance(answer, Exception):
            if not is_outage(answer) and not isinstance(answer, REDIRECTED):
                raise answer  # an error of ours: the store's guard makes it a StoreBug
            raise _not_ready(
                f"Redis Cluster master {_of(slot)} refused the probe ({error_code(answer)}).", node
            )
    fields = _fields(info)
    state = fields.get("cluster_state", "?")
    assigned = fields.get("cluster_slots_assigned", "?")
    failed = fields.get("cluster_slots_fail", "0")
    if state != "ok" or assigned != str(REDIS_CLUSTER_HASH_SLOTS) or failed != "0":
        raise _not_ready(
            f"Redis Cluster master {_of(slot)} reports cluster_state:{state}, {assigned} of "
            f"{REDIS_CLUSTER_HASH_SLOTS} slots assigned, {failed} failed.",
            node,
        )


def _fields(info: Any) -> dict[str, str]:
    """``CLUSTER INFO``'s ``name:value`` lines (or a dict, had redis-py parsed them) as strings."""
    if isinstance(info, dict):
        return {str(k): str(v) for k, v in info.items()}
    text = info.decode() if isinstance(info, bytes) else str(info)
    return dict(line.strip().split(":", 1) for line in text.splitlines() if ":" in line)


def _why_unread(exc: BaseException) -> str:
    if "not covered" in str(exc):
        return "not every slot has a master"
    return error_code(exc)


@functools.lru_cache(maxsize=4096)
def _key_in(slot: int) -> str:
    """The first of the probe keys (``keys.ready_probe``) that hashes to ``slot``: about 16,384 tries of
    CRC16 (a few milliseconds), once per slot and process."""
    tag = 0
    while key_slot(keys.ready_probe(tag).encode()) != slot:
        tag += 1
    return keys.ready_probe(tag)

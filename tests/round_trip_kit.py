"""Counting a DSC+ flow's Redis round trips per step, as Redis counts them: one read per command sent alone
and one per pipeline (``INFO stats``' ``total_reads_processed``), summed over the masters of a Cluster."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from conftest import EnrolledUser
from redis.cluster import RedisCluster

from sls_bench.redis_stats import client_reads
from sls_server.store import connect

#: Round trips per step, in a process that has seen the user before (``store/hints.py``: it knows their
#: device ids). login: the user, their IP rules, device ids and devices, with the address's window; the
#: lockout reservation; the challenge's windows and its claim (carrying the reservations handed back and
#: ``login.password_ok``); the login stored (carrying ``login.challenge_issued``). verify: the login, the IP
#: rules, the lockout buckets and the device; the session, which settles the login; the bookkeeping and the
#: event. session, tickle: one script. logout: the script that checks and ends the session; the event.
BUDGET = {"login": 4, "verify": 3, "session": 1, "tickle": 1, "logout": 2}

#: On a three-master Cluster a batch costs one round trip per master its keys reach (``store/batch.py``), so
#: a step costs at least its count on one Redis and at most one per master each of its batches can reach:
#: login's four (the reads with the address's window; the reservation; the windows, the claim and the
#: carried writes; the login stored with its event) reach at most 3, 1, 3 and 2; verify's three (the reads;
#: the session; the bookkeeping with its event) 2, 1 and 2. Which masters hold the card's random id decides.
CLUSTER_CEILING = {"login": 9, "verify": 5, "session": 1, "tickle": 1, "logout": 2}


def reads_by_server(observer: Any) -> dict[str, int]:
    """Each server's reads from its clients so far (a Cluster's per master), from one ``INFO all`` each
    (``sls_bench.redis_stats.client_reads``: its replicas' acknowledgements left out), which costs one read on
    each server itself: :func:`own_reads`."""
    if isinstance(observer, RedisCluster):
        found = observer.info("all", target_nodes=RedisCluster.PRIMARIES)
        return {name: client_reads(info) for name, info in found.items()}
    return {"redis": client_reads(observer.info("all"))}


def reads(observer: Any) -> int:
    """:func:`reads_by_server`, summed."""
    return sum(reads_by_server(observer).values())


def own_reads(observer: Any) -> int:
    """How many reads each call of :func:`reads` adds itself: its INFO on each server."""
    return len(observer.get_primaries()) if isinstance(observer, RedisCluster) else 1


@contextmanager
def collector_held(observer: Any) -> Iterator[None]:
    """No garbage collected while a count runs. Redis counts a client's closing as a read, and a pool left
    by an earlier app (a test's, or an earlier worker of this one's) closes its connections when the cyclic
    collector finds it: a count of 4 once read 19. Collected first, and the closings settled (an ``INFO``
    sent after them is answered after Redis read them: the one after it counts them), then held off."""
    was_enabled = gc.isenabled()
    gc.collect()
    reads(observer)
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def flow(alice: EnrolledUser, step: Callable[[str, Callable[[], Any]], Any]) -> None:
    """Password and card, session, tickle, logout: each step run through ``step(name, run)``."""
    started = step("login", alice.start_login)
    response = alice.card_response(started["factor"]["challenge"])
    done = step("verify", lambda: alice.verify(started["txn_id"], response))
    assert done.status_code == 200, done.get_json()
    assert step("session", lambda: alice.client.get("/api/v1/session")).status_code == 200
    assert step("tickle", lambda: alice.client.post("/api/v1/session/tickle")).status_code == 200
    assert step("logout", lambda: alice.client.post("/api/v1/auth/logout")).status_code == 200


def measured_flow(alice: EnrolledUser, redis_url: str) -> dict[str, int]:
    """Round trips per step of one flow (``flow``), on whatever ``redis_url`` names."""
    observer = connect(redis_url)
    measured: dict[str, int] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        before = reads(observer)
        answer = run()
        measured[name] = reads(observer) - before - own_reads(observer)
        return answer

    try:
        with collector_held(observer):
            flow(alice, step)
    finally:
        observer.close()
    return measured

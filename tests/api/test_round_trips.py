"""Redis round trips per step of the DSC+ flow, counted by Redis itself.

Round trips, not Redis's work, are what a login costs (issue 13's profile: 70 % of a worker's time inside
redis-py, waiting), so each step's count is held here exactly: a change that adds one fails, and one that
saves one updates the table (and the README's Performance section, which explains each). Redis counts a
read per command sent alone and one per pipeline (``INFO stats``' ``total_reads_processed``); the observer's
own ``INFO`` is one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from conftest import TOPOLOGY, EnrolledUser

#: Round trips per step. login: the user, their IP rules and devices; the address's window; the lockout
#: reservation; its settlement (carrying the refund and the event); the devices; the challenge's two
#: windows and its claim; the login (carrying the events). verify: the login and the IP rules; the device;
#: the session, which settles the login; the bookkeeping and the event. session, tickle: one script.
#: logout: the script that checks and ends the session; the event.
BUDGET = {"login": 7, "verify": 4, "session": 1, "tickle": 1, "logout": 2}


def _reads(observer: redis.Redis) -> int:
    return int(observer.info("stats")["total_reads_processed"])


def _flow(alice: EnrolledUser, step: Callable[[str, Callable[[], Any]], Any]) -> None:
    started = step("login", alice.start_login)
    response = alice.card_response(started["factor"]["challenge"])
    done = step("verify", lambda: alice.verify(started["txn_id"], response))
    assert done.status_code == 200, done.get_json()
    assert step("session", lambda: alice.client.get("/api/v1/session")).status_code == 200
    assert step("tickle", lambda: alice.client.post("/api/v1/session/tickle")).status_code == 200
    assert step("logout", lambda: alice.client.post("/api/v1/auth/logout")).status_code == 200


@pytest.mark.skipif(
    TOPOLOGY != "single",
    reason="counts one redis-server; a cluster sends the carried writes one by one (store/writebehind.py)",
)
def test_each_step_of_the_card_flow_takes_its_round_trips(alice: EnrolledUser, redis_url: str) -> None:
    observer = redis.Redis.from_url(redis_url)
    _flow(alice, lambda _, run: run())  # connections open and scripts loaded: not part of a step's cost
    measured: dict[str, int] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        before = _reads(observer)
        answer = run()
        measured[name] = _reads(observer) - before - 1
        return answer

    _flow(alice, step)
    assert measured == BUDGET
    assert sum(measured.values()) == 15

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
from flask.testing import FlaskClient

from sls_server import create_app

#: Round trips per step, in a process that has seen the user before (``store/hints.py``: it knows their
#: device ids). login: the user, their IP rules, device ids and devices, with the address's window; the
#: lockout reservation; the challenge's windows and its claim (carrying the reservations handed back and
#: ``login.password_ok``); the login stored (carrying ``login.challenge_issued``). verify: the login, the IP
#: rules and the device; the session, which settles the login; the bookkeeping and the event. session,
#: tickle: one script. logout: the script that checks and ends the session; the event.
BUDGET = {"login": 4, "verify": 3, "session": 1, "tickle": 1, "logout": 2}
#: In a process that has not, login reads the devices in a round trip of its own (and learns their ids, so
#: its verify needs none); a verify sent to a worker that never saw the user reads the device alone.
COLD_LOGIN = {**BUDGET, "login": 5}
COLD_VERIFY = 4

single_redis = pytest.mark.skipif(
    TOPOLOGY != "single",
    reason="counts one redis-server; a cluster sends the carried writes one by one (store/writebehind.py)",
)


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


def _measured(alice: EnrolledUser, redis_url: str) -> dict[str, int]:
    observer = redis.Redis.from_url(redis_url)
    measured: dict[str, int] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        before = _reads(observer)
        answer = run()
        measured[name] = _reads(observer) - before - 1
        return answer

    _flow(alice, step)
    return measured


@single_redis
def test_each_step_of_the_card_flow_takes_its_round_trips(alice: EnrolledUser, redis_url: str) -> None:
    _flow(alice, lambda _, run: run())  # connections open and scripts loaded: not part of a step's cost
    measured = _measured(alice, redis_url)
    assert measured == BUDGET
    assert sum(measured.values()) == 11


def _another_worker(app_config: dict[str, Any], enrol: Callable[..., EnrolledUser]) -> FlaskClient:
    """A second app on the same Redis (a second worker): its connections, scripts and clock warmed by
    another user's flow, and no hints about alice."""
    worker = create_app(app_config).test_client()
    bob = enrol("bob", "5678")
    bob.client = worker
    _flow(bob, lambda _, run: run())
    return worker


@single_redis
def test_a_worker_that_never_saw_the_user_reads_their_devices_once_more(
    alice: EnrolledUser, redis_url: str, app_config: dict[str, Any], enrol: Callable[..., EnrolledUser]
) -> None:
    _flow(alice, lambda _, run: run())
    alice.client = _another_worker(app_config, enrol)
    assert _measured(alice, redis_url) == COLD_LOGIN


@single_redis
def test_a_verify_on_a_worker_that_never_saw_the_user_reads_the_device_once_more(
    alice: EnrolledUser, redis_url: str, app_config: dict[str, Any], enrol: Callable[..., EnrolledUser]
) -> None:
    _flow(alice, lambda _, run: run())
    other = _another_worker(app_config, enrol)
    observer = redis.Redis.from_url(redis_url)
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    before = _reads(observer)  # the load balancer sends the verify to the other worker
    done = other.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": response},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert done.status_code == 200, done.get_json()
    assert _reads(observer) - before - 1 == COLD_VERIFY

"""Redis round trips per step of the DSC+ flow, counted by Redis itself.

Round trips, not Redis's work, are what a login costs (issue 13's profile: 70 % of a worker's time inside
redis-py, waiting), so each step's count is held here exactly: a change that adds one fails, and one that
saves one updates the table (and docs/benchmarks.md, which explains each). Redis counts a
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
from round_trip_kit import BUDGET, collector_held, flow, measured_flow, own_reads, reads

from sls_server import create_app

#: In a process that has not, login reads the devices in a round trip of its own (and learns their ids, so
#: its verify needs none); a verify sent to a worker that never saw the user reads the device alone.
COLD_LOGIN = {**BUDGET, "login": 5}
COLD_VERIFY = 4

single_redis = pytest.mark.skipif(
    TOPOLOGY != "single", reason="counts one redis-server; a cluster's count depends on its slot layout"
)


@single_redis
def test_each_step_of_the_card_flow_takes_its_round_trips(alice: EnrolledUser, redis_url: str) -> None:
    flow(alice, lambda _, run: run())  # connections open and scripts loaded: not part of a step's cost
    measured = measured_flow(alice, redis_url)
    assert measured == BUDGET
    assert sum(measured.values()) == 11


@single_redis
def test_a_verify_on_a_shared_card_asks_the_card_once_more(
    alice: EnrolledUser, redis_url: str, enrol: Callable[..., EnrolledUser], admin_headers: dict[str, str]
) -> None:
    """A card more than one user holds is asked whether it is disabled after the right answer is checked
    (``DeviceLockout.disabled_by_another_user``): the one round trip only a shared card pays."""
    enrol("bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = alice.client.post("/admin/v1/users/bob/devices", json=share, headers=admin_headers)
    assert shared.status_code in (200, 201), shared.get_json()
    flow(alice, lambda _, run: run())
    assert measured_flow(alice, redis_url) == {**BUDGET, "verify": BUDGET["verify"] + 1}


@single_redis
def test_a_verify_on_a_card_shared_and_taken_off_again_takes_a_one_user_cards_round_trips(
    alice: EnrolledUser, redis_url: str, enrol: Callable[..., EnrolledUser], admin_headers: dict[str, str]
) -> None:
    """The share's mark stays on alice's slot after bob is taken off the card, but it names the card's version
    before the share: her verifies read it at a later one, hers alone again, and are not sent to ask it."""
    enrol("bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = alice.client.post("/admin/v1/users/bob/devices", json=share, headers=admin_headers)
    assert shared.status_code in (200, 201), shared.get_json()
    off = alice.client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=admin_headers)
    assert off.status_code == 200, off.get_json()
    flow(alice, lambda _, run: run())
    assert measured_flow(alice, redis_url) == BUDGET


def _another_worker(
    app_config: dict[str, Any], enrol: Callable[..., EnrolledUser], name: str = "bob"
) -> FlaskClient:
    """A second app on the same Redis (a second worker): its connections, scripts and clock warmed by
    another user's flow, and no hints about alice."""
    worker = create_app(app_config).test_client()
    bob = enrol(name, "5678")
    bob.client = worker
    flow(bob, lambda _, run: run())
    return worker


@single_redis
def test_a_worker_that_never_saw_the_user_reads_their_devices_once_more(
    alice: EnrolledUser, redis_url: str, app_config: dict[str, Any], enrol: Callable[..., EnrolledUser]
) -> None:
    flow(alice, lambda _, run: run())
    alice.client = _another_worker(app_config, enrol)
    assert measured_flow(alice, redis_url) == COLD_LOGIN


@single_redis
def test_a_verify_on_a_worker_that_never_saw_the_user_reads_the_device_once_more(
    alice: EnrolledUser, redis_url: str, app_config: dict[str, Any], enrol: Callable[..., EnrolledUser]
) -> None:
    flow(alice, lambda _, run: run())
    other = _another_worker(app_config, enrol)
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    observer = redis.Redis.from_url(redis_url)
    with collector_held(observer):
        before = reads(observer)  # the load balancer sends the verify to the other worker
        done = other.post(
            f"/api/v1/auth/login/{started['txn_id']}/verify",
            json={"response": response},
            headers={"X-Login-Token": started["login_token"]},
        )
        counted = reads(observer) - before - own_reads(observer)
    assert done.status_code == 200, done.get_json()
    assert counted == COLD_VERIFY

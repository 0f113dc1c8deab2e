"""Several ``sls gateway`` processes on one instance behave as one gateway: each holds a lease (a key with a
TTL in real time, renewed by its master), and a process's start (``GatewayService.restarted``,
``gateway_restart.lua``) ends the session only when no other live process holds one. A rolling restart of a
two-process gateway then keeps the user logged in; the restart of the only process still asks for a login.
The processes themselves: tests/e2e/test_gateway_leases.py."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from conftest import move_clock
from flask import Flask
from flask.testing import FlaskClient
from gateway_kit import gateway_client, sam_logged_in  # noqa: F401  (the gw and sam fixtures)

from sls_server import create_app, starting
from sls_server.gateway import GatewayService
from sls_server.store import keys
from sls_server.store.connection import connect
from sls_server.store.gateway import LEASE_MS
from sls_server.store.records.gateway import GatewayProcess

INSTANCE = "default"
FIRST = GatewayProcess("gw-host", 4001, 5000, 1_700_000_000)
SECOND = GatewayProcess("gw-host", 4002, 5001, 1_700_000_100)


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True})


@pytest.fixture
def raw(redis_url: str) -> redis.Redis:
    return connect(redis_url)  # type: ignore[return-value]


def service(gw: FlaskClient) -> GatewayService:
    return gw.application.extensions["sls"].gateway  # type: ignore[no-any-return]


def now(gw: FlaskClient, headers: dict[str, str]) -> int:
    return int(gw.get("/admin/v1/clock", headers=headers).get_json()["now"])


def tickle(gw: FlaskClient) -> Any:
    return gw.post("/v1/api/tickle")


def test_a_start_keeps_the_session_while_another_process_holds_its_lease(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    """A rolling restart: the second port's process serves on, so the gateway never went down."""
    gateway = service(gw)
    gateway._repo.hold_process(INSTANCE, SECOND, "second")
    done = gateway.restarted(FIRST, "first", now=now(gw, admin_headers))
    assert (done.live, done.others, done.ended) == (True, 1, False)
    assert tickle(gw).status_code == 200
    events = gw.get("/admin/v1/events?type=gateway.session_ended", headers=admin_headers).get_json()
    assert events["events"] == []


def test_the_start_of_the_only_process_ends_the_session_and_takes_its_lease(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], raw: redis.Redis
) -> None:
    gateway = service(gw)
    done = gateway.restarted(FIRST, "first", now=now(gw, admin_headers))
    assert (done.others, done.ended) == (0, True)
    assert tickle(gw).get_json()["reason"] == "gateway_restarted"
    assert gateway.processes() == [FIRST]
    assert 0 < raw.pttl(keys.gateway_process(INSTANCE, "first")) <= LEASE_MS
    assert raw.exists(keys.gateway_owed(INSTANCE)) == 0  # its close done: nothing left owed


def test_an_owed_close_is_settled_only_for_the_session_it_names(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], raw: redis.Redis
) -> None:
    """The script moves the session it ends aside until the step has closed it; settling another session's
    close (a newer start's, racing) leaves it owed."""
    gateway = service(gw)
    record = gateway._repo.get(INSTANCE)
    assert record is not None
    at = now(gw, admin_headers)
    assert gateway._repo.restart(INSTANCE, FIRST, "first", session_id=record.session_id, why="x", now=at)[1]
    assert gateway._repo.owed(INSTANCE) == (record, at)
    assert gateway._repo.settle_owed(INSTANCE, "sam~another") is False
    assert gateway._repo.owed(INSTANCE) == (record, at)
    assert gateway._repo.settle_owed(INSTANCE, record.session_id) is True
    assert gateway._repo.owed(INSTANCE) is None and raw.exists(keys.gateway_owed(INSTANCE)) == 0


def test_a_process_that_stopped_or_whose_lease_ran_out_is_no_longer_live(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], raw: redis.Redis
) -> None:
    """A clean stop drops the lease; a process killed without its stop is gone once its lease runs out (the
    key deleted here, as Redis's expiry would: its token is then pruned from the set)."""
    gateway = service(gw)
    gateway._repo.hold_process(INSTANCE, FIRST, "first")
    gateway._repo.hold_process(INSTANCE, SECOND, "second")
    assert gateway.processes() == [FIRST, SECOND]
    gateway._repo.drop_process(INSTANCE, "first")
    raw.delete(keys.gateway_process(INSTANCE, "second"))  # its lease ran out
    assert gateway.processes() == []
    done = gateway.restarted(FIRST, "third", now=now(gw, admin_headers))
    assert (done.others, done.ended) == (0, True)
    assert raw.smembers(keys.gateway_processes(INSTANCE)) == {"third"}


def test_a_restart_of_the_process_itself_does_not_count_its_own_lease(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    """The start's step may run twice for one process (its retry once Redis answers): its own lease is no
    other process."""
    gateway = service(gw)
    gateway._repo.hold_process(INSTANCE, FIRST, "first")
    assert gateway.restarted(FIRST, "first", now=now(gw, admin_headers)).ended is True


def test_leases_run_on_real_time_not_the_app_clock(
    gw: FlaskClient, admin_headers: dict[str, str], raw: redis.Redis
) -> None:
    """A day of the app clock later the process is still live: its lease is about the process."""
    service(gw)._repo.hold_process(INSTANCE, FIRST, "first")
    move_clock(gw, admin_headers, 86_400)
    assert service(gw).processes() == [FIRST]
    assert raw.pttl(keys.gateway_process(INSTANCE, "first")) > LEASE_MS - 5_000


def test_the_admin_view_names_the_live_processes(
    gw: FlaskClient, admin_headers: dict[str, str], raw: redis.Redis
) -> None:
    """With each lease's age and time left (real time): a live one is renewed every third of the lease; a
    dead one's time runs down to nothing, which an operator sees in ``sls gateway-state status``."""
    assert gw.get("/admin/v1/gateway", headers=admin_headers).get_json()["processes"] == []
    service(gw)._repo.hold_process(INSTANCE, FIRST, "first")
    raw.pexpire(keys.gateway_process(INSTANCE, "first"), 2_500)  # as if renewed 7.5 s ago (Redis's own TTL)
    state = gw.get("/admin/v1/gateway", headers=admin_headers).get_json()
    [shown] = state["processes"]
    left = shown.pop("lease_left_ms")
    assert 2_000 < left <= 2_500 and shown.pop("lease_age_ms") == LEASE_MS - left
    assert shown == {"host": "gw-host", "pid": 4001, "port": 5000, "since": 1_700_000_000}


def test_another_instance_s_processes_do_not_keep_this_one_s_session(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    gateway = service(gw)
    gateway._repo.hold_process("paper-desk", SECOND, "second")
    assert gateway.restarted(FIRST, "first", now=now(gw, admin_headers)).ended is True


def test_an_instance_s_leases_share_its_session_s_slot() -> None:
    """One script checks them and ends the session: on a Redis Cluster they must hash to one slot."""
    tag = "{gw:desk}"
    for key in (
        keys.gateway_session("desk"),
        keys.gateway_ended("desk"),
        keys.gateway_processes("desk"),
        keys.gateway_process("desk", "abc"),
        keys.gateway_owed("desk"),
    ):
        assert tag in key and key.index(tag) == key.index("{")


def test_while_the_start_s_step_has_yet_to_run_the_gateway_answers_503(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    """Started while Redis did not answer, the process's workers would serve the old session in the second
    between Redis answering and the master's step: they answer 503 until the step's lease is there."""
    starting.pend("first")
    try:
        for route in ("/v1/api/tickle", "/v1/api/iserver/auth/status"):
            refused = gw.post(route) if route.endswith("tickle") else gw.get(route)
            assert refused.status_code == 503 and refused.get_json()["error"] == "store_unavailable"
        assert gw.get("/admin/v1/gateway", headers=admin_headers).status_code == 503
        done = service(gw).restarted(FIRST, "first", now=now(gw, admin_headers))  # the master's step
        assert done.ended is True
        assert tickle(gw).get_json()["reason"] == "gateway_restarted"
        assert starting.pending() is None  # known: no more looking
    finally:
        starting.settle()

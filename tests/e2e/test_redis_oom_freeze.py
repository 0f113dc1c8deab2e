"""Fail closed when Redis is there but cannot serve: frozen, out of memory, read-only, short of replicas,
busy in a script. Each answers 503 ``store_unavailable`` (within ``SLS_REDIS_TIMEOUT`` when frozen) and
``/readyz`` says not ready; a bug of ours stays a loud JSON 500; a logout whose audit write fails still
logs out. Every case runs on a dedicated real redis-server that the test degrades with CONFIG SET,
REPLICAOF, SIGSTOP or a long script."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from conftest import ADMIN_TOKEN, config_on, wait_until
from flask.testing import FlaskClient

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis, free_port

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
#: Long enough that a loaded machine's stall (0.65 s seen beside other work) fits in the margin.
TIMEOUT_S = 1.0
#: Less than one more timeout: a request that waited on Redis twice (a retry, a health-check PING, a second
#: command after the first timed out) cannot pass.
MARGIN_S = 0.9


@dataclass
class World:
    redis: EmbeddedRedis
    admin: redis.Redis  # a separate connection, to degrade and restore the server
    client: FlaskClient
    token: str  # alice's live session

    def login(self) -> Any:
        return self.client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})

    def session(self) -> Any:
        return self.client.get("/api/v1/session", headers={"Authorization": f"Bearer {self.token}"})


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    server = EmbeddedRedis(tmp_path / "own-redis", appendonly=False).start()
    app = create_app(config_on(server.url, tmp_path / "d", REDIS_TIMEOUT=TIMEOUT_S))
    client = app.test_client()
    made = client.post("/admin/v1/users", json={"username": "alice", "password": PASSWORD}, headers=ADMIN)
    assert made.status_code == 201, made.get_json()
    card = client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN
    ).get_json()
    started = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}).get_json()
    response = client.post(
        f"/sim/v1/dscplus/{card['device_id']}/respond",
        json={"pin": "1234", "challenge": started["factor"]["challenge"]},
    ).get_json()["response"]
    done = client.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": response})
    assert done.status_code == 200, done.get_json()
    admin = redis.Redis.from_url(server.url, decode_responses=True)
    try:
        yield World(server, admin, client, done.get_json()["session"]["token"])
    finally:
        admin.close()
        server.stop()


def refused(answer: Any) -> bool:
    return answer.status_code == 503 and answer.get_json()["error"] == "store_unavailable"


# --- frozen ----------------------------------------------------------------------------------------------


def test_a_frozen_redis_answers_503_within_the_timeout(world: World) -> None:
    """SIGSTOP: the socket accepts, nothing answers. One wait of SLS_REDIS_TIMEOUT, not one per retry."""
    requests: dict[str, Callable[[], Any]] = {
        "readyz": lambda: world.client.get("/readyz"),
        "login": world.login,
        "session": world.session,
        "logout": lambda: world.client.post(
            "/api/v1/auth/logout", headers={"Authorization": f"Bearer {world.token}"}
        ),
        "admin": lambda: world.client.post(
            "/admin/v1/users", json={"username": "bob", "password": PASSWORD}, headers=ADMIN
        ),
    }
    pid = world.redis.process.pid  # type: ignore[union-attr]
    took: dict[str, float] = {}
    os.kill(pid, signal.SIGSTOP)
    try:
        for name, request in requests.items():
            started = time.monotonic()
            answer = request()
            took[name] = time.monotonic() - started
            assert refused(answer), (name, answer.status_code, answer.get_json())
    finally:
        os.kill(pid, signal.SIGCONT)
    assert all(seconds < TIMEOUT_S + MARGIN_S for seconds in took.values()), took

    assert world.client.get("/readyz").status_code == 200  # thawed: service resumes by itself
    assert world.session().status_code == 200


def test_a_frozen_redis_costs_a_process_with_no_clock_subscription_one_timeout_too(
    world: World, tmp_path: Path
) -> None:
    """A process not yet subscribed to the clock's channel (just started, or its subscription broken)
    subscribes first and waits for the confirmation: it used to read the offset after that wait timed out,
    and so waited a second timeout before its 503."""
    fresh = create_app(config_on(world.redis.url, tmp_path / "fresh", REDIS_TIMEOUT=TIMEOUT_S)).test_client()
    pid = world.redis.process.pid  # type: ignore[union-attr]
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answer = fresh.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
        took = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)
    assert refused(answer), (answer.status_code, answer.get_json())
    assert took < TIMEOUT_S + MARGIN_S, f"answered after {took:.2f} s"
    thawed = fresh.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert thawed.status_code == 200, thawed.get_json()


# --- out of memory and other refusals ---------------------------------------------------------------------


def oom(admin: redis.Redis) -> Callable[[], None]:
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", 1)
    return lambda: admin.config_set("maxmemory", 0)


def read_only_replica(admin: redis.Redis) -> Callable[[], None]:
    admin.replicaof("127.0.0.1", free_port())  # a master that is not there: stays a read-only replica
    return lambda: admin.replicaof("NO", "ONE")


def master_down(admin: redis.Redis) -> Callable[[], None]:
    admin.config_set("replica-serve-stale-data", "no")
    admin.replicaof("127.0.0.1", free_port())

    def restore() -> None:
        admin.replicaof("NO", "ONE")
        admin.config_set("replica-serve-stale-data", "yes")

    return restore


def no_replicas(admin: redis.Redis) -> Callable[[], None]:
    admin.config_set("min-replicas-to-write", 1)
    return lambda: admin.config_set("min-replicas-to-write", 0)


@pytest.mark.parametrize(
    ("degrade", "code"),
    [(oom, "OOM"), (read_only_replica, "READONLY"), (master_down, "READONLY"), (no_replicas, "NOREPLICAS")],
)
def test_a_redis_that_refuses_writes_is_a_503_and_not_ready(
    world: World, degrade: Callable[[redis.Redis], Callable[[], None]], code: str
) -> None:
    restore = degrade(world.admin)
    try:
        ready = world.client.get("/readyz")
        assert ready.status_code == 503, ready.get_json()
        assert ready.get_json()["status"] == "unavailable"
        # why, as a Cluster's 503 says it (it said only "cannot serve this request right now")
        assert (
            ready.get_json()["message"]
            == f"Redis did not take the readiness probe's write (a short-lived key): {code}."
        )
        assert world.client.get("/healthz").status_code == 200  # alive, just not ready
        assert refused(world.login())
        assert refused(
            world.client.post(
                "/admin/v1/users", json={"username": "bob", "password": PASSWORD}, headers=ADMIN
            )
        )
    finally:
        restore()
    assert world.client.get("/readyz").status_code == 200
    assert world.login().status_code == 200


def test_a_redis_busy_in_a_script_is_a_503(world: World) -> None:
    """A script past lua-time-limit makes Redis answer BUSY to everything until it is killed."""
    world.admin.config_set("lua-time-limit", 10)
    blocker = redis.Redis.from_url(world.redis.url)
    outcome: list[str] = []

    def run_forever() -> None:
        try:
            blocker.eval("while true do end", 0)
        except redis.ResponseError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=run_forever)
    thread.start()
    try:
        wait_until(lambda: busy(world.admin))
        assert refused(world.login())
        assert refused(world.session())
        assert world.client.get("/readyz").status_code == 503
    finally:
        wait_until(lambda: script_killed(world.admin))
        thread.join(timeout=10)
        blocker.close()
    assert outcome and "killed" in outcome[0].lower()
    assert world.client.get("/readyz").status_code == 200


def busy(admin: redis.Redis) -> bool:
    try:
        admin.ping()
    except redis.ResponseError as exc:
        return str(exc).startswith("BUSY")
    return False


def script_killed(admin: redis.Redis) -> bool:
    try:
        admin.script_kill()
    except redis.ResponseError as exc:
        return "NOTBUSY" in str(exc)
    return True


# --- logout when the audit write fails --------------------------------------------------------------------


def test_logout_under_oom_ends_the_session_and_logs_the_lost_event(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Under noeviction OOM, DEL works and XADD does not: the session must still end, with a 200."""
    restore = oom(world.admin)
    try:
        with caplog.at_level(logging.INFO):
            answer = world.client.post(
                "/api/v1/auth/logout", headers={"Authorization": f"Bearer {world.token}"}
            )
        assert answer.status_code == 200, answer.get_json()
        assert answer.get_json() == {"state": "logged_out", "username": "alice"}
        assert world.session().status_code == 401  # gone, even before Redis has memory again
    finally:
        restore()
    assert world.session().status_code == 401
    lost = [r for r in caplog.records if r.levelno >= logging.ERROR and "session.logout" in r.getMessage()]
    assert lost, caplog.text
    assert "alice" in lost[0].getMessage()
    assert world.token not in caplog.text


# --- a bug of ours ----------------------------------------------------------------------------------------


def test_a_redis_error_of_ours_is_a_loud_json_500_not_a_503(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """WRONGTYPE (a key not holding what our code wrote) will not heal by retrying: it is a 500 with the
    JSON body, logged at error level with the Redis code, and /readyz stays ready."""
    world.admin.delete("sls:{events}:stream")
    world.admin.set("sls:{events}:stream", "not a stream")
    with caplog.at_level(logging.INFO):
        answer = world.login()
    assert answer.status_code == 500
    assert answer.get_json() == {"error": "internal_error", "message": "An unexpected error occurred."}
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "WRONGTYPE" in caplog.text
    assert PASSWORD not in caplog.text
    assert world.client.get("/readyz").status_code == 200

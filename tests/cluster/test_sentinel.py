"""The service on a master watched by three Sentinels (``redis+sentinel://``): a failover loses no lockout
and no session, and the running app follows the new master by itself (its client asks the Sentinels again
when the old master's connection fails or turns read-only)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient

from cluster.sentinel_topology import LocalSentinel
from cluster.topology import poll
from sls_server import create_app
from sls_server.store.embedded import free_port

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
WRONG = "wrong-password-x"


@pytest.fixture
def sentinel(redis_sentinel: LocalSentinel) -> LocalSentinel:
    redis_sentinel.wait_healthy()
    redis_sentinel.flush()
    return redis_sentinel


def wrong_password(client: FlaskClient, username: str) -> int:
    return client.post("/api/v1/auth/login", json={"username": username, "password": WRONG}).status_code


def test_a_sentinel_failover_loses_no_lockout_and_the_app_follows_the_new_master(
    sentinel: LocalSentinel, tmp_path: Path
) -> None:
    app = create_app(
        {
            "REDIS_URL": sentinel.url,
            "DATA_DIR": str(tmp_path / "data"),
            "HASH_PROFILE": "test",
            "ADMIN_TOKEN": ADMIN_TOKEN,
        }
    )
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    EnrolledUser(client, ADMIN, "bob", "1234")
    token = alice.log_in()
    assert [wrong_password(client, "bob") for _ in range(6)] == [401] * 5 + [423]
    old = sentinel.current_master()
    sentinel.wait_healthy()  # the replica has every write: a failover now must lose none

    new = sentinel.failover()
    assert new is not old and old.role() == "slave"

    # the first request after the switch may meet the old master (now read-only) and answer 503; the
    # client then asks the Sentinels again, so service comes back without a restart
    poll("the app to follow the new master", lambda: wrong_password(client, "bob") == 423, timeout_s=30)
    assert client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert alice.log_in()  # password, card challenge, session: every step written to the new master
    assert client.get("/readyz").status_code == 200


def test_after_a_sentinel_failover_a_reader_hears_every_clock_move(
    sentinel: LocalSentinel, tmp_path: Path
) -> None:
    def core() -> Any:
        config = {"REDIS_URL": sentinel.url, "DATA_DIR": str(tmp_path / "data"), "ADMIN_TOKEN": ADMIN_TOKEN}
        return create_app({**config, "HASH_PROFILE": "test"}).extensions["sls"]

    mover, reader = core(), core()
    reader.clock.now()  # subscribed on the master
    sentinel.wait_healthy()
    new = sentinel.failover()
    poll("the mover to follow the new master", lambda: _moves(mover, 1), timeout_s=30)
    assert new.role() == "master"
    missed = [n for n in range(2, 302) if not _moves(mover, n) or reader.store.clock.offset() != n]
    assert missed == [], f"{len(missed)} of 300 moves not seen by the next read"


def _moves(core: Any, offset: int) -> bool:
    try:
        return bool(core.store.clock.set_offset(offset) == offset)
    except Exception:  # the old master, read-only now, until the client asks the Sentinels again
        return False


@pytest.fixture(params=["refused", "frozen"])
def sentinels_not_answering(request: pytest.FixtureRequest) -> Iterator[str]:
    """A ``redis+sentinel://`` URL none of whose Sentinels answers: three ports nothing listens on (every
    connection refused), or one that takes connections and never replies (a frozen host)."""
    if request.param == "refused":
        yield "redis+sentinel://" + ",".join(f"127.0.0.1:{free_port()}" for _ in range(3)) + "/mymaster"
        return
    with socket.create_server(("127.0.0.1", 0)) as frozen:
        yield f"redis+sentinel://127.0.0.1:{frozen.getsockname()[1]}/mymaster"


def test_with_no_sentinel_answering_requests_answer_503_within_a_few_redis_timeouts(
    sentinels_not_answering: str, tmp_path: Path
) -> None:
    """redis-py asks a Sentinel up to 11 times with backoff unless told otherwise: a login waited 76 s for
    its 503 with three Sentinels refusing, /readyz 35 s (a load balancer's probe long gone)."""
    timeout_s = 0.5
    app = create_app(
        {
            "REDIS_URL": sentinels_not_answering,
            "REDIS_TIMEOUT": timeout_s,
            "DATA_DIR": str(tmp_path / "data"),
            "HASH_PROFILE": "test",
            "ADMIN_TOKEN": ADMIN_TOKEN,
        }
    )
    client = app.test_client()
    for send in (
        lambda: client.get("/readyz"),
        lambda: client.post("/api/v1/auth/login", json={"username": "alice", "password": WRONG}),
    ):
        started = time.monotonic()
        answer = send()
        took = time.monotonic() - started
        assert answer.status_code == 503 and answer.get_json()["error"] == "store_unavailable"
        assert took < 10 * timeout_s, f"answered after {took:.1f} s"

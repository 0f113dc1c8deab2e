"""The service on a master watched by three Sentinels (``redis+sentinel://``): a failover loses no lockout
and no session, and the running app follows the new master by itself (its client asks the Sentinels again
when the old master's connection fails or turns read-only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient

from cluster.sentinel_topology import LocalSentinel
from cluster.topology import poll
from sls_server import create_app

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

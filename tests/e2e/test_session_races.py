"""One live session per user, exactly, under racing logins (security review).

Sixteen threads creating sessions for one user once left up to four live sessions under both rules, and
live sessions missing from the user's index, which then survived "disable user". Session creation is now
one Lua step over the user's slot; these tests race it in-process and across `sls serve` worker processes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN

from sls_server import create_app
from sls_server.errors import SlsError
from sls_server.store import connect, keys

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
RACERS = 16


def _live_sessions_in_redis(redis_url: str, username: str, now: int) -> tuple[set[str], set[str]]:
    """(ids of live session records, ids in the user's index), read straight from Redis; a tombstone (a
    session a newer login, a disabled account, an administrator or an expiry ended, kept to tell its holder
    why: any ``state``, ``auth.session_endings``) is not live."""
    raw = connect(redis_url)
    prefix = keys.session_prefix(username)
    live = set()
    for key in raw.scan_iter(match=prefix + "*"):
        record = raw.hgetall(key)
        if "state" not in record and int(record["idle_expires_at"]) > now:
            live.add(key.removeprefix(prefix))
    return live, set(raw.zrange(keys.user_sessions(username), 0, -1))


@pytest.mark.parametrize("concurrency", ["replace", "refuse"])
def test_racing_threads_leave_one_indexed_session(
    app_config: dict[str, Any], redis_url: str, concurrency: str
) -> None:
    app = create_app({**app_config, "SESSION_CONCURRENCY": concurrency})
    core = app.extensions["sls"]
    core.users.create("alice", PASSWORD, phone=None, now=1_800_000_000)
    epoch = core.store.users.get("alice").epoch

    def create(_: int) -> str:
        try:
            core.sessions.issuer.create(
                "alice", factor="dscplus", device_id=None, now=1_800_000_000, ip=None, epoch=epoch
            )
        except SlsError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(create, range(RACERS * 4)))
    live, indexed = _live_sessions_in_redis(redis_url, "alice", 1_800_000_000)
    assert len(live) == 1 and live == indexed
    if concurrency == "refuse":
        assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "session_active"}
    else:
        assert set(outcomes) == {"ok"}


def _start(base: str) -> tuple[requests.Session, dict[str, Any]]:
    http = requests.Session()
    started = http.post(
        f"{base}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=30
    )
    assert started.status_code == 200, started.text
    return http, started.json()


@pytest.mark.parametrize("concurrency", ["replace", "refuse"])
def test_racing_logins_over_http_leave_exactly_one_session(
    sls_serve, redis_url: str, concurrency: str
) -> None:
    server = sls_serve(workers=3, SLS_SESSION_CONCURRENCY=concurrency)
    base = server.url
    assert requests.post(
        f"{base}/admin/v1/users", json={"username": "alice", "password": PASSWORD}, headers=ADMIN, timeout=10
    ).ok
    card = requests.post(
        f"{base}/admin/v1/users/alice/devices",
        json={"type": "dscplus", "pin": "1234"},
        headers=ADMIN,
        timeout=10,
    ).json()
    logins = [_start(base) for _ in range(RACERS)]
    answers = [
        requests.post(
            f"{base}/sim/v1/dscplus/{card['device_id']}/respond",
            json={"pin": "1234", "challenge": body["factor"]["challenge"]},
            timeout=10,
        ).json()
        for _, body in logins
    ]

    def verify(index: int) -> tuple[int, str]:
        http, body = logins[index]
        done = http.post(f"{base}/api/v1/auth/login/{body['txn_id']}/verify", json=answers[index], timeout=30)
        return done.status_code, done.json().get("error", "")

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(verify, range(RACERS)))
    statuses = [status for status, _ in outcomes]
    if concurrency == "refuse":
        assert statuses.count(200) == 1
        assert {error for status, error in outcomes if status != 200} == {"session_active"}
    else:
        assert statuses == [200] * RACERS
    listed = requests.get(f"{base}/admin/v1/users/alice/sessions", headers=ADMIN, timeout=10).json()[
        "sessions"
    ]
    now = requests.get(f"{base}/admin/v1/clock", headers=ADMIN, timeout=10).json()["now"]
    live, indexed = _live_sessions_in_redis(redis_url, "alice", now)
    assert len(listed) == 1 and live == indexed == {listed[0]["id"]}

    disabled = requests.post(f"{base}/admin/v1/users/alice/disable", headers=ADMIN, timeout=10).json()
    assert disabled["sessions_ended"] == 1
    assert _live_sessions_in_redis(redis_url, "alice", now)[0] == set()

"""Several ``sls serve`` instances on one store behave as one server (issue 13): workers and instances hold no
state of their own. Two instances, each with two workers, on one Redis and on a Redis Cluster: a lockout is
counted across both (in turn, and racing), a login begun on one is finished on the other and its session is
valid on both until a logout on either, and a clock move on one is seen by the other on its very next
request (each worker caches the offset; pub/sub keeps it true: ``store/clock.py``).

Real processes over real HTTP; each request opens its own connection, so either worker of an instance may
answer it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from conftest import ADMIN_TOKEN, empty
from over_http_kit import card_user_over_http
from serve_processes import ServerProcess, fresh, start_server, stop_server

from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
WRONG = "wrong-password-x"
THRESHOLD = 5
DAY = 86_400


@pytest.fixture(scope="module", params=["single", "cluster"])
def pair(
    request: pytest.FixtureRequest,
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Two instances on the same store, the session's Redis or its Redis Cluster, started once for the
    module's tests on that store: four starts of two workers each in all, where each test's own pair made
    twelve (docs/performance.md, the suite's time)."""
    url = _emptied(request.param, redis_session, request)
    folder = tmp_path_factory.mktemp(f"scale-out-{request.param}")  # one data folder: one secret key
    settings = {"SLS_LOCKOUT_THRESHOLD": str(THRESHOLD), "SLS_IP_THROTTLE_LIMIT": "10000"}
    a = start_server(url, folder, 2, **settings)
    try:
        b = start_server(url, folder, 2, **settings)
    except BaseException:
        stop_server(a)
        raise
    yield a, b
    stop_server(a)
    stop_server(b)


def _emptied(
    topology: str, redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, request: pytest.FixtureRequest
) -> str:
    """The store emptied for the next test, as a ``SLS_REDIS_URL``."""
    if topology == "cluster":
        cluster: LocalCluster = request.getfixturevalue("redis_cluster")
        cluster.wait_healthy()  # a failover test before may still be settling its replica
        cluster.flush()
        return cluster.url
    return empty(redis_session)


@pytest.fixture
def instances(
    pair: tuple[ServerProcess, ServerProcess],
    request: pytest.FixtureRequest,
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel,
) -> tuple[ServerProcess, ServerProcess]:
    """The module's two instances on an emptied store, their workers told the clock is gone, as if just
    started."""
    url = _emptied(request.node.callspec.params["pair"], redis_session, request)
    a, b = pair
    return fresh(a, url), fresh(b, url)


def _user(base: str, name: str) -> str:
    """A user with a DSC+ card (PIN 1234); the card's device id."""
    return str(card_user_over_http(base, name, PASSWORD)["device_id"])


def _login(base: str, name: str, password: str) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/auth/login", json={"username": name, "password": password}, timeout=30
    )


def _now(server: ServerProcess) -> int:
    answer = requests.get(f"{server.url}/admin/v1/clock", headers=ADMIN, timeout=10)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["now"])


def test_wrong_passwords_on_both_instances_lock_after_exactly_the_threshold(
    instances: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = instances
    _user(a.url, "alice")
    answers = [_login((a, b)[i % 2].url, "alice", WRONG) for i in range(THRESHOLD + 1)]
    assert [answer.status_code for answer in answers] == [401] * THRESHOLD + [423]
    for server in (a, b):  # locked on both, even with the right password
        assert _login(server.url, "alice", PASSWORD).status_code == 423
    status = requests.get(f"{b.url}/admin/v1/users/alice/lockout", headers=ADMIN, timeout=10).json()
    assert status["locked"] is True

    _user(b.url, "bob")  # and racing: 24 at once, half on each instance, still exactly the threshold

    def attempt(i: int) -> str:
        return str(_login((a, b)[i % 2].url, "bob", WRONG).json().get("error"))

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(attempt, range(24)))
    assert codes.count("invalid_credentials") == THRESHOLD, codes
    assert codes.count("account_locked") == 24 - THRESHOLD, codes
    locks = requests.get(f"{a.url}/admin/v1/events?type=account.locked", headers=ADMIN, timeout=10).json()
    assert sorted(event["user"] for event in locks["events"]) == ["alice", "bob"]  # one lock each


def test_a_login_begun_on_one_instance_ends_on_the_other_and_its_session_is_valid_on_both(
    instances: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = instances
    device_id = _user(a.url, "carol")
    started = _login(a.url, "carol", PASSWORD)
    assert started.status_code == 200, started.text
    login = started.json()
    answer = requests.post(
        f"{b.url}/sim/v1/dscplus/{device_id}/respond",
        json={"pin": "1234", "challenge": login["factor"]["challenge"]},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    done = requests.post(
        f"{b.url}/api/v1/auth/login/{login['txn_id']}/verify",
        json=answer.json(),
        headers={"X-Login-Token": login["login_token"]},
        timeout=30,
    )
    assert done.status_code == 200, done.text  # begun on one instance, finished on the other
    bearer = {"Authorization": f"Bearer {done.json()['session']['token']}"}
    for server in (a, b, a, b, a, b):
        me = requests.get(f"{server.url}/api/v1/session", headers=bearer, timeout=10)
        assert me.status_code == 200 and me.json()["username"] == "carol", me.text

    ended = requests.post(f"{b.url}/api/v1/auth/logout", headers=bearer, timeout=10)
    assert ended.status_code == 200, ended.text
    for server in (a, b, a, b, a, b):
        gone = requests.get(f"{server.url}/api/v1/session", headers=bearer, timeout=10)
        assert gone.status_code == 401, gone.text


def test_a_clock_move_on_one_instance_is_seen_by_the_other_on_its_next_request(
    instances: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = instances
    for server in (a, b, a, b, a, b):  # warm the workers' cached offsets (whichever answer)
        _now(server)
    before = _now(b)
    moved = requests.post(f"{a.url}/admin/v1/clock", json={"advance_s": DAY}, headers=ADMIN, timeout=10)
    assert moved.status_code == 200, moved.text
    for _ in range(6):  # the very next requests to the other instance, on whichever of its workers
        assert _now(b) - before >= DAY
    back = requests.post(f"{b.url}/admin/v1/clock", json={"advance_s": -DAY}, headers=ADMIN, timeout=10)
    assert back.status_code == 200, back.text
    for _ in range(6):  # and back, moved from the other side
        assert _now(a) - before < DAY // 2


def test_an_instance_with_another_secret_key_refuses_to_start_on_the_same_redis(
    sls_serve: Any, redis_url: str
) -> None:
    """Each data folder makes a key of its own: a second instance started on another folder would seal and
    open secrets under another key, and answer 500 for the first one's cards. It refuses to start instead,
    naming the setting; one with the same key starts and serves the first one's users."""
    first = sls_serve(workers=1, SLS_SECRET_KEY="11" * 32)
    _user(first.url, "kim")
    with pytest.raises(RuntimeError, match=r"SLS_SECRET_KEY.*sealed under another key"):
        sls_serve(workers=1, SLS_SECRET_KEY="22" * 32)
    second = sls_serve(workers=1, SLS_SECRET_KEY="11" * 32)
    assert _login(second.url, "kim", PASSWORD).status_code == 200
    assert requests.get(f"{first.url}/readyz", timeout=10).status_code == 200  # the refusal stopped nothing

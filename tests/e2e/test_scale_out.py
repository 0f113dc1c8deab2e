"""Several ``sls serve`` instances on one store behave as one server (issue 13): workers and instances hold no
state of their own. Two instances, each with two workers, on one Redis and on a Redis Cluster: a lockout is
counted across both, a session made on one is valid on the other (and a logout on one ends it on both), and
a clock move on one is seen by the other on its very next request."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
THRESHOLD = 5


@pytest.fixture(params=["single", "cluster"])
def instances(request: pytest.FixtureRequest, sls_serve: Any) -> tuple[Any, Any]:
    """Two instances on the same store: the test's Redis, or the session's Redis Cluster."""
    url = None
    if request.param == "cluster":
        cluster = request.getfixturevalue("redis_cluster")
        cluster.wait_healthy()
        cluster.flush()
        url = cluster.url
    return sls_serve(workers=2, redis=url), sls_serve(workers=2, redis=url)


def _user(base: str, name: str) -> str:
    created = requests.post(
        f"{base}/admin/v1/users", json={"username": name, "password": PASSWORD}, headers=ADMIN, timeout=10
    )
    assert created.status_code == 201, created.text
    card = requests.post(
        f"{base}/admin/v1/users/{name}/devices",
        json={"type": "dscplus", "pin": "1234"},
        headers=ADMIN,
        timeout=10,
    )
    assert card.status_code == 201, card.text
    return str(card.json()["device_id"])


def _login(base: str, name: str, password: str) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/auth/login", json={"username": name, "password": password}, timeout=30
    )


def test_wrong_passwords_alternating_between_instances_lock_after_exactly_the_threshold(
    instances: tuple[Any, Any],
) -> None:
    a, b = instances
    _user(a.url, "alice")
    answers = [_login((a, b)[i % 2].url, "alice", "wrong-password-x") for i in range(THRESHOLD + 1)]
    assert [answer.status_code for answer in answers] == [401] * THRESHOLD + [423]
    for server in (a, b):  # locked on both, even with the right password
        assert _login(server.url, "alice", PASSWORD).status_code == 423
    status = requests.get(f"{b.url}/admin/v1/users/alice/lockout", headers=ADMIN, timeout=10).json()
    assert status["locked"] is True


def test_a_session_made_on_one_instance_is_valid_on_the_other_until_a_logout_on_either(
    instances: tuple[Any, Any],
) -> None:
    a, b = instances
    device_id = _user(a.url, "bob")
    started = _login(a.url, "bob", PASSWORD).json()
    answer = requests.post(
        f"{b.url}/sim/v1/dscplus/{device_id}/respond",
        json={"pin": "1234", "challenge": started["factor"]["challenge"]},
        timeout=10,
    ).json()
    done = requests.post(f"{b.url}/api/v1/auth/login/{started['txn_id']}/verify", json=answer, timeout=30)
    assert done.status_code == 200, done.text  # begun on one instance, finished on the other
    bearer = {"Authorization": f"Bearer {done.json()['session']['token']}"}
    for server in (a, b, a, b):  # each instance's two workers, whichever answers
        me = requests.get(f"{server.url}/api/v1/session", headers=bearer, timeout=10)
        assert me.status_code == 200 and me.json()["username"] == "bob"

    assert requests.post(f"{b.url}/api/v1/auth/logout", headers=bearer, timeout=10).status_code == 200
    for server in (a, b, a, b):
        assert requests.get(f"{server.url}/api/v1/session", headers=bearer, timeout=10).status_code == 401


def test_a_clock_move_on_one_instance_is_seen_by_the_other_on_its_next_request(
    instances: tuple[Any, Any],
) -> None:
    a, b = instances
    before = requests.get(f"{b.url}/admin/v1/clock", headers=ADMIN, timeout=10).json()["now"]
    for server in (a, b, a, b):  # warm every worker's cached offset first
        requests.get(f"{server.url}/admin/v1/clock", headers=ADMIN, timeout=10)
    moved = requests.post(f"{a.url}/admin/v1/clock", json={"advance_s": 86_400}, headers=ADMIN, timeout=10)
    assert moved.status_code == 200, moved.text
    for _ in range(4):  # the very next request to the other instance, on whichever of its workers
        seen = requests.get(f"{b.url}/admin/v1/clock", headers=ADMIN, timeout=10).json()["now"]
        assert seen - before >= 86_400

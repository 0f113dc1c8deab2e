"""Lockout is exact under races across worker processes, survives a Redis restart, and never counts a
failure it then loses when Redis goes away."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import ADMIN_TOKEN, config_on
from over_http_kit import card_user_over_http

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"


def _make_user(base: str, name: str = "alice") -> None:
    card_user_over_http(base, name, PASSWORD)


def _race(base: str, passwords: list[str]) -> list[tuple[str, int, str]]:
    def attempt(password: str) -> tuple[str, int, str]:
        answer = requests.post(
            f"{base}/api/v1/auth/login", json={"username": "alice", "password": password}, timeout=30
        )
        return password, answer.status_code, answer.json().get("error", answer.json().get("state"))

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(attempt, passwords))


@pytest.mark.parametrize("workers", [2, 3])
def test_64_racing_wrong_passwords_give_exactly_threshold_failures(shared_serve, workers: int) -> None:
    server = shared_serve(workers=workers, SLS_IP_THROTTLE_LIMIT="10000")
    _make_user(server.url)
    outcomes = _race(server.url, ["wrong-password-x"] * 64)
    codes = [code for _, _, code in outcomes]
    assert codes.count("invalid_credentials") == 5
    # the rest: locked, or (while the last attempts were being checked) asked to retry in a second
    assert codes.count("account_locked") + codes.count("rate_limited") == 59
    locked = requests.get(
        f"{server.url}/admin/v1/events?type=account.locked", headers=ADMIN, timeout=10
    ).json()
    assert len(locked["events"]) == 1


def test_racing_with_the_right_password_mixed_in(shared_serve) -> None:
    server = shared_serve(workers=3, SLS_IP_THROTTLE_LIMIT="10000")  # the one the test above raced on
    _make_user(server.url)
    passwords = ["wrong-password-x" if i % 4 else PASSWORD for i in range(64)]
    outcomes = _race(server.url, passwords)
    wrong = [code for password, _, code in outcomes if password != PASSWORD]
    right = [code for password, _, code in outcomes if password == PASSWORD]
    assert wrong.count("invalid_credentials") == 5
    assert (
        {"invalid_credentials", "account_locked"}
        <= set(wrong)
        <= {
            "invalid_credentials",
            "account_locked",
            "rate_limited",
        }
    )
    assert set(right) <= {"second_factor", "account_locked", "rate_limited"}  # never read as wrong


def test_lock_and_session_survive_a_redis_restart(tmp_path: Path) -> None:
    redis_server = EmbeddedRedis(tmp_path / "aof", appendonly=True).start()
    try:
        config = config_on(redis_server.url, tmp_path / "d")
        client = create_app(config).test_client()
        client.post("/admin/v1/users", json={"username": "alice", "password": PASSWORD}, headers=ADMIN)
        client.post("/admin/v1/users", json={"username": "bob", "password": PASSWORD}, headers=ADMIN)
        card = client.post(
            "/admin/v1/users/bob/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN
        ).get_json()
        started = client.post("/api/v1/auth/login", json={"username": "bob", "password": PASSWORD}).get_json()
        answer = client.post(
            f"/sim/v1/dscplus/{card['device_id']}/respond",
            json={"pin": "1234", "challenge": started["factor"]["challenge"]},
        ).get_json()
        token = client.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json=answer).get_json()[
            "session"
        ]["token"]
        for _ in range(5):
            client.post("/api/v1/auth/login", json={"username": "alice", "password": "wrong-password-x"})

        redis_server.stop()
        redis_server.start()  # same folder, same AOF

        fresh = create_app(config).test_client()
        assert (
            fresh.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}).status_code
            == 423
        )
        me = fresh.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.get_json()["username"] == "bob"
    finally:
        redis_server.stop()


def test_redis_outage_mid_attack_neither_allows_nor_loses_a_count(tmp_path: Path) -> None:
    redis_server = EmbeddedRedis(tmp_path / "r", appendonly=True).start()
    try:
        client = create_app(
            config_on(redis_server.url, tmp_path / "d")
        ).test_client()  # stopped: refused at once
        client.post("/admin/v1/users", json={"username": "alice", "password": PASSWORD}, headers=ADMIN)
        client.post("/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN)
        for _ in range(3):
            client.post("/api/v1/auth/login", json={"username": "alice", "password": "wrong-password-x"})
        redis_server.stop()
        for password in ("wrong-password-x", PASSWORD):
            down = client.post("/api/v1/auth/login", json={"username": "alice", "password": password})
            assert down.status_code == 503
        redis_server.start()
        status = client.get("/admin/v1/users/alice/lockout", headers=ADMIN).get_json()
        assert status["buckets"]["all"]["failures"] == 3
        assert [
            client.post(
                "/api/v1/auth/login", json={"username": "alice", "password": "wrong-password-x"}
            ).status_code
            for _ in range(3)
        ] == [401, 401, 423]
    finally:
        redis_server.stop()

"""Fail closed: with Redis gone, readiness and logins answer 503, never 200; with Redis back, service resumes
without a restart. A real redis-server process is stopped and started on the same unix socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from answer_cutter import AnswerCutter
from conftest import ADMIN_TOKEN, config_on
from flask import Flask
from over_http_kit import card_user_over_http

from sls_server import create_app
from sls_server.store import keys
from sls_server.store.embedded import EmbeddedRedis

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    server = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    yield server
    server.stop()


def test_flask_app_fails_closed_and_recovers(own_redis: EmbeddedRedis, tmp_path: Path) -> None:
    app = create_app(config_on(own_redis.url, tmp_path / "d"))  # a stopped Redis refuses: no timeout to wait
    client = app.test_client()
    assert (
        client.post(
            "/admin/v1/users", json={"username": "alice", "password": PASSWORD}, headers=ADMIN
        ).status_code
        == 201
    )
    card = client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN
    ).get_json()
    started = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}).get_json()

    own_redis.stop()
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200
    for path, body in (
        ("/api/v1/auth/login", {"username": "alice", "password": PASSWORD}),
        (f"/api/v1/auth/login/{started['txn_id']}/verify", {"response": "12345678"}),
        (f"/sim/v1/dscplus/{card['device_id']}/respond", {"pin": "1234", "challenge": "123456"}),
    ):
        refused = client.post(path, json=body)
        assert refused.status_code == 503, path
        assert refused.get_json()["error"] == "store_unavailable"
    assert client.get("/api/v1/session", headers={"Authorization": "Bearer x"}).status_code == 503

    own_redis.start()
    assert client.get("/readyz").status_code == 200
    again = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert again.status_code == 200, again.get_json()


@pytest.mark.e2e
def test_sls_serve_fails_closed_and_recovers(own_redis: EmbeddedRedis, sls_serve) -> None:
    server = sls_serve(workers=2, redis=own_redis.url)
    base = server.url
    card_user_over_http(base, "alice", PASSWORD)

    own_redis.stop()
    for _ in range(4):  # each worker, whichever gets the request
        assert requests.get(f"{base}/readyz", timeout=10).status_code == 503
        login = requests.post(
            f"{base}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
        )
        assert login.status_code == 503
        assert login.json()["error"] == "store_unavailable"

    own_redis.start()  # same socket, same AOF: the user is still there
    for _ in range(4):
        assert requests.get(f"{base}/readyz", timeout=10).status_code == 200
        login = requests.post(
            f"{base}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
        )
        assert login.status_code == 200, login.text
    assert "Traceback" not in server.log()


@pytest.fixture
def cut(own_redis: EmbeddedRedis, tmp_path: Path) -> Iterator[tuple[AnswerCutter, Flask]]:
    """An app whose Redis connection goes through an :class:`AnswerCutter`, which can lose one answer."""
    cutter = AnswerCutter(own_redis.url.removeprefix("unix://"))
    try:
        yield (
            cutter,
            create_app(config_on(cutter.url, tmp_path / "d")),
        )
    finally:
        cutter.close()


def test_a_batch_whose_answer_was_lost_is_not_sent_again(cut: tuple[AnswerCutter, Flask]) -> None:
    """One wrong password counts once even when the connection is lost after Redis counted it and before its
    answer came back: the batch was sent again on a new connection, and counted twice (a lockout after fewer
    wrong passwords than the threshold). Such a request answers 503; a batch is sent again only when nothing
    of it went out (a connection refused, or one Redis had closed before it was used)."""
    cutter, app = cut
    client = app.test_client()
    client.post("/admin/v1/users", json={"username": "bob", "password": PASSWORD}, headers=ADMIN)
    wrong = {"username": "bob", "password": "wrong-password-x"}
    assert client.post("/api/v1/auth/login", json=wrong).status_code == 401  # the settling script loaded
    cutter.armed = app.extensions["sls"].store.scripts._scripts["lockout_settle"].sha.encode()

    lost = client.post("/api/v1/auth/login", json=wrong)
    assert cutter.cut == 1
    assert lost.status_code == 503 and lost.get_json()["error"] == "store_unavailable"
    lockout = client.get("/admin/v1/users/bob/lockout", headers=ADMIN).get_json()
    assert lockout["buckets"]["all"]["failures"] == 2, "the wrong password Redis counted, once"
    assert client.post("/api/v1/auth/login", json=wrong).status_code == 401  # a new connection serves


def test_a_text_whose_answer_was_lost_lands_in_the_inbox_once(cut: tuple[AnswerCutter, Flask]) -> None:
    """A login code texted to the phone lands in its inbox once even when the connection is lost after Redis
    stored it and before its answer came back: the push was a MULTI/EXEC pipeline, which redis-py sends again
    after a lost connection, and the phone showed two texts of one code. Such a request answers 503."""
    cutter, app = cut
    phone = "+15555550123"
    client = app.test_client()
    user = {"username": "sam", "password": PASSWORD, "phone": phone, "sms": False}
    assert client.post("/admin/v1/users", json=user, headers=ADMIN).status_code == 201
    enrolled = client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=ADMIN)
    assert enrolled.status_code == 201, enrolled.get_json()
    cutter.armed = keys.phone_box(phone, "messages").encode()

    lost = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    assert cutter.cut == 1
    assert lost.status_code == 503 and lost.get_json()["error"] == "store_unavailable"
    inbox = client.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"]
    assert [text["purpose"] for text in inbox if text["purpose"] == "login"] == ["login"], "stored once"

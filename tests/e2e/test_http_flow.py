"""The whole flow over real HTTP against ``sls serve`` processes (gunicorn, several workers)."""

from __future__ import annotations

import pytest
import requests
from conftest import ADMIN_TOKEN
from over_http_kit import card_user_over_http
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _enrol(base: str, username: str = "alice", pin: str = "1234") -> tuple[str, dict]:
    password = "Correct-Horse-Battery-9"
    return password, card_user_over_http(base, username, password, pin)


def _log_in(
    base: str, http: requests.Session, username: str, password: str, card: dict, pin: str = "1234"
) -> dict:
    started = http.post(
        f"{base}/api/v1/auth/login", json={"username": username, "password": password}, timeout=10
    )
    assert started.status_code == 200, started.text
    body = started.json()
    answer = http.post(
        f"{base}/sim/v1/dscplus/{card['device_id']}/respond",
        json={"pin": pin, "challenge": body["factor"]["challenge"]},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    done = http.post(f"{base}/api/v1/auth/login/{body['txn_id']}/verify", json=answer.json(), timeout=10)
    assert done.status_code == 200, done.text
    return done.json()


def test_login_flow_over_real_http(racing_server: ServerProcess) -> None:
    server = racing_server
    base = server.url
    password, card = _enrol(base)
    http = requests.Session()
    done = _log_in(base, http, "alice", password, card)
    assert done["state"] == "authenticated"
    assert "sls_session" in http.cookies
    me = http.get(f"{base}/api/v1/session", timeout=10)
    assert me.status_code == 200 and me.json()["username"] == "alice"
    assert http.post(f"{base}/api/v1/session/tickle", timeout=10).status_code == 200
    assert http.post(f"{base}/api/v1/auth/logout", timeout=10).status_code == 200
    gone = requests.get(
        f"{base}/api/v1/session", headers={"Authorization": f"Bearer {done['session']['token']}"}, timeout=10
    )
    assert gone.status_code == 401
    assert requests.get(f"{base}/readyz", timeout=10).json()["status"] == "ready"
    assert requests.get(f"{base}/openapi.json", timeout=10).json()["openapi"].startswith("3.1")


def test_server_errors_are_json_over_http(plain_server) -> None:
    base = plain_server.url
    broken = requests.post(
        f"{base}/api/v1/auth/login", data="{nope", headers={"Content-Type": "application/json"}, timeout=10
    )
    assert broken.status_code == 400 and broken.json()["field"] == "body"
    huge = requests.post(
        f"{base}/api/v1/auth/login", json={"username": "a", "password": "x" * 100_000}, timeout=10
    )
    assert huge.status_code == 400 and huge.json()["error"] == "invalid_request"
    assert requests.get(f"{base}/nope", timeout=10).json()["error"] == "not_found"


def test_two_instances_on_one_redis_share_sessions_and_the_clock(plain_server, sls_serve) -> None:
    first = plain_server
    # the other instance: the first's data folder, so the same secret key (``SLS_DATA_DIR``'s secret.key)
    second = sls_serve(workers=1, SLS_DATA_DIR=str(first.log_path.parent / "serve-data"))
    password, card = _enrol(first.url)
    token = _log_in(first.url, requests.Session(), "alice", password, card)["session"]["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{second.url}/api/v1/session", headers=bearer, timeout=10).status_code == 200
    requests.post(f"{first.url}/admin/v1/clock", json={"advance_s": 901}, headers=ADMIN, timeout=10)
    expired = requests.get(f"{second.url}/api/v1/session", headers=bearer, timeout=10)
    assert expired.status_code == 401 and expired.json()["error"] == "session_expired"


def test_access_log_has_requests_but_no_secrets(sls_serve) -> None:
    server = sls_serve(workers=1)
    password, card = _enrol(server.url)
    done = _log_in(server.url, requests.Session(), "alice", password, card)
    log = server.log()
    assert "/api/v1/auth/login" in log
    for secret in (password, ADMIN_TOKEN, card["secret_hex"], done["session"]["token"]):
        assert secret not in log

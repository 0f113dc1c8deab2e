"""A request to a gateway route the emulator does not serve (its accounts, portfolio, orders, market data)
keeps the gateway's session alive, as the real gateway's does: it forwards every ``/v1/api`` request of a
logged-in session to the broker, whose session times out when the gateway "has not received any requests for
several minutes" (the Client Portal API's reference) and whose automatic logoff comes "after a specified
period of inactivity" (the seed, "Automatic Logoff"). The answer stays a 404 naming the path. Over real HTTP,
time moved with ``/admin/v1/clock``; nothing here waits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from conftest import ADMIN_TOKEN
from gateway_process import log_in_through_the_gateway
from serve_processes import ServerProcess, fresh
from shared_servers import served_once

from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
IDLE_S = 900  # SLS_IDLE_TIMEOUT's default
UNSERVED = [
    ("GET", "/v1/api/portfolio/accounts"),
    ("GET", "/v1/portal/iserver/accounts"),
    ("POST", "/v1/api/iserver/account/U1234567/orders"),
]


@pytest.fixture(scope="module")
def gateway_once(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One server in gateway mode for the module, stopped with it: a gateway process holds a lease in Redis
    while it serves, which a server shared beyond the module would leave for the next tests to find."""
    yield from served_once(redis_session, tmp_path_factory.mktemp("gateway-unserved"), 1, SLS_GATEWAY="true")


@pytest.fixture
def gateway(gateway_once: ServerProcess, redis_url: str) -> ServerProcess:
    return fresh(gateway_once, redis_url)


def advance(server: ServerProcess, seconds: int) -> None:
    moved = requests.post(
        f"{server.url}/admin/v1/clock", json={"advance_s": seconds}, headers=ADMIN, timeout=10
    )
    assert moved.status_code == 200, moved.text


def unserved(server: ServerProcess, method: str, path: str, **headers: str) -> requests.Response:
    answer = requests.request(method, f"{server.url}{path}", headers=headers, timeout=10)
    assert answer.status_code == 404, answer.text
    body = answer.json()
    assert body["error"] == "not_found" and f"{method} {path}" in body["message"], body
    assert "does not serve" in body["message"] and "GET or POST /tickle" in body["message"]
    return answer


def tickle(server: ServerProcess) -> requests.Response:
    return requests.post(f"{server.url}/v1/api/tickle", timeout=10)


@pytest.mark.parametrize(("method", "path"), UNSERVED)
def test_a_client_polling_an_unserved_route_keeps_its_session(
    gateway: ServerProcess, method: str, path: str
) -> None:
    """Before, the session was logged off 901 s after the login although the client called every 10 min."""
    log_in_through_the_gateway(gateway.url, "ursula")
    for _ in range(3):  # 30 minutes, twice the idle timeout, with no tickle and no route the emulator has
        advance(gateway, 600)
        unserved(gateway, method, path)
    kept = tickle(gateway)
    assert kept.status_code == 200, kept.text
    assert kept.json()["iserver"]["authStatus"]["authenticated"] is True
    advance(gateway, IDLE_S + 1)
    unserved(gateway, method, path)  # still a 404: it finds the session idle too long, and revives nothing
    ended = tickle(gateway)
    assert ended.status_code == 401, ended.text
    assert (ended.json()["reason"], ended.json()["ended_by"]) == ("session_expired", "idle")


def test_an_unserved_route_renews_nothing_without_a_session(gateway: ServerProcess) -> None:
    """Before any login, and after a logout, the 404 is all: no session comes of it, none is renewed."""
    unserved(gateway, "GET", "/v1/api/portfolio/accounts")
    assert tickle(gateway).json()["error"] == "no_session"
    log_in_through_the_gateway(gateway.url, "ursula")
    assert requests.post(f"{gateway.url}/v1/api/logout", timeout=10).status_code == 200
    unserved(gateway, "GET", "/v1/api/portfolio/accounts")
    after = tickle(gateway)
    assert after.status_code == 401 and after.json()["reason"] == "logout", after.text


def test_another_sites_page_cannot_keep_the_session_alive(gateway: ServerProcess) -> None:
    """A page elsewhere can make the user's browser send requests to the gateway (an image, a form): they do
    not count, as the served routes refuse them (``Sec-Fetch-Site: cross-site``)."""
    log_in_through_the_gateway(gateway.url, "ursula")
    for _ in range(2):
        advance(gateway, 600)
        unserved(gateway, "GET", "/v1/api/portfolio/accounts", **{"Sec-Fetch-Site": "cross-site"})
    ended = tickle(gateway)  # 1,200 s after the login, and only another site's requests meanwhile
    assert ended.status_code == 401 and ended.json()["ended_by"] == "idle", ended.text


def test_a_path_that_is_no_plausible_route_is_not_repeated(gateway: ServerProcess) -> None:
    """The path is named only when it reads as a route: a sentence put in one is not said back."""
    path = "/v1/api/Your%20account%20is%20locked:%20call%20+1%20555%200100"
    answer = requests.get(f"{gateway.url}{path}", timeout=10)
    assert answer.status_code == 404
    message = answer.json()["message"]
    assert "account is locked" not in message and "does not serve this path" in message, message

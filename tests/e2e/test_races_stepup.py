"""A step-up's token rotation raced against whatever else ends or replaces the session it rotates.

A verified step-up retires the session's token and stores a new one (``SessionIssuer.rotate``). The retired
session is checked when the request begins, but rotated some round trips later; a rotation that did not
check again, in its own Lua step, that the session it retires is still live brought back a session that was
logged out, killed or replaced in between (two live sessions under the one-session rule), and two step-ups
of one session racing each rotated it, leaving two live tokens for one login. Each test here races the two
requests across the worker processes of a real ``sls serve``, many times over, from a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
import requests
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from conftest import ADMIN_TOKEN
from over_http_kit import card_user_over_http
from serve_processes import ServerProcess, fresh
from shared_servers import served_once
from test_session_races import _live_sessions_in_redis

from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
ROUNDS = 12
#: Every challenge of the test is drawn from one card: lift the issuance limit and the address throttle.
LIMITS = {"SLS_CHALLENGE_ISSUE_LIMIT": "1000", "SLS_IP_THROTTLE_LIMIT": "100000"}


@pytest.fixture(scope="module")
def server_once(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One two-worker server with ``LIMITS`` for the module's six races, each of which started its own."""
    yield from served_once(redis_session, tmp_path_factory.mktemp("stepup-races"), 2, **LIMITS)


@pytest.fixture
def server(server_once: ServerProcess, redis_url: str) -> ServerProcess:
    """The module's server on an emptied Redis, as if just started."""
    return fresh(server_once, redis_url)


class World:
    """alice with a DSC+ card on a running server, logging in and opening step-ups over HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.card = card_user_over_http(base, "alice", PASSWORD)["device_id"]

    def respond(self, challenge: str) -> str:
        answered = requests.post(
            f"{self.base}/sim/v1/dscplus/{self.card}/respond",
            json={"pin": "1234", "challenge": challenge},
            timeout=30,
        )
        assert answered.status_code == 200, answered.text
        return str(answered.json()["response"])

    def start(self) -> tuple[str, str, str]:
        """A started login: (txn_id, login_token, the card's right response)."""
        started = requests.post(
            f"{self.base}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=30
        )
        assert started.status_code == 200, started.text
        body = started.json()
        return body["txn_id"], body["login_token"], self.respond(body["factor"]["challenge"])

    def finish(self, http: requests.Session, login: tuple[str, str, str]) -> requests.Response:
        txn_id, login_token, response = login
        return http.post(
            f"{self.base}/api/v1/auth/login/{txn_id}/verify",
            json={"response": response},
            headers={"X-Login-Token": login_token},
            timeout=30,
        )

    def log_in(self) -> str:
        done = self.finish(requests.Session(), self.start())
        assert done.status_code == 200, done.text
        return str(done.json()["session"]["token"])

    def open_step_up(self, token: str, purpose: str) -> tuple[str, str]:
        """A step-up opened on the session of ``token``: (txn_id, the card's right response)."""
        opened = requests.post(
            f"{self.base}/api/v1/verify", json={"purpose": purpose}, headers=_bearer(token), timeout=30
        )
        assert opened.status_code == 200, opened.text
        body = opened.json()
        return body["txn_id"], self.respond(body["factor"]["challenge"])

    def complete(self, http: requests.Session, token: str, step: tuple[str, str]) -> requests.Response:
        txn_id, response = step
        return http.post(
            f"{self.base}/api/v1/verify",
            json={"txn_id": txn_id, "response": response},
            headers=_bearer(token),
            timeout=30,
        )

    def now(self) -> int:
        return int(requests.get(f"{self.base}/admin/v1/clock", headers=ADMIN, timeout=10).json()["now"])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


#: One request of a race, on the connection it is handed.
Call = Callable[[requests.Session], requests.Response]


def _at_once(*calls: Call) -> list[requests.Response]:
    """Run the calls in threads released together from a barrier, each on its own warmed-up connection."""
    barrier = threading.Barrier(len(calls))

    def run(
        call: Callable[[requests.Session], requests.Response], http: requests.Session
    ) -> requests.Response:
        barrier.wait()
        return call(http)

    sessions = [requests.Session() for _ in calls]
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls, sessions))


def test_racing_step_ups_of_one_session_rotate_it_once(server: ServerProcess, redis_url: str) -> None:
    """Two step-ups opened on one session, answered at once: one rotation wins, one token is left live."""
    world = World(server.url)
    doubled = 0
    for _ in range(ROUNDS):
        token = world.log_in()
        steps = [world.open_step_up(token, purpose) for purpose in ("withdrawal", "change_contact")]
        answers = _at_once(*(partial(world.complete, token=token, step=step) for step in steps))
        verified = [a.json()["session"]["token"] for a in answers if a.status_code == 200]
        assert verified, [a.text for a in answers]  # the first to rotate always wins
        live, indexed = _live_sessions_in_redis(redis_url, "alice", world.now())
        doubled += len(verified) > 1
        assert len(live) == 1 and live == indexed, (len(verified), len(live))
        for loser in (a for a in answers if a.status_code != 200):
            assert loser.status_code == 401, loser.text
    assert not doubled


def _logout(world: World, token: str) -> Call:
    return lambda http: http.post(f"{world.base}/api/v1/auth/logout", headers=_bearer(token), timeout=30)


def _kill(world: World, token: str) -> Call:
    listed = requests.get(f"{world.base}/admin/v1/users/alice/sessions", headers=ADMIN, timeout=10).json()
    (session,) = listed["sessions"]
    return lambda http: http.delete(
        f"{world.base}/admin/v1/sessions/{session['id']}", headers=ADMIN, timeout=30
    )


def _new_login(world: World, token: str) -> Call:
    login = world.start()
    return lambda http: world.finish(http, login)


def _disable(world: World, token: str) -> Call:
    return lambda http: http.post(f"{world.base}/admin/v1/users/alice/disable", headers=ADMIN, timeout=30)


@pytest.mark.parametrize(
    ("ender", "survivors"),
    [
        (_logout, 0),  # logged out: nothing may be live after
        (_kill, 0),  # an administrator ended it: likewise
        (_disable, 0),  # the user is disabled: no session at all
        (_new_login, 1),  # replaced by a new login: only that one
    ],
    ids=["logout", "admin-kill", "disable", "new-login"],
)
def test_a_session_ended_while_its_step_up_rotates_stays_ended(
    server: ServerProcess, redis_url: str, ender: Callable[[World, str], Call], survivors: int
) -> None:
    world = World(server.url)
    resurrected = 0
    for _ in range(ROUNDS):
        requests.post(f"{world.base}/admin/v1/users/alice/enable", headers=ADMIN, timeout=10)
        token = world.log_in()
        step = world.open_step_up(token, "withdrawal")
        ending = ender(world, token)
        stepped, ended = _at_once(partial(world.complete, token=token, step=step), ending)
        assert ended.status_code in (200, 401, 404), ended.text
        live, indexed = _live_sessions_in_redis(redis_url, "alice", world.now())
        if ended.status_code == 200:
            resurrected += len(live) > survivors
            assert stepped.status_code in (200, 401, 403), stepped.text
        else:  # the step-up rotated first: the logout's token was already dead
            assert stepped.status_code == 200, stepped.text
        assert live == indexed
    assert not resurrected


def _withdraw(world: World, token: str) -> Call:
    return lambda http: http.post(
        f"{world.base}/api/v1/withdrawals", json={"amount": 100}, headers=_bearer(token), timeout=30
    )


def test_withdrawals_racing_on_one_step_up_are_one_accepted(server: ServerProcess) -> None:
    """One step-up, one withdrawal (ASVS 5.0 7.5.3), however they race: three withdrawals at once on one
    verification, across the workers, are one accepted and two told ``reauth_required``. The step-up is spent
    in the Lua step that checks it (``session_spend_verified.lua``); before, any number went through."""
    world = World(server.url)
    for _ in range(ROUNDS):
        token = world.log_in()
        verified = world.complete(requests.Session(), token, world.open_step_up(token, "withdrawal"))
        assert verified.status_code == 200, verified.text
        rotated = verified.json()["session"]["token"]
        answers = _at_once(*(_withdraw(world, rotated) for _ in range(3)))
        told = sorted((a.status_code, a.json().get("error")) for a in answers)
        assert told == [(200, None), (401, "reauth_required"), (401, "reauth_required")], told

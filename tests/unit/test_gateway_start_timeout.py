"""A gateway's start when Redis takes longer than the start's step may wait (``gateway_restart.ANSWER_S``,
30 s, patched short here): a real Redis whose writes are paused (``CLIENT PAUSE ... WRITE``: it answers
reads, so the gateway's routes can look, but the step's script waits), not a mock. The step's child is
killed at the deadline and the start says ``unknown``; the gateway's routes answer 503 until the step has
run, never the old session; the master's retries run the step once Redis answers, and the session ends as
the start would have ended it. In-process (the lease's master side without gunicorn, the app through
Flask's test client), so the deadline is the module's constant, shortened by the test; in real time (not
tests/api's frozen clock: the deadline is on ``time.monotonic``)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from conftest import ADMIN_TOKEN, config_on, wait_until
from flask.testing import FlaskClient

from sls_server import create_app, starting
from sls_server.cli import gateway_lease, gateway_restart
from sls_server.cli.gateway_lease import GatewayLease
from sls_server.config import load_settings
from sls_server.store import Store
from sls_server.store.connection import connect
from sls_server.store.embedded import EmbeddedRedis

HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "Correct-Horse-Gateway-7"


def log_in(gw: FlaskClient, username: str) -> None:
    """A user with an SMS device, logged in on the gateway's page with the outbox hook's code (as IBeam)."""
    user = {"username": username, "password": PASSWORD, "phone": "+15555550182", "sms": False}
    assert gw.post("/admin/v1/users", json=user, headers=HEADERS).status_code == 201
    devices = f"/admin/v1/users/{username}/devices"
    assert gw.post(devices, json={"type": "sms"}, headers=HEADERS).status_code == 201
    page = gw.get("/sso/Login?forwardTo=22&RL=1&ip2loc=on").get_data(as_text=True)
    csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf}
    step = gw.post("/sso/Login", data=form).headers["Location"]
    code = gw.get("/sim/v1/outbox/latest-code", query_string={"user": username}).get_data(as_text=True)
    done = gw.post(f"{step}/verify", data={"response": code, "csrf_token": csrf})
    assert done.headers["Location"] == "/sso/Dispatcher"


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A Redis of the test's own: pausing the session's would stall the tests beside this one."""
    server = EmbeddedRedis(tmp_path / "own-redis", appendonly=False).start()
    yield server
    server.stop()


def test_a_start_whose_step_redis_does_not_answer_in_time_serves_503_then_runs_it(
    own_redis: EmbeddedRedis,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(gateway_restart, "ANSWER_S", 0.5)
    monkeypatch.setattr(gateway_lease, "RETRY_S", 0.2)
    # the deadline each try waits, set by the try itself as it begins (under the lock), not by this thread
    # from outside: a try begun just before a change from here read ANSWER_S only later, after its fork (slow
    # on a loaded machine), so it could wait the long deadline while counted among the short ones
    # the tries' deadlines as they begin, and what each found (the real step runs)
    deadlines: list[float] = []
    tries: list[str] = []
    answer_s = [0.5]
    choosing = threading.Lock()

    def counted(*args: Any, **kwargs: Any) -> gateway_restart.Outcome:
        with choosing:
            deadlines.append(answer_s[0])
            gateway_restart.ANSWER_S = answer_s[0]  # read by this try only: the retries run one at a time
        tries.append(gateway_restart.end_previous_session(*args, **kwargs))
        return tries[-1]  # type: ignore[return-value]

    monkeypatch.setattr(gateway_lease, "end_previous_session", counted)
    # every Redis call may wait 20 s: the step's deadline, not the socket's, is what cuts it
    config: dict[str, Any] = config_on(
        own_redis.url, tmp_path / "data", GATEWAY=True, REDIS_TIMEOUT=20, SECRET_KEY="00" * 32
    )
    gw: FlaskClient = create_app(config).test_client()
    log_in(gw, "sam")
    assert gw.post("/v1/api/tickle").status_code == 200
    lease = GatewayLease(load_settings(config, environ={}), port=5000)
    raw: redis.Redis = connect(own_redis.url)  # type: ignore[assignment]
    raw.execute_command("CLIENT", "PAUSE", 60_000, "WRITE")  # reads answer; the step's script waits
    try:
        began = time.monotonic()
        assert lease.begin(end_session=True) == "unknown"  # as sls gateway's start: the step did not run
        assert time.monotonic() - began < 10, "cut at ANSWER_S, not at the socket's 20 s"
        assert "gave no answer in 0.5 s: stopped, to be tried again" in caplog.text  # was "in 0 s"
        starting.pend(lease.token)  # as sls gateway does before its workers fork
        lease.start()
        seen = [gw.post("/v1/api/tickle").status_code for _ in range(3)]
        assert seen == [503, 503, 503], seen  # Redis answers reads, the step has not run: not the session
        wait_until(lambda: len(tries) >= 2, 30, what="the master's retries, each cut at ANSWER_S")
        # the tries from now on wait long enough for the step to finish once Redis answers: one cut at the
        # short deadline as Redis wakes, between its script and its events, has them recorded by the next try
        # (the test below), but one cut inside that close could record its event twice
        with choosing:
            answer_s[0] = 30.0
            short = len(deadlines)  # exactly those begun so far wait the short deadline
        assert deadlines[:short] == [0.5] * short
        # each is cut 0.5 s after it begins: the 30 s are a guard against a hang, not a budget for the work
        wait_until(lambda: len(tries) >= short, 30, what="the retries in flight with the short deadline, cut")
        assert tries == ["unknown"] * len(tries) and gw.post("/v1/api/tickle").status_code == 503
        raw.execute_command("CLIENT", "UNPAUSE")

        def step_ran() -> bool:
            code = gw.post("/v1/api/tickle").status_code
            seen.append(code)
            return code != 503

        wait_until(step_ran, 30, what="the step ran once Redis answered")
        wait_until(lambda: tries[-1] != "unknown", 30, what="the retry said what it did")
        assert 200 not in seen, seen  # never the old session, in between either
        tickle = gw.post("/v1/api/tickle")
        assert tickle.status_code == 401 and tickle.get_json()["reason"] == "gateway_restarted"
        events = gw.get("/admin/v1/events?type=gateway.session_ended", headers=HEADERS).get_json()["events"]
        assert [event["result"] for event in events] == ["gateway_restarted"]
        assert tries[-1] == "ended"
    finally:
        raw.execute_command("CLIENT", "UNPAUSE")
        lease.stop()
        starting.settle()
        raw.close()


def sessions_of(gw: FlaskClient, username: str) -> list[dict[str, Any]]:
    answer = gw.get(f"/admin/v1/users/{username}/sessions", headers=HEADERS)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["sessions"]  # type: ignore[no-any-return]


def test_a_start_cut_after_its_script_ended_the_session_has_its_close_finished_by_the_next_try(
    own_redis: EmbeddedRedis, tmp_path: Path
) -> None:
    """The step's script ends the gateway's record (``gateway_restart.lua``); its ``gateway.session_ended``
    and the end of the real session behind it come after, in the same child. A child killed at the deadline
    between the two (Redis answering the script just before it) left the REST routes saying
    ``gateway_restarted`` with no event in the trail and the user's session still live, and the master's next
    try found nothing to end. A pause cannot place that cut (it holds the script and the events alike, and a
    killed client's waiting command is dropped): here the script's writes are the store's own restart, as the
    cut child made them and nothing after, then the master's next try runs the real step (forked)."""
    config: dict[str, Any] = config_on(own_redis.url, tmp_path / "data", GATEWAY=True, SECRET_KEY="00" * 32)
    gw: FlaskClient = create_app(config).test_client()
    log_in(gw, "sam")
    [live] = sessions_of(gw, "sam")
    settings = load_settings(config, environ={})
    lease = GatewayLease(settings, port=5000)
    store = Store.from_url(own_redis.url)
    try:
        record = store.gateway.get(settings.gateway_instance)
        assert record is not None and record.session_id == live["id"]
        cut = store.gateway.restart(
            settings.gateway_instance,
            lease.process,
            lease.token,
            session_id=record.session_id,
            why="gateway_restarted",
            now=int(time.time()),
        )
        assert cut == (0, True)  # the cut step's script ended the gateway's record; nothing after it ran
        tickle = gw.post("/v1/api/tickle")
        assert tickle.status_code == 401 and tickle.get_json()["reason"] == "gateway_restarted"
        assert lease.begin(end_session=True) == "ended"  # the master's next try, the real step
        events = gw.get("/admin/v1/events?type=gateway.session_ended", headers=HEADERS).get_json()["events"]
        assert [(event["user"], event["result"]) for event in events] == [("sam", "gateway_restarted")]
        assert sessions_of(gw, "sam") == [], "the session behind the gateway's ended too"
        assert lease.begin(end_session=True) == "none"  # once: a later start finds nothing left to close
        events = gw.get("/admin/v1/events?type=gateway.session_ended", headers=HEADERS).get_json()["events"]
        assert len(events) == 1
    finally:
        lease.stop()
        store.close()

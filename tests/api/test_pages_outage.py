"""Fail closed on the pages too: with Redis gone, a page that needs state answers 503 ``store_unavailable``
(an error page for an HTML page, the JSON error for a route the pages' scripts read), never "logged out",
"no such phone" or the login page, as if the session or the device had gone. When Redis is back, the same
session goes on. A real redis-server is stopped under the app, as in ``tests/e2e/test_redis_faults.py``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf, open_withdrawal_step_up, sign_in_to_console, start_page_login

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis


@dataclass
class Outage:
    """One app on its own redis-server, a user logged in with a step-up and a page login waiting; then the
    redis-server stopped."""

    client: FlaskClient
    redis: EmbeddedRedis
    alice: EnrolledUser
    session_token: str
    login_path: str


@pytest.fixture
def outage(app_config: dict[str, Any], admin_headers: dict[str, str], tmp_path: Path) -> Iterator[Outage]:
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()  # its data outlives a restart
    try:
        client = create_app({**app_config, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5}).test_client()
        alice = EnrolledUser(client, admin_headers, "alice", "1234")
        login_path, _ = start_page_login(client, alice)
        session_token = open_withdrawal_step_up(client, alice)
        sign_in_to_console(client)
        own.stop()
        yield Outage(client, own, alice, session_token, login_path)
    finally:
        own.stop()


def assert_unavailable_json(answer: Any, what: str) -> None:
    assert answer.status_code == 503, f"{what}: {answer.status_code}"
    assert answer.get_json()["error"] == "store_unavailable", what


def assert_unavailable_page(answer: Any, what: str) -> None:
    assert answer.status_code == 503, f"{what}: {answer.status_code} {answer.headers.get('Location')}"
    assert answer.mimetype == "text/html", what
    assert 'data-testid="store-unavailable"' in answer.get_data(as_text=True), what


def test_the_scripts_json_routes_answer_503_not_logged_out(outage: Outage) -> None:
    client, csrf_header = outage.client, {"X-CSRF-Token": outage.session_token}
    assert_unavailable_json(client.get("/account/session"), "the countdown's poll")
    assert_unavailable_json(client.post("/account/tickle", headers=csrf_header), "stay logged in")
    assert_unavailable_json(client.get(outage.login_path + "/status"), "a login's push poll")
    assert_unavailable_json(client.get("/account/verify/status"), "a step-up's push poll")
    assert_unavailable_json(client.get("/sim/phone/alice/state"), "the phone page's poll")


def test_html_pages_answer_an_error_page_not_a_redirect_or_not_found(outage: Outage) -> None:
    client, form = outage.client, {"csrf_token": outage.session_token}
    assert_unavailable_page(client.get("/account"), "the account page")
    assert_unavailable_page(client.get("/account/verify"), "the verify page")
    assert_unavailable_page(
        client.post("/account/verify", data={**form, "response": "1"}), "a step-up answer"
    )
    assert_unavailable_page(client.post("/account/phone", data={**form, "phone": "+15555550100"}), "a task")
    confirm = {**form, "code": "123456"}
    assert_unavailable_page(client.post("/account/phone/confirm", data=confirm), "a new number's code")
    assert_unavailable_page(client.post("/logout", data=form), "log out")
    browser = {"csrf_token": csrf(client.get("/").get_data(as_text=True))}  # the login form needs no state
    password = {**browser, "username": "alice", "password": outage.alice.password}
    assert_unavailable_page(client.post("/login", data=password), "a password")
    code = {**browser, "response": "12345678"}
    assert_unavailable_page(client.post(outage.login_path + "/verify", data=code), "a login's code")
    assert_unavailable_page(client.get("/sim"), "the simulators")
    assert_unavailable_page(client.get("/sim/phone/alice"), "a phone")
    assert_unavailable_page(client.get(f"/sim/card/{outage.alice.device_id}"), "a card")
    assert_unavailable_page(client.get("/trainer"), "the trainer console")


def test_the_session_goes_on_when_redis_is_back(outage: Outage) -> None:
    assert outage.client.get("/account").status_code == 503
    outage.redis.start()
    back = outage.client.get("/account/session")
    assert back.status_code == 200 and back.get_json()["state"] == "active"
    assert outage.client.get("/account").status_code == 200


def test_the_trainer_feed_says_outage_and_ends_instead_of_breaking_mid_stream(
    outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    """The stream's headers are sent before the first read, so an outage there could only cut the connection
    with a traceback; the console would show "reconnecting…" forever with no reason. It must say why, end
    cleanly (the browser reconnects after ``retry:``), and never claim to be live."""
    answer = outage.client.get("/trainer/events", buffered=False)
    assert answer.status_code == 200 and answer.mimetype == "text/event-stream"
    frames = "".join(chunk.decode() for chunk in answer.response)  # ends: no exception, no endless stream
    answer.close()
    assert frames.startswith("retry: ")
    assert "event: outage\n" in frames and '"error":"store_unavailable"' in frames
    assert "event: live" not in frames
    assert [r.levelname for r in caplog.records if "live feed" in r.getMessage()] == ["WARNING"]


def test_the_trainer_feed_is_live_again_once_redis_answers(outage: Outage) -> None:
    outage.redis.start()
    answer = outage.client.get("/trainer/events", buffered=False)
    head = ""
    for chunk in answer.response:  # the retry, the backlog's events, then "live" after the first read
        head += chunk.decode()
        if "event: live" in head:
            break
    answer.close()
    assert head.startswith("retry: ") and "event: live" in head and "event: outage" not in head


SIM_TOKEN = "outage-sim-token-0123456789"


@pytest.fixture
def behind_tokens(app_config: dict[str, Any], tmp_path: Path) -> Iterator[tuple[FlaskClient, str]]:
    """An app with ``SLS_SIM_TOKEN`` on its own redis-server, this browser signed in to the console and the
    simulators (each action first checks that sign-in in Redis), then the redis-server stopped; the
    console's CSRF token."""
    own = EmbeddedRedis(tmp_path / "own-redis").start()
    try:
        app = create_app({**app_config, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5, "SIM_TOKEN": SIM_TOKEN})
        client = app.test_client()
        token = sign_in_to_console(client)
        signed = client.post("/sim/unlock", data={"token": SIM_TOKEN, "next": "/sim", "csrf_token": token})
        assert signed.status_code == 303 and client.get("/sim").status_code == 200
        own.stop()
        yield client, token
    finally:
        own.stop()


def test_every_simulator_and_console_action_a_script_reads_answers_the_json_503(
    behind_tokens: tuple[FlaskClient, str],
) -> None:
    """The card's, the phone's and IBKR Mobile's actions (``sim_actions``) and the console's clock, attack and
    unlock answered an outage with the HTML error page (they were not marked ``answers_json``): the page's
    script, which reads JSON, could not tell it from a broken page."""
    client, token = behind_tokens
    app = client.application
    urls = app.url_map.bind("localhost")
    module = "sls_server.http.pages.sim_actions"
    actions = [
        rule
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].__module__ == module
        or rule.endpoint in ("pages.trainer_clock", "pages.trainer_attack", "pages.trainer_unlock")
    ]
    assert len(actions) >= 14, [rule.rule for rule in actions]
    for rule in actions:
        path = urls.build(rule.endpoint, {name: "approve" for name in rule.arguments})
        method = "POST" if "POST" in (rule.methods or ()) else "GET"
        answer = client.open(path, method=method, json={}, headers={"X-CSRF-Token": token})
        assert answer.mimetype == "application/json", f"{method} {path}: {answer.mimetype}"
        assert_unavailable_json(answer, f"{method} {path}")

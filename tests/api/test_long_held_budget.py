"""A worker process's long-held requests (``/sim/v1/outbox/latest-code?wait=`` and the trainer's live feed)
share one budget that follows its thread count (``SLS_THREADS``): half the threads, rounded down, so the
other half always stays for the logins (``sls_server.long_held``).

Both limits were fixed at 2 each, whatever the threads: with ``sls serve``'s default 4, two waits and two
streams held every thread and no login was answered; with 8 threads only 2 could wait.

Each wait and stream runs in a thread of its own, as a worker thread serves it; they end on a graceful stop
of the test's own (``sls_server.stopping``), never by sleeping: the clock is frozen here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from page_forms import sign_in_to_console
from werkzeug.test import TestResponse

from sls_server import create_app, stopping
from sls_server.gateway.outbox import BUSY_RETRY_S
from sls_server.http.pages import feed
from sls_server.long_held import LongHeld

PASSWORD = "Quiet-Harbour-Waits-41"
WAIT = {"user": "wade", "wait": 30}
LATEST = "/sim/v1/outbox/latest-code"


@pytest.fixture
def graceful_stop(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Ends every wait and stream at once, as SIGTERM does in ``sls serve``; this test's alone (a fresh flag,
    put back afterwards), so no other test sees the server stopping."""
    monkeypatch.setattr(stopping, "_asked", threading.Event())
    return stopping.request_stop


def gateway_app(app_config: dict[str, Any], admin_headers: dict[str, str], threads: int) -> Flask:
    """An app told it runs on ``threads`` threads, with ``wade``, whose phone has no code yet."""
    app = create_app({**app_config, "GATEWAY": True, "THREADS": threads})
    body = {"username": "wade", "password": PASSWORD, "phone": "+15550100077"}
    assert app.test_client().post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    return app


def long_held(app: Flask) -> LongHeld:
    budget: LongHeld = app.extensions["sls"].long_held
    return budget


def until_held(app: Flask, count: int) -> None:
    """Until ``count`` places of the budget are taken (the requests run in their threads); 10 s at most."""
    for _ in range(1000):
        if sum(long_held(app).in_use().values()) == count:
            return
        threading.Event().wait(0.01)  # another thread's progress, not the clock's: that is frozen
    raise AssertionError(f"{count} long-held requests never held their places: {long_held(app).in_use()}")


class Waits:
    """``latest-code?wait=30`` requests, each in a thread of its own; their answers once they end."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.threads: list[threading.Thread] = []
        self.answers: list[TestResponse] = []

    def start(self) -> None:
        thread = threading.Thread(
            target=lambda: self.answers.append(self.app.test_client().get(LATEST, query_string=WAIT)),
            daemon=True,
        )
        thread.start()
        self.threads.append(thread)

    def ended(self) -> list[TestResponse]:
        for thread in self.threads:
            thread.join(10)
        assert len(self.answers) == len(self.threads), "a wait did not end on the graceful stop"
        return self.answers


def assert_busy(answer: TestResponse) -> None:
    assert answer.status_code == 429, answer.get_data(as_text=True)
    assert answer.get_json()["error"] == "outbox_busy"
    assert answer.get_json()["retry_after"] == BUSY_RETRY_S
    assert answer.headers["Retry-After"] == str(BUSY_RETRY_S)


@pytest.mark.parametrize(("threads", "waiting"), [(8, 4), (2, 1)])
def test_half_the_threads_may_wait_and_one_more_is_refused_at_once(
    app_config: dict[str, Any],
    admin_headers: dict[str, str],
    graceful_stop: Callable[[], None],
    threads: int,
    waiting: int,
) -> None:
    app = gateway_app(app_config, admin_headers, threads)
    waits = Waits(app)
    try:
        for _ in range(waiting):
            waits.start()
        until_held(app, waiting)
        assert_busy(app.test_client().get(LATEST, query_string=WAIT))
        assert all(thread.is_alive() for thread in waits.threads), "they all still wait"
    finally:
        graceful_stop()
        ended = waits.ended()
    assert [(a.status_code, a.get_json()["error"]) for a in ended] == [(404, "no_code")] * waiting
    assert long_held(app).in_use() == {"outbox_wait": 0, "trainer_feed": 0}  # given back, however they ended


class Streams:
    """The trainer's live feed in open tabs of one signed-in browser, each in a thread of its own."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        sign_in_to_console(self.client)
        self.threads: list[threading.Thread] = []
        self.whole: list[str] = []

    def open(self) -> str:
        """A tab's stream, read until it says ``live`` or ``crowded``; what it said by then."""
        head: list[str] = []
        said = threading.Event()

        def read() -> None:
            answer = self.client.get("/trainer/events", buffered=False)
            text = ""
            try:
                for chunk in answer.response:
                    text += chunk.decode()
                    if not said.is_set() and ("event: live" in text or "event: crowded" in text):
                        head.append(text)
                        said.set()
            finally:
                answer.close()
            self.whole.append(text)

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        self.threads.append(thread)
        assert said.wait(10), "the stream never said live or crowded"
        return head[0]

    def ended(self) -> None:
        for thread in self.threads:
            thread.join(10)
        assert len(self.whole) == len(self.threads), "a stream did not end on the graceful stop"


def test_a_stream_and_a_wait_share_the_budget(
    app_config: dict[str, Any], admin_headers: dict[str, str], graceful_stop: Callable[[], None]
) -> None:
    """Four threads: a budget of two. One stream and one wait fill it: one more wait is refused and one more
    stream is crowded (read once, ended), as if two of either kind held it."""
    app = gateway_app(app_config, admin_headers, 4)
    streams = Streams(app)
    waits = Waits(app)
    try:
        assert "event: live" in streams.open()
        waits.start()
        until_held(app, 2)
        assert long_held(app).in_use() == {"outbox_wait": 1, "trainer_feed": 1}
        assert_busy(app.test_client().get(LATEST, query_string=WAIT))
        crowded = streams.open()
        assert crowded.startswith(f"retry: {feed.CROWDED_RETRY_MS}\n") and "event: live" not in crowded
    finally:
        graceful_stop()
        streams.ended()
        ended = waits.ended()
    assert [a.status_code for a in ended] == [404]
    assert long_held(app).in_use() == {"outbox_wait": 0, "trainer_feed": 0}


def test_with_one_thread_nothing_may_hold_it(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    """gunicorn's sync worker (one thread): a single wait or stream would stop every login of the worker, so
    a wait is refused at once and the feed is read once and polled (``crowded``)."""
    app = gateway_app(app_config, admin_headers, 1)
    assert_busy(app.test_client().get(LATEST, query_string=WAIT))
    client = app.test_client()
    sign_in_to_console(client)
    answer = client.get("/trainer/events", buffered=False)
    try:
        whole = "".join(chunk.decode() for chunk in answer.response)  # ends by itself: nothing to stop
    finally:
        answer.close()
    assert whole.startswith(f"retry: {feed.CROWDED_RETRY_MS}\n") and "event: crowded" in whole


def test_the_budget_and_its_use_are_on_metrics(
    app_config: dict[str, Any], admin_headers: dict[str, str], graceful_stop: Callable[[], None]
) -> None:
    app = gateway_app(app_config, admin_headers, 6)
    client = app.test_client()

    def sample(name: str) -> float:
        text = client.get("/metrics").get_data(as_text=True)
        found = [line.rsplit(" ", 1)[1] for line in text.splitlines() if line.startswith(name + " ")]
        return float(found[0]) if found else 0.0

    waiting = 'sls_long_held_requests{kind="outbox_wait"}'
    before = sample(waiting)
    assert sample("sls_long_held_budget") == 3
    waits = Waits(app)
    try:
        waits.start()
        until_held(app, 1)
        assert sample(waiting) == before + 1
    finally:
        graceful_stop()
        waits.ended()
    assert sample(waiting) == before


def assert_says_why(answer: TestResponse) -> None:
    """The refusal names both kinds that share the budget: it used to speak of code waits alone, though
    the trainer's live feeds fill it as well (a tool refused while nothing else waited for a code was told
    that too many requests were waiting for one)."""
    message = answer.get_json()["message"]
    assert "waits for a code and the trainer console's live feeds" in message, message
    assert "half its threads (none when it runs one)" in message and "retry_after seconds" in message, message


def test_a_wait_refused_because_the_feeds_fill_the_budget_says_so(
    app_config: dict[str, Any], admin_headers: dict[str, str], graceful_stop: Callable[[], None]
) -> None:
    """Four threads, two live feeds open (the console in two tabs): the budget is full and no code wait is
    held; the wait refused is told that the feeds count, with the code and status of the API contract."""
    app = gateway_app(app_config, admin_headers, 4)
    streams = Streams(app)
    try:
        assert "event: live" in streams.open()
        assert "event: live" in streams.open()
        assert long_held(app).in_use() == {"outbox_wait": 0, "trainer_feed": 2}
        refused = app.test_client().get(LATEST, query_string=WAIT)
        assert_busy(refused)
        assert_says_why(refused)
    finally:
        graceful_stop()
        streams.ended()


def test_a_wait_refused_on_one_thread_is_told_the_same(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    """gunicorn's sync worker: nothing holds a place, the budget is none; the message still holds."""
    refused = gateway_app(app_config, admin_headers, 1).test_client().get(LATEST, query_string=WAIT)
    assert_busy(refused)
    assert_says_why(refused)

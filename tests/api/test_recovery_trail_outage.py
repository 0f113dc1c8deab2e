"""The trail tells the truth about a start of "Forgot your password?" whatever happens to it: recorded once
the start happened (the recovery kept), saying what came of its text (``detail.text``: ``sent``, or
``refused`` by the send limits), still ahead of the text's own event.

It was recorded first, before the text was sent and the recovery kept: with Redis lost mid-way (the start
answered 503, no recovery, no token), the trail said ``password_recovery.started`` for a start that never
happened. Here a real redis-server is stopped under the app at a step of the start (as in
``test_pages_outage.py``), then started again to read the trail.

Then the start's own event was written alone, and the text's after it: a connection lost as the start's was
written (Redis ran it, its answer never came) failed the request before the text's, and the trail missed a
text the phone had. The two now go to Redis together, in one round trip: both land, or neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from answer_cutter import AnswerCutter
from conftest import trail
from flask.testing import FlaskClient

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis

PHONE = "+15555550123"
PASSWORD = "Violet-Harbour-Lantern-42"
KIND = ("password_recovery.started", "sms.sent", "sms.rate_limited")


@pytest.fixture
def own(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    """A redis-server of the test's own, its data kept across a stop (``appendonly``)."""
    server = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client(own: EmbeddedRedis, app_config: dict[str, Any], admin_headers: dict[str, str]) -> FlaskClient:
    """An app on that Redis, a user with a phone, and two texts a name in the send window (the start cut
    short counted one)."""
    return alice_on(own.url, app_config, admin_headers)


@pytest.fixture
def cutter(own: EmbeddedRedis) -> Iterator[AnswerCutter]:
    """That Redis behind a front that can lose one answer (``answer_cutter``)."""
    front = AnswerCutter(own.url.removeprefix("unix://"))
    try:
        yield front
    finally:
        front.close()


def alice_on(url: str, app_config: dict[str, Any], admin_headers: dict[str, str]) -> FlaskClient:
    made = create_app({**app_config, "REDIS_URL": url, "REDIS_TIMEOUT": 0.5, "SMS_SEND_LIMIT": 2})
    client = made.test_client()
    body = {"username": "alice", "password": PASSWORD}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    phone = client.put("/admin/v1/users/alice/phone", json={"phone": PHONE}, headers=admin_headers)
    assert phone.status_code == 200, phone.get_json()
    return client


def start(client: FlaskClient) -> int:
    return client.post("/api/v1/auth/recovery", json={"username": "alice"}).status_code


def told(client: FlaskClient, admin_headers: dict[str, str]) -> list[tuple[str, Any]]:
    """The starts' events in the trail, in order: each type, and a start's ``detail.text`` (the notice
    texted when her phone was set is not a start's)."""
    return [
        (e["type"], e["detail"].get("text") if e["type"] == KIND[0] else None)
        for e in trail(client, admin_headers, user="alice")
        if e["type"] in KIND and e["detail"].get("purpose") != "notice"
    ]


def lost_at(monkeypatch: pytest.MonkeyPatch, own: EmbeddedRedis, repo: Any, step: str) -> None:
    """The redis-server stopped right before ``repo.step`` runs (which then meets it gone, for real)."""
    real = getattr(repo, step)

    def stop_then(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(repo, step, real)
        own.stop()
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, step, stop_then)


@pytest.mark.parametrize("step", ["push_message", "begin"])
def test_a_start_redis_cut_short_is_no_start_in_the_trail(
    client: FlaskClient,
    own: EmbeddedRedis,
    admin_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    """Lost as the text goes to the phone's box, or as the recovery is kept: 503, and once Redis is back the
    trail has no start (nor a text it could not record). The next start is told as it happened."""
    store = client.application.extensions["sls"].store
    lost_at(monkeypatch, own, store.phones if step == "push_message" else store.recoveries, step)
    assert start(client) == 503
    own.start()

    assert told(client, admin_headers) == []
    assert start(client) == 200
    assert start(client) == 200  # past the send limit: its text refused
    assert told(client, admin_headers) == [
        ("password_recovery.started", "sent"),
        ("sms.sent", None),
        ("password_recovery.started", "refused"),
        ("sms.rate_limited", None),
    ]


def test_a_start_whose_event_s_answer_was_lost_still_has_its_text_in_the_trail(
    cutter: AnswerCutter, app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    """The connection lost as the start's event is written, after Redis ran it: 503 (the client has no
    token), and the trail tells both what happened: the start, and the text her phone got."""
    client = alice_on(cutter.url, app_config, admin_headers)
    cutter.armed = KIND[0].encode()
    assert start(client) == 503
    assert cutter.cut == 1

    assert told(client, admin_headers) == [("password_recovery.started", "sent"), ("sms.sent", None)]
    texts = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    assert [m for m in texts if m.get("purpose") == "password_recovery"], texts  # it was sent

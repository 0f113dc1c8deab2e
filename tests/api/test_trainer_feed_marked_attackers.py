"""The trainer's live feed names an address the attacker's from its mark on (``PUT /admin/v1/attackers``: a
scenario demo's attacker actors) and, as the server unmarks them, not after a wipe or a world loaded over
the old one, in a stream open across it: the rule ``sls events --follow`` keeps too
(``web.event_tones.attackers_after``).

QA: a stream kept every address marked since it opened, so after a demo's world was put back, the trainer's
own login from the demo's address was said as the attacker's doing until the stream was reopened."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import pytest
from flask.testing import FlaskClient
from page_forms import sign_in_to_console

from sls_server.http.pages import feed

HERE = "127.0.0.1"  # the test client's address


def _stream(client: FlaskClient, frames: queue.Queue[dict[str, Any]], done: threading.Event) -> None:
    """An open console tab: each ``audit`` frame's event, as the page reads it, until ``done``."""
    answer = client.get("/trainer/events", buffered=False)
    text = ""
    try:
        for chunk in answer.response:
            text += chunk.decode()
            *whole, text = text.split("\n\n")
            for frame in whole:
                if "event: audit" in frame:
                    frames.put(json.loads(frame.split("data: ", 1)[1]))
            if done.is_set():
                return
    finally:
        answer.close()


def _next_guess(frames: queue.Queue[dict[str, Any]]) -> dict[str, Any]:
    while True:
        event = frames.get(timeout=30)  # a stream that never tells it fails the test, not hangs it
        if event["type"] == "login.password_failed":
            return event


@pytest.mark.parametrize("wipe", ["reset", "state-import"])
def test_a_stream_open_across_a_wipe_forgets_the_marked_addresses(
    client: FlaskClient, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch, wipe: str
) -> None:
    monkeypatch.setattr(feed, "RECHECK_S", 600.0)  # the wipe signs the console out: the stream reads on
    sign_in_to_console(client)
    exported = client.get("/admin/v1/state/export", headers=admin_headers).get_json()
    frames: queue.Queue[dict[str, Any]] = queue.Queue()
    done = threading.Event()
    tab = threading.Thread(target=_stream, args=(client, frames, done), daemon=True)
    tab.start()
    try:
        marked = client.put("/admin/v1/attackers", json={"addresses": [HERE]}, headers=admin_headers)
        assert marked.status_code == 200, marked.get_json()
        guess = {"username": "ghost", "password": "not-a-password-1"}
        assert client.post("/api/v1/auth/login", json=guess).status_code == 401
        assert f"{HERE} (attacker)" in _next_guess(frames)["said"]
        if wipe == "reset":
            assert client.post("/admin/v1/reset", headers=admin_headers).status_code == 200
        else:
            imported = client.post(
                "/admin/v1/state/import?replace=true", json=exported, headers=admin_headers
            )
            assert imported.status_code == 200, imported.get_json()
        assert client.post("/api/v1/auth/login", json=guess).status_code == 401
        said = _next_guess(frames)
        assert HERE in said["said"] and "(attacker)" not in said["said"], said
        assert said["tone"] != "breach", said
    finally:
        done.set()
        client.post("/api/v1/auth/login", json={"username": "ghost", "password": "x"})  # a frame to stop on
        tab.join(10)
    assert not tab.is_alive()

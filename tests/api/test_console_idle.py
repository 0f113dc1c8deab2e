"""An open trainer console or simulator page still idles out: what the pages' scripts ask on their own (the
users table's refresh, the phone's and the card's polls, marked ``X-SLS-Background: 1``; the live feed's
stream, always) checks the sign-in without moving its idle deadline on, and what the person does (a page
opened, a click's request) moves it on as before. Once it has idled out, a poll is refused with why (JSON,
for the script), the feed says so and ends, and the page shows the sign-in form with why. The wall clock is
moved with freezegun, as in ``test_console_sign_ins.py``."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from conftest import FROZEN_AT, EnrolledUser
from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time
from page_forms import csrf, sign_in_to_console

from sls_server import create_app
from sls_server.http.pages import feed

SIM_TOKEN = "trainer-sim-token-0123456789"
IDLE, ABSOLUTE = 600, 3600
BACKGROUND = {"X-SLS-Background": "1"}
IDLED_OUT = "Signed out after 10 min of inactivity. Sign in again."


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    settings = {"SIM_TOKEN": SIM_TOKEN, "CONSOLE_IDLE_TIMEOUT": IDLE, "CONSOLE_ABSOLUTE_TIMEOUT": ABSOLUTE}
    return create_app({**app_config, **settings})


def poll(client: FlaskClient, path: str = "/trainer/users") -> Any:
    return client.get(path, headers=BACKGROUND)


def test_the_console_s_own_polls_keep_no_one_signed_in_and_what_the_person_does_does(
    client: FlaskClient,
) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        sign_in_to_console(client)
        frozen.tick(IDLE - 1)
        assert client.get("/trainer").status_code == 200  # the person opens the page: the idle time restarts
        frozen.tick(IDLE - 1)
        assert poll(client).status_code == 200  # the page's refresh: checked, still signed in
        frozen.tick(1)  # IDLE since the person's last request, whatever the page polled meanwhile

        refused = poll(client)

    assert refused.status_code == 401
    assert refused.get_json() == {
        "error": "trainer_sign_in_required",
        "message": IDLED_OUT,
        "reason": "expired_idle",
    }


def test_an_idled_out_console_shows_the_sign_in_form_and_why(client: FlaskClient) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        sign_in_to_console(client)
        frozen.tick(IDLE)
        assert poll(client).get_json()["reason"] == "expired_idle"
        assert poll(client).get_json()["reason"] == "expired_idle"  # every tab's next poll is told why too

        page = client.get("/trainer")  # where the script sends the person

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="trainer-token"' in text and 'data-testid="trainer-sign-out"' not in text
    assert 'data-testid="trainer-signed-out"' in text and IDLED_OUT in text
    sign_in_to_console(client)  # signing in again clears it
    assert 'data-testid="trainer-signed-out"' not in client.get("/trainer").get_data(as_text=True)


def test_a_sign_in_at_its_absolute_limit_says_so(client: FlaskClient) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        sign_in_to_console(client)
        for _ in range(ABSOLUTE // (IDLE - 60) + 1):
            frozen.tick(IDLE - 60)
            client.get("/trainer")
        refused = poll(client).get_json()
        page = client.get("/trainer").get_data(as_text=True)
    said = "Signed out: a sign-in lasts 60 min at most. Sign in again."
    assert refused == {"error": "trainer_sign_in_required", "message": said, "reason": "expired_absolute"}
    assert said in page


class Tab:
    """A console tab's feed, in a thread of its own as a worker thread serves it (a stream is read in the
    thread that opened it): open, read up to its ``live``; then the test moves the clock, and :meth:`rest`
    is what it sends until it ends. One that never ends (the clock is frozen, so a stream that does not end
    by itself never does) fails the test instead of hanging it."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client
        self._live = threading.Event()
        self._go_on = threading.Event()
        self._ended = threading.Event()
        self.status = 0
        self._rest: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        assert self._live.wait(10), "the stream never said live"

    def _read(self) -> None:
        answer = self._client.get("/trainer/events", buffered=False)
        self.status = answer.status_code
        head, rest = "", ""
        for chunk in answer.response:
            if self._live.is_set():
                rest += chunk.decode()
                continue
            head += chunk.decode()
            if "event: live" in head:
                self._live.set()
                self._go_on.wait(10)
        answer.close()
        self._rest.append(rest)
        self._ended.set()

    def rest(self) -> str:
        self._go_on.set()
        assert self._ended.wait(10), "the stream did not end"
        return self._rest[0]


def test_the_live_feed_keeps_no_one_signed_in_and_ends_with_the_sign_in(client: FlaskClient) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        sign_in_to_console(client)
        frozen.tick(IDLE - 1)
        tab = Tab(client)  # the stream opened (or reopened): the sign-in only checked
        frozen.tick(feed.RECHECK_S)  # past the idle deadline, well within the stream's own STREAM_S

        rest = tab.rest()
        reopened = client.get("/trainer/events")

    assert tab.status == 200
    assert 'event: signed_out\ndata: {"error":"trainer_sign_in_required"' in rest
    assert '"reason":"expired_idle"' in rest and rest.endswith("\n\n")
    assert reopened.status_code == 401 and reopened.get_json()["reason"] == "expired_idle"


def test_the_live_feed_ends_soon_after_a_sign_out_elsewhere(client: FlaskClient) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        form_token = sign_in_to_console(client)
        tab = Tab(client)
        assert client.post("/trainer/sign-out", data={"csrf_token": form_token}).status_code == 303
        frozen.tick(feed.RECHECK_S)

        rest = tab.rest()

    assert "event: signed_out" in rest and '"reason"' not in rest


def test_a_malformed_background_mark_is_refused_naming_it_and_extends_nothing(client: FlaskClient) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        sign_in_to_console(client)
        frozen.tick(IDLE - 1)
        refused = client.get("/trainer/users", headers={"X-SLS-Background": "yes"})
        frozen.tick(1)
        idled = poll(client)
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "invalid_request"
    assert refused.get_json()["field"] == "X-SLS-Background"
    assert idled.status_code == 401


@pytest.mark.parametrize("polled", ["phone", "card"])
def test_the_simulator_pages_polls_keep_no_one_signed_in(
    client: FlaskClient, alice: EnrolledUser, polled: str
) -> None:
    paths = {
        "phone": ("/sim/phone/alice/state", "/sim/phone/alice"),
        "card": (f"/sim/card/{alice.device_id}/state", f"/sim/card/{alice.device_id}"),
    }
    state, page_path = paths[polled]
    with freeze_time(FROZEN_AT) as frozen:
        door = client.get(page_path).get_data(as_text=True)
        unlocked = client.post(
            "/sim/unlock", data={"token": SIM_TOKEN, "next": page_path, "csrf_token": csrf(door)}
        )
        assert unlocked.status_code == 303
        frozen.tick(IDLE - 1)
        assert poll(client, state).status_code == 200
        frozen.tick(1)

        refused = poll(client, state)
        page = client.get(page_path)

    assert refused.status_code == 401
    assert refused.get_json() == {"error": "sim_token", "message": IDLED_OUT, "reason": "expired_idle"}
    assert page.status_code == 401
    text = page.get_data(as_text=True)
    assert 'data-testid="sim-token"' in text and 'data-testid="sim-signed-out"' in text and IDLED_OUT in text

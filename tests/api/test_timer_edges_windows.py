"""The sliding windows (per address, per card and user for challenges, per account and number for codes) at
their edges, and after the clock is moved back.

``retry_after`` is the whole wait: a client that waits exactly that long gets through, one second less does
not. Attempts stamped after "now" (the clock was moved back) have not happened on the clock in force: they
are dropped, where they used to make the wait ``window`` + the distance moved back (1,300 s for a 300 s
window after 1,000 s back), and a limited client is never told to wait longer than the window.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, move_clock
from flask.testing import FlaskClient
from json_error_kit import told_to_wait
from phone_world import Phone

from sls_server import create_app
from sls_server.store.records.lockout import STAMP_SKEW_S

IP_WINDOW = 300  # SLS_IP_THROTTLE_WINDOW's default
IP_LIMIT = 30


def _login(client: FlaskClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def _fill_address_window(client: FlaskClient) -> None:
    for i in range(IP_LIMIT):
        assert _login(client, f"nobody{i}", "wrong-password-1").status_code == 401


def test_the_address_window_lets_a_client_in_after_exactly_retry_after(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    _fill_address_window(alice.client)
    wait = told_to_wait(_login(alice.client, alice.username, alice.password), IP_WINDOW)
    assert wait == IP_WINDOW
    move_clock(alice.client, admin_headers, wait - 1)
    assert told_to_wait(_login(alice.client, alice.username, alice.password), IP_WINDOW) == 1
    move_clock(alice.client, admin_headers, 1)
    assert _login(alice.client, alice.username, alice.password).status_code == 200


@pytest.mark.parametrize("back", [STAMP_SKEW_S + 1, 1000, 86400])
def test_moving_the_clock_back_never_makes_the_address_wait_longer_than_the_window(
    alice: EnrolledUser, admin_headers: dict[str, str], back: int
) -> None:
    _fill_address_window(alice.client)
    move_clock(alice.client, admin_headers, -back)
    after = _login(alice.client, alice.username, alice.password)
    assert after.status_code == 200, after.get_json()  # was 429 with retry_after IP_WINDOW + back


def test_attempts_a_racing_request_stamped_a_second_ahead_still_count(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """A request whose "now" is a second behind another's (racing across a second) must still count the
    other's attempts, or a flood would slip attempts past the window at every second's turn."""
    _fill_address_window(alice.client)
    move_clock(alice.client, admin_headers, -1)
    refused = _login(alice.client, alice.username, alice.password)
    assert refused.status_code == 429, refused.get_json()


def test_attempts_made_after_the_clock_went_back_count_in_full(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    _fill_address_window(alice.client)
    move_clock(alice.client, admin_headers, -1000)
    _fill_address_window(alice.client)
    assert told_to_wait(_login(alice.client, alice.username, alice.password), IP_WINDOW) == IP_WINDOW


@pytest.fixture
def two_challenges(app_config: dict[str, Any], admin_headers: dict[str, str]) -> EnrolledUser:
    """Alice with a card, on a server that issues two challenges per card and user per 600 s."""
    app = create_app({**app_config, "CHALLENGE_ISSUE_LIMIT": 2})
    return EnrolledUser(app.test_client(), admin_headers, "alice", "1234")


@pytest.mark.parametrize("back", [0, 1000])
def test_the_challenge_window_waits_at_most_the_window_and_exactly_retry_after(
    two_challenges: EnrolledUser, admin_headers: dict[str, str], back: int
) -> None:
    alice = two_challenges
    if back:  # one issued, then the clock goes back
        alice.start_login()
        move_clock(alice.client, admin_headers, -back)
    alice.start_login()
    alice.start_login()
    wait = told_to_wait(_login(alice.client, alice.username, alice.password), 600)
    assert wait == 600, wait  # the two issued since: the window's full length, not 600 + back
    move_clock(alice.client, admin_headers, wait - 1)
    assert _login(alice.client, alice.username, alice.password).status_code == 429
    move_clock(alice.client, admin_headers, 1)
    assert _login(alice.client, alice.username, alice.password).status_code == 200


@pytest.mark.parametrize("back", [0, 1000])
def test_the_code_send_window_waits_at_most_the_window_and_exactly_retry_after(
    app_config: dict[str, Any], admin_headers: dict[str, str], back: int
) -> None:
    client = create_app({**app_config, "SMS_SEND_LIMIT": 1}).test_client()
    sam = Phone(client, admin_headers)
    if back:  # one sent, then the clock goes back
        sam.login()
        sam.move_clock(-back)
    sam.login()  # the one code this window allows (the first was sent "later", when back > 0)
    refused = client.post("/api/v1/auth/login", json={"username": "sam", "password": "Velvet-Harbor-Sms-58"})
    wait = told_to_wait(refused, 600)
    assert wait == 600, wait
    sam.move_clock(wait - 1)
    sam.login(status=429)
    sam.move_clock(1)
    sam.login()

"""The login page says why IB Key asks for challenge/response when the user did not ask for it
(``factor.reason``, worded in ``web/wording.py``): after a push flood, and while the phone roams. Before, the
page switched from the push without a word."""

from __future__ import annotations

from flask.testing import FlaskClient
from ibkey_world import PASSWORD
from ibkey_world import World as IbkeyWorld
from page_forms import csrf


def login_page_step(client: FlaskClient, name: str) -> str:
    token = csrf(client.get("/").get_data(as_text=True))
    started = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert started.status_code == 303, started.get_data(as_text=True)
    return client.get(started.headers["Location"]).get_data(as_text=True)


def test_after_too_many_pushes_the_page_says_why_it_asks_for_challenge_response(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    for _ in range(client.application.extensions["sls"].settings.push_limit):
        assert world.login("alice")["factor"]["mode"] == "push"
    html = login_page_step(client, "alice")
    assert 'data-testid="step-challenge"' in html
    assert 'data-testid="ibkey-reason"' in html
    assert "Too many notifications were sent to your phone; use Challenge/Response." in html


def test_a_roaming_phone_s_login_page_says_no_notification_was_sent(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    world.roam("alice")
    html = login_page_step(client, "alice")
    assert 'data-testid="ibkey-reason"' in html and "roaming" in html, html


def test_a_push_has_no_reason_line(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    world = IbkeyWorld(client, admin_headers)
    world.activated_user("alice", "android")
    html = login_page_step(client, "alice")
    assert 'data-testid="push-match"' in html and 'data-testid="ibkey-reason"' not in html

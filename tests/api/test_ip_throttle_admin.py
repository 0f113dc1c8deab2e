"""The per-address login limit refuses every login from the address, a right password too, and belongs to no
user: unlocking the user leaves it. ``GET /admin/v1/ip-throttle`` shows it and ``POST
/admin/v1/ip-throttle/lift`` lifts it (``ip.throttle_lifted`` in the trail, no secret in it); a bad address
is a 400 naming ``ip`` and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from flask.testing import FlaskClient
from json_error_kit import told_to_wait
from page_forms import Console

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LIMIT, WINDOW = 3, 300
IP = "198.51.100.77"
OPERATOR = "192.0.2.10"  # another address of the operator's (another machine, or ::1 beside 127.0.0.1)
METRICS_TOKEN = "prometheus-scrape-token-0123456789"


@pytest.fixture
def client(app_config: dict[str, Any]) -> FlaskClient:
    settings = {"IP_THROTTLE_LIMIT": LIMIT, "IP_THROTTLE_WINDOW": WINDOW, "METRICS_TOKEN": METRICS_TOKEN}
    return create_app({**app_config, **settings}).test_client()


def _login(client: FlaskClient, username: str, password: str, ip: str = IP) -> Any:
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def _limited(client: FlaskClient) -> EnrolledUser:
    carl = EnrolledUser(client, ADMIN, "carl", "1234")
    for name in ("amy", "ben", "cal"):
        assert _login(client, name, "stuffed-password").status_code == 401
    return carl


def test_a_limited_address_is_shown_refuses_the_right_password_and_a_user_unlock_leaves_it(
    client: FlaskClient,
) -> None:
    carl = _limited(client)
    told_to_wait(_login(client, "carl", carl.password), WINDOW)

    shown = client.get(f"/admin/v1/ip-throttle?ip={IP}", headers=ADMIN)
    assert shown.status_code == 200, shown.get_json()
    assert shown.get_json() == {
        "ip": IP,
        "counted_as": IP,
        "attempts": LIMIT,
        "limit": LIMIT,
        "window_s": WINDOW,
        "limited": True,
        "retry_after": WINDOW,
        "token_guesses": 0,
        "metrics_guesses": 0,
    }
    assert client.post("/admin/v1/users/carl/unlock", headers=ADMIN).status_code == 200
    assert _login(client, "carl", carl.password).status_code == 429  # a user's unlock is not the address's


def test_lifting_the_limit_lets_the_next_login_in_and_is_recorded_without_secrets(
    client: FlaskClient,
) -> None:
    carl = _limited(client)
    lifted = client.post("/admin/v1/ip-throttle/lift", json={"ip": IP}, headers=ADMIN)
    assert lifted.status_code == 200, lifted.get_json()
    body = lifted.get_json()
    assert (body["limited"], body["attempts"], body["retry_after"], body["cleared"]) == (
        False,
        0,
        None,
        LIMIT,
    )
    assert _login(client, "carl", carl.password).status_code == 200

    events = client.get("/admin/v1/events?type=ip.throttle_lifted", headers=ADMIN).get_json()["events"]
    assert len(events) == 1 and events[0]["ip"] == IP
    assert events[0]["detail"] == {
        "attempts": LIMIT,
        "was_limited": True,
        "token_guesses": 0,
        "metrics_guesses": 0,
    }
    assert carl.password not in str(events) and "stuffed-password" not in str(events)

    again = client.post("/admin/v1/ip-throttle/lift", json={"ip": IP}, headers=ADMIN).get_json()
    assert again["cleared"] == 0  # nothing to lift: nothing recorded
    assert (
        len(client.get("/admin/v1/events?type=ip.throttle_lifted", headers=ADMIN).get_json()["events"]) == 1
    )


def test_an_ipv6_address_is_shown_and_lifted_as_its_64(client: FlaskClient) -> None:
    for n, name in enumerate(("amy", "ben", "cal"), start=1):
        assert _login(client, name, "stuffed-password", f"2001:db8:1:2::{n}").status_code == 401
    shown = client.get("/admin/v1/ip-throttle?ip=2001:DB8:1:2::99", headers=ADMIN).get_json()
    assert (shown["ip"], shown["counted_as"], shown["limited"]) == (
        "2001:db8:1:2::99",
        "2001:db8:1:2::/64",
        True,
    )
    lifted = client.post("/admin/v1/ip-throttle/lift", json={"ip": "2001:db8:1:2::5"}, headers=ADMIN)
    assert lifted.get_json()["cleared"] == LIMIT


def test_the_wait_shown_is_the_one_a_login_is_told(client: FlaskClient) -> None:
    carl = _limited(client)
    move_clock(client, ADMIN, 100)
    told = _login(client, "carl", carl.password).get_json()["retry_after"]
    shown = client.get(f"/admin/v1/ip-throttle?ip={IP}", headers=ADMIN).get_json()["retry_after"]
    assert told == shown == WINDOW - 100


@pytest.mark.parametrize("bad", ["", "not-an-address", "198.51.100.300", "10.0.0.0/8"])
def test_a_bad_address_is_a_400_naming_ip_and_changes_nothing(client: FlaskClient, bad: str) -> None:
    _limited(client)
    lifted = client.post("/admin/v1/ip-throttle/lift", json={"ip": bad}, headers=ADMIN)
    assert lifted.status_code == 400 and lifted.get_json()["field"] == "ip", lifted.get_json()
    shown = client.get("/admin/v1/ip-throttle", query_string={"ip": bad}, headers=ADMIN)
    assert shown.status_code == 400 and shown.get_json()["field"] == "ip", shown.get_json()
    assert client.get(f"/admin/v1/ip-throttle?ip={IP}", headers=ADMIN).get_json()["limited"] is True


def test_the_routes_need_the_admin_token(client: FlaskClient) -> None:
    assert client.get(f"/admin/v1/ip-throttle?ip={IP}").status_code == 401
    assert client.post("/admin/v1/ip-throttle/lift", json={"ip": IP}).status_code == 401


def test_the_console_card_shows_and_lifts_it_as_the_admin_routes_do(client: FlaskClient) -> None:
    carl = _limited(client)
    console = Console(client)
    page = client.get("/trainer").get_data(as_text=True)
    assert (
        'data-testid="ip-limit-lift"' in page and f"{LIMIT} login attempts from one address in 5 min" in page
    )
    shown = console.post("/trainer/ip-throttle", {"ip": IP})
    assert shown == client.get(f"/admin/v1/ip-throttle?ip={IP}", headers=ADMIN).get_json()
    assert shown["limited"] is True
    refused = console.post("/trainer/ip-throttle/lift", {"ip": "no"}, status=400)
    assert refused["field"] == "ip"
    assert console.post("/trainer/ip-throttle/lift", {"ip": IP})["cleared"] == LIMIT
    assert _login(client, "carl", carl.password).status_code == 200
    without_token = client.post("/trainer/ip-throttle/lift", json={"ip": IP})
    assert without_token.status_code == 403


def _bearer(client: FlaskClient, path: str, token: str, ip: str = IP) -> Any:
    return client.get(path, headers={"Authorization": f"Bearer {token}"}, environ_base={"REMOTE_ADDR": ip})


def _guess(client: FlaskClient, path: str, ip: str = IP) -> None:
    """Give ``path`` wrong tokens from ``ip`` until its window is full."""
    for n in range(LIMIT):
        assert _bearer(client, path, f"mistyped-token-number-{n}", ip).status_code == 401


def test_a_lift_forgets_the_addresss_wrong_admin_and_metrics_tokens_too(client: FlaskClient) -> None:
    """An operator who mistyped the admin token (and whose scraper kept an old metrics token) into full
    windows asks the lift to let the address through: its right tokens are refused (429) until the lift
    forgets both windows, as it forgets the login attempts; the answer and the trail say how many of each.
    A lift used to forget the login attempts only, and the address stayed shut to both tokens."""
    carl = _limited(client)
    _guess(client, "/admin/v1/users")
    _guess(client, "/metrics")
    assert _bearer(client, "/admin/v1/users", ADMIN_TOKEN).status_code == 429
    assert _bearer(client, "/metrics", METRICS_TOKEN).status_code == 429
    shown = _bearer(client, f"/admin/v1/ip-throttle?ip={IP}", ADMIN_TOKEN, ip=OPERATOR).get_json()
    assert (shown["attempts"], shown["token_guesses"], shown["metrics_guesses"]) == (LIMIT, LIMIT, LIMIT)
    lifted = client.post(
        "/admin/v1/ip-throttle/lift", json={"ip": IP}, headers=ADMIN, environ_base={"REMOTE_ADDR": OPERATOR}
    )
    assert lifted.status_code == 200, lifted.get_json()
    body = lifted.get_json()
    assert (body["cleared"], body["token_guesses_cleared"], body["metrics_guesses_cleared"]) == (
        LIMIT,
        LIMIT,
        LIMIT,
    )
    assert (body["attempts"], body["token_guesses"], body["metrics_guesses"]) == (0, 0, 0)
    assert _bearer(client, "/admin/v1/users", ADMIN_TOKEN).status_code == 200
    assert _bearer(client, "/metrics", METRICS_TOKEN).status_code == 200
    assert _login(client, "carl", carl.password).status_code == 200
    events = client.get("/admin/v1/events?type=ip.throttle_lifted", headers=ADMIN).get_json()["events"]
    assert [e["detail"] for e in events] == [
        {"attempts": LIMIT, "was_limited": True, "token_guesses": LIMIT, "metrics_guesses": LIMIT}
    ]
    assert "mistyped-token" not in str(events) and METRICS_TOKEN not in str(events)


def test_an_address_with_only_wrong_tokens_is_lifted_and_recorded(client: FlaskClient) -> None:
    """No login attempt from the address, a full window of wrong admin tokens: the lift is no no-op."""
    _guess(client, "/admin/v1/users")
    lifted = client.post(
        "/admin/v1/ip-throttle/lift", json={"ip": IP}, headers=ADMIN, environ_base={"REMOTE_ADDR": OPERATOR}
    ).get_json()
    assert (lifted["cleared"], lifted["token_guesses_cleared"], lifted["metrics_guesses_cleared"]) == (
        0,
        LIMIT,
        0,
    )
    assert _bearer(client, "/admin/v1/users", ADMIN_TOKEN).status_code == 200
    events = client.get("/admin/v1/events?type=ip.throttle_lifted", headers=ADMIN).get_json()["events"]
    assert len(events) == 1 and events[0]["detail"]["token_guesses"] == LIMIT


def test_an_address_shut_to_the_admin_api_lifts_itself_from_a_console_already_signed_in(
    client: FlaskClient,
) -> None:
    """The lift is an admin route, and the address's own full window refuses its right admin token (429),
    so `sls ip-throttle --lift` from there cannot reach it; a trainer console signed in before the window
    filled is not judged by it (its sign-in is a cookie, no token) and lifts it, as another address can."""
    console = Console(client)  # signed in from 127.0.0.1, the test client's address
    here = "127.0.0.1"
    _guess(client, "/admin/v1/users", here)
    refused = client.post("/admin/v1/ip-throttle/lift", json={"ip": here}, headers=ADMIN)
    assert refused.status_code == 429 and refused.get_json()["error"] == "rate_limited"
    lifted = console.post("/trainer/ip-throttle/lift", {"ip": here})
    assert lifted["token_guesses_cleared"] == LIMIT
    assert client.get("/admin/v1/users", headers=ADMIN).status_code == 200

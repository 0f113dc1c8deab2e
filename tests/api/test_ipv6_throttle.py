"""The per-address throttle counts an IPv6 client by its /64: one home line or one cloud host holds a whole
/64, and counted address by address it could give every guess of a stuffing run an address of its own."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from json_error_kit import told_to_wait

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _login(client, username: str, password: str, ip: str):
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_addresses_of_one_ipv6_64_share_the_throttle(app_config) -> None:
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 3, "IP_THROTTLE_WINDOW": 60}).test_client()
    user = EnrolledUser(client, ADMIN, "ivy", "1234")
    rotated = [f"2001:db8:1:2::{n:x}" for n in range(1, 5)]  # four addresses of one /64
    refused = [
        _login(client, name, "stuffed-password", ip).status_code
        for name, ip in zip(("amy", "ben", "cal"), rotated[:3], strict=True)
    ]
    assert refused == [401] * 3

    told_to_wait(_login(client, "ivy", user.password, rotated[3]), 60)
    assert _login(client, "ivy", user.password, "2001:db8:1:3::1").status_code == 200  # the next /64 is not
    assert _login(client, "ivy", user.password, "198.51.100.1").status_code == 200


def test_ipv4_addresses_are_still_counted_one_by_one(app_config) -> None:
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 1, "IP_THROTTLE_WINDOW": 60}).test_client()
    user = EnrolledUser(client, ADMIN, "ivy", "1234")
    assert _login(client, "amy", "stuffed-password", "203.0.113.1").status_code == 401
    assert _login(client, "ivy", user.password, "203.0.113.1").status_code == 429
    assert _login(client, "ivy", user.password, "203.0.113.2").status_code == 200


def test_a_flood_from_one_ipv6_64_leaves_a_bounded_record(app_config) -> None:
    """Refusals are folded per client and window; the client is the /64, as for the throttle, or a flood
    rotating addresses inside it wrote one event per request."""
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 3, "IP_THROTTLE_WINDOW": 600}).test_client()
    EnrolledUser(client, ADMIN, "ivy", "1234")
    before = client.get("/admin/v1/events?limit=1000", headers=ADMIN).get_json()["cursor"]
    answers = [
        _login(client, "ivy", "stuffed-password", f"2001:db8:1:2::{n:x}").status_code for n in range(1, 204)
    ]
    assert answers == [401] * 3 + [429] * 200
    move_clock(client, ADMIN, 120)  # the events' window closes

    events = client.get(f"/admin/v1/events?limit=1000&since={before}", headers=ADMIN).get_json()["events"]
    refused = [e for e in events if e["type"] == "login.refused"]
    summaries = [e for e in events if e["type"] == "events.summary"]
    assert len(refused) == 1 and refused[0]["ip"] == "2001:db8:1:2::4", refused
    assert [(s["ip"], s["detail"]["suppressed"]) for s in summaries] == [("2001:db8:1:2::/64", 199)]

"""The per-address throttle counts an IPv6 client by its /64: one home line or one cloud host holds a whole
/64, and counted address by address it could give every guess of a stuffing run an address of its own."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser

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

    limited = _login(client, "ivy", user.password, rotated[3])
    assert limited.status_code == 429, limited.get_json()
    assert limited.get_json()["error"] == "rate_limited"
    assert _login(client, "ivy", user.password, "2001:db8:1:3::1").status_code == 200  # the next /64 is not
    assert _login(client, "ivy", user.password, "198.51.100.1").status_code == 200


def test_ipv4_addresses_are_still_counted_one_by_one(app_config) -> None:
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 1, "IP_THROTTLE_WINDOW": 60}).test_client()
    user = EnrolledUser(client, ADMIN, "ivy", "1234")
    assert _login(client, "amy", "stuffed-password", "203.0.113.1").status_code == 401
    assert _login(client, "ivy", user.password, "203.0.113.1").status_code == 429
    assert _login(client, "ivy", user.password, "203.0.113.2").status_code == 200

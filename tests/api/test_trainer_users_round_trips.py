"""The console's users table (``/trainer/users``, redrawn as events arrive and every few seconds) in Redis
round trips, counted by Redis itself as ``tests/api/test_round_trips.py`` counts a login's: the strikes the
listed users hold on their devices (``accounts/device_view.py``) are read for all of them in one round trip,
where each user's device listing read its own (one more per user on every redraw)."""

from __future__ import annotations

import pytest
from conftest import TOPOLOGY
from flask.testing import FlaskClient
from page_forms import Console
from round_trip_kit import own_reads, reads

from sls_server.store import connect

PASSWORD = "Prism-Willow-Canyon-3"

#: Round trips each listed user adds to a redraw: their record; their device ids; their devices; their
#: lockout buckets; their sessions; their IP allowlist and account. Their strikes ride with everyone's.
PER_USER = 6


def _user(client: FlaskClient, headers: dict[str, str], name: str) -> None:
    made = client.post(
        "/admin/v1/users", json={"username": name, "password": PASSWORD, "sms": False}, headers=headers
    )
    assert made.status_code == 201, made.get_json()
    card = client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=headers
    )
    assert card.status_code == 201, card.get_json()


def _redraw(client: FlaskClient, redis_url: str) -> int:
    observer = connect(redis_url)
    try:
        before = reads(observer)
        assert client.get("/trainer/users").status_code == 200
        return reads(observer) - before - own_reads(observer)
    finally:
        observer.close()


@pytest.mark.skipif(TOPOLOGY != "single", reason="counts one redis-server")
def test_the_users_strikes_are_read_in_one_round_trip_for_all_users(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    _user(client, admin_headers, "ann")
    Console(client)
    _redraw(client, redis_url)  # connections open and scripts loaded: not part of a redraw's cost
    one = _redraw(client, redis_url)
    for name in ("bea", "cas", "dee"):
        _user(client, admin_headers, name)
    _redraw(client, redis_url)
    four = _redraw(client, redis_url)
    assert (four - one) == 3 * PER_USER

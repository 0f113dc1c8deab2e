"""``POST /admin/v1/clock`` keeps the server's clock between 2000-01-01 and 2100-01-01.

Before, ``set_at: 0`` or a large negative ``advance_s`` put ``now`` before 1970: every ``*_at`` the server
then wrote was negative, against the published schema (``minimum: 0``). A refused move leaves the clock
exactly as it was.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time

from sls_server.http.admin.control import CLOCK_MAX, CLOCK_MIN

YEAR = 365 * 86400


def _clock(client: FlaskClient, headers: dict[str, str]) -> dict[str, int]:
    return client.get("/admin/v1/clock", headers=headers).get_json()  # type: ignore[no-any-return]


def _move(client: FlaskClient, headers: dict[str, str], body: dict[str, int]):  # type: ignore[no-untyped-def]
    return client.post("/admin/v1/clock", json=body, headers=headers)


def test_bounds_are_2000_and_2100() -> None:
    assert CLOCK_MIN == 946684800  # 2000-01-01T00:00:00Z
    assert CLOCK_MAX == 4102444800  # 2100-01-01T00:00:00Z


@pytest.mark.parametrize("set_at", [0, 1, 86400, CLOCK_MIN - 1, CLOCK_MAX + 1, 2**40])
def test_set_at_outside_the_range_is_refused(client: FlaskClient, admin_headers, set_at: int) -> None:
    before = _clock(client, admin_headers)["offset_s"]
    refused = _move(client, admin_headers, {"set_at": set_at})
    assert refused.status_code == 400, refused.get_json()
    assert refused.get_json()["error"] == "invalid_request"
    assert refused.get_json()["field"] == "set_at"
    assert "2000-01-01" in refused.get_json()["message"]
    assert _clock(client, admin_headers)["offset_s"] == before


@pytest.mark.parametrize("set_at", [CLOCK_MIN, 1767225600, CLOCK_MAX])
def test_set_at_inside_the_range_is_accepted(client: FlaskClient, admin_headers, set_at: int) -> None:
    moved = _move(client, admin_headers, {"set_at": set_at})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["now"] == set_at


@freeze_time("2026-01-01 00:00:00")
def test_advance_that_would_leave_the_range_is_refused(client: FlaskClient, admin_headers) -> None:
    start = _move(client, admin_headers, {"set_at": CLOCK_MIN + 100}).get_json()
    back = _move(client, admin_headers, {"advance_s": -101})
    assert back.status_code == 400, back.get_json()
    assert back.get_json()["field"] == "advance_s"
    assert _clock(client, admin_headers) == start, "a refused move changed the clock"

    edge = _move(client, admin_headers, {"advance_s": -100})
    assert edge.status_code == 200 and edge.get_json()["now"] == CLOCK_MIN

    _move(client, admin_headers, {"set_at": CLOCK_MAX - 5})
    forward = _move(client, admin_headers, {"advance_s": 6})
    assert forward.status_code == 400 and forward.get_json()["field"] == "advance_s"
    assert _clock(client, admin_headers)["now"] == CLOCK_MAX - 5


@freeze_time("2026-01-01 00:00:00")
def test_repeated_advances_cannot_walk_before_2000(client: FlaskClient, admin_headers) -> None:
    """Each step is within the per-call limit; the bound is on where the clock ends up."""
    answers = [_move(client, admin_headers, {"advance_s": -10 * YEAR}).status_code for _ in range(5)]
    assert answers[:2] == [200, 200]  # 2026 -> 2016 -> 2006
    assert set(answers[2:]) == {400}
    assert _clock(client, admin_headers)["now"] >= CLOCK_MIN


def test_the_document_states_the_bounds(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    move = spec["components"]["schemas"]["ClockMove"]
    set_at = next(s for s in move["oneOf"] if s["required"] == ["set_at"])["properties"]["set_at"]
    assert (set_at["minimum"], set_at["maximum"]) == (CLOCK_MIN, CLOCK_MAX)
    assert "2100-01-01" in move["description"]

"""``POST /admin/v1/clock {"freeze": true|false}`` and ``"frozen"`` in the clock's answer: an addition to
the fixed contract (``{"now", "offset_s"}``, ``{"advance_s"}`` / ``{"set_at"}`` work as before).

API tests run at a frozen real instant (``conftest.frozen_time``); here freezegun moves it on by hand, so
"real time passes" takes no real time.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from freezegun import freeze_time

AT = 1_893_488_400  # 2030-01-01T09:00:00Z


def _clock(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    return client.get("/admin/v1/clock", headers=headers).get_json()  # type: ignore[no-any-return]


def _post(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post("/admin/v1/clock", json=body, headers=headers)


def test_the_answer_says_whether_the_clock_is_frozen(client: FlaskClient, admin_headers) -> None:
    assert set(_clock(client, admin_headers)) == {"now", "offset_s", "frozen"}
    assert _clock(client, admin_headers)["frozen"] is False
    moved = _post(client, admin_headers, {"advance_s": 60}).get_json()
    assert moved["frozen"] is False and set(moved) == {"now", "offset_s", "frozen"}


def test_a_frozen_clock_moves_only_when_moved(client: FlaskClient, admin_headers) -> None:
    with freeze_time("2026-01-01 00:00:00") as real:
        frozen = _post(client, admin_headers, {"set_at": AT, "freeze": True})
        assert frozen.status_code == 200, frozen.get_json()
        assert frozen.get_json()["now"] == AT and frozen.get_json()["frozen"] is True
        real.tick(3600)
        assert _clock(client, admin_headers)["now"] == AT
        assert _post(client, admin_headers, {"advance_s": 900}).get_json()["now"] == AT + 900
        real.tick(3600)
        assert _clock(client, admin_headers) == {
            "now": AT + 900,
            "offset_s": AT + 900 - (1767225600 + 7200),
            "frozen": True,
        }
        thawed = _post(client, admin_headers, {"freeze": False}).get_json()
        assert (thawed["now"], thawed["frozen"]) == (AT + 900, False)
        real.tick(10)
        assert _clock(client, admin_headers)["now"] == AT + 910


def test_freeze_alone_is_a_change_and_each_is_an_audit_event(client: FlaskClient, admin_headers) -> None:
    assert _post(client, admin_headers, {"freeze": True}).get_json()["frozen"] is True
    assert _post(client, admin_headers, {"freeze": False}).get_json()["frozen"] is False
    events = client.get("/admin/v1/events", headers=admin_headers).get_json()["events"]
    assert [e["type"] for e in events if e["type"].startswith("clock.")] == ["clock.frozen", "clock.thawed"]


def test_a_reset_of_the_world_thaws_the_clock(client: FlaskClient, admin_headers) -> None:
    _post(client, admin_headers, {"set_at": AT, "freeze": True})
    assert client.post("/admin/v1/reset", headers=admin_headers).status_code == 200
    after = _clock(client, admin_headers)
    assert (after["frozen"], after["offset_s"]) == (False, 0)


def test_bad_requests_name_the_field(client: FlaskClient, admin_headers) -> None:
    for body, field in (
        ({}, "advance_s"),
        ({"advance_s": 1, "set_at": AT}, "advance_s"),
        ({"freeze": None}, "advance_s"),
        ({"freeze": "yes"}, "freeze"),
    ):
        refused = _post(client, admin_headers, body)
        assert refused.status_code == 400, (body, refused.get_json())
        assert (refused.get_json()["error"], refused.get_json()["field"]) == ("invalid_request", field), body


def test_the_document_states_the_addition(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "frozen" in schemas["Clock"]["properties"] and "frozen" in schemas["Clock"]["required"]
    alternatives = schemas["ClockMove"]["oneOf"]
    assert {"freeze"} in [set(a["required"]) for a in alternatives]
    assert all("freeze" in a["properties"] for a in alternatives if a["required"] != ["reset"])

"""A number whose fraction is zero is an integer, as JSON has it and as the document's ``integer`` (JSON
Schema's) says: ``{"advance_s": 0.0}`` moves the clock by nothing, as ``0`` does.

The TypeScript client's author found ``advance_s: 0.0`` refused ("advance_s must be an integer"): the zero
move was never refused (``0`` was a 200), the ``0.0`` was, by pydantic's strict integer, though the document
(and a client validating against it) calls it valid. A number with a fraction, an infinite one, a string or a
boolean stays a 400 naming the field; a zero move stays valid, a no-op the audit trail still records.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

MOVE = {"$ref": "#/components/schemas/ClockMove"}


def move(client: FlaskClient, headers: dict[str, str], raw: str) -> Any:
    return client.post("/admin/v1/clock", data=raw, content_type="application/json", headers=headers)


@pytest.mark.parametrize(
    ("raw", "moved"),
    [
        ('{"advance_s": 0}', 0),
        ('{"advance_s": 0.0}', 0),
        ('{"advance_s": -0.0}', 0),
        ('{"advance_s": 60.0}', 60),
        ('{"advance_s": 6e1}', 60),
        ('{"advance_s": -1.5e2}', -150),
        ('{"advance_s": 900.000, "freeze": true}', 900),
    ],
)
def test_a_whole_number_with_a_zero_fraction_moves_the_clock(
    client: FlaskClient, admin_headers: dict[str, str], spec: dict[str, Any], raw: str, moved: int
) -> None:
    before = client.get("/admin/v1/clock", headers=admin_headers).get_json()
    answer = move(client, admin_headers, raw)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["offset_s"] - before["offset_s"] == moved
    assert schema_errors(spec, MOVE, json.loads(raw)) == []  # the document takes it too


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"advance_s": 0.5}', "advance_s"),
        ('{"advance_s": 1e400}', "advance_s"),
        ('{"advance_s": "0"}', "advance_s"),
        ('{"advance_s": false}', "advance_s"),
        ('{"set_at": 1767225600.25}', "set_at"),
    ],
)
def test_a_fraction_or_another_type_is_still_no_integer(
    client: FlaskClient, admin_headers: dict[str, str], raw: str, field: str
) -> None:
    before = client.get("/admin/v1/clock", headers=admin_headers).get_json()["offset_s"]
    answer = move(client, admin_headers, raw)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json() == {
        "error": "invalid_request",
        "field": field,
        "message": f"{field} must be an integer",
    }
    assert client.get("/admin/v1/clock", headers=admin_headers).get_json()["offset_s"] == before


def test_a_whole_number_inside_a_body_is_read_where_it_stands(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Any body's integer, not the clock's alone; the bounds still apply to the integer it is."""
    body = '{"username": "alice", "password": "vernal-Quartz-harbor-71", "phone": "+15550100001"}'
    assert client.post("/admin/v1/users", data=body, content_type="application/json", headers=admin_headers)
    path = "/sim/v1/phones/+15550100001/conditions"
    answer = client.put(path, data='{"delivery_delay_s": 30.0}', content_type="application/json")
    assert answer.status_code == 200 and answer.get_json()["delivery_delay_s"] == 30, answer.get_json()
    answer = client.put(path, data='{"delivery_delay_s": 1e9}', content_type="application/json")
    assert answer.status_code == 400 and answer.get_json()["field"] == "delivery_delay_s", answer.get_json()
    assert "at most" in answer.get_json()["message"]


def test_a_zero_move_is_recorded_like_any_other(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    assert move(client, admin_headers, '{"advance_s": 0.0}').status_code == 200
    events = client.get("/admin/v1/events", headers=admin_headers, query_string={"type": "clock.moved"})
    assert [event["detail"] for event in events.get_json()["events"]] == [{"offset_s": 0, "frozen": False}]

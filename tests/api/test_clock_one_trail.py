"""Every way to move the clock leaves one trail: ``POST /admin/v1/clock`` and the trainer console's buttons
(+1 min, +15 min, +1 day, Freeze, Thaw, reset, Set) all go through ``core().clock_service``.

Each surface once made its own decision and built its own events, and the copies drifted: the console's
steps recorded ``clock.moved`` with ``offset_s`` alone, where the admin route and the console's Set recorded
``offset_s`` and ``frozen``."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from page_forms import Console, admin

from sls_server.shapes.clock import CLOCK_MAX

AT = 1_956_528_000  # 2032-01-01T00:00:00Z


def _last_clock_event(client: FlaskClient, headers: dict[str, str]) -> tuple[str, dict[str, Any]]:
    events = [e for e in admin(client, headers, "/events")["events"] if e["type"].startswith("clock.")]
    return events[-1]["type"], events[-1]["detail"]


def _api(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/admin/v1/clock", json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("step", "seconds"), [("minute", 60), ("quarter", 900), ("day", 86400)])
@pytest.mark.parametrize("frozen", [False, True])
def test_each_step_button_records_the_move_as_the_admin_route_does(
    client: FlaskClient, admin_headers: dict[str, str], step: str, seconds: int, frozen: bool
) -> None:
    console = Console(client)
    _api(client, admin_headers, {"set_at": AT, "freeze": frozen})
    by_api = _api(client, admin_headers, {"advance_s": seconds})
    api_event = _last_clock_event(client, admin_headers)
    by_button = console.post("/trainer/clock", {"step": step})
    assert by_button["now"] == by_api["now"] + seconds and by_button["frozen"] is frozen
    button_event = _last_clock_event(client, admin_headers)
    assert api_event == ("clock.moved", {"offset_s": by_api["offset_s"], "frozen": frozen})
    assert button_event == ("clock.moved", {"offset_s": by_button["offset_s"], "frozen": frozen})


def _clock_events(client: FlaskClient, headers: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    events = admin(client, headers, "/events")["events"]
    return [(e["type"], e["detail"]) for e in events if e["type"].startswith("clock.")]


@pytest.mark.parametrize(
    ("before", "button", "twin", "kinds"),
    [
        ({"set_at": AT}, ("/trainer/clock", {"step": "freeze"}), {"freeze": True}, ["clock.frozen"]),
        (
            {"set_at": AT, "freeze": True},
            ("/trainer/clock", {"step": "thaw"}),
            {"freeze": False},
            ["clock.thawed"],
        ),
        (
            {"set_at": AT, "freeze": True},
            ("/trainer/clock/set", {"set_at": AT + 60}),
            {"set_at": AT + 60},
            ["clock.moved"],
        ),
        (
            {"set_at": AT, "freeze": True},
            ("/trainer/clock", {"step": "reset"}),
            {"reset": True},
            ["clock.thawed", "clock.moved"],
        ),
    ],
)
def test_freeze_thaw_set_and_reset_record_as_the_admin_route_does(
    client: FlaskClient,
    admin_headers: dict[str, str],
    before: dict[str, Any],
    button: tuple[str, dict[str, Any]],
    twin: dict[str, Any],
    kinds: list[str],
) -> None:
    console = Console(client)
    _api(client, admin_headers, before)
    seen = len(_clock_events(client, admin_headers))
    by_button = console.post(*button)
    from_button = _clock_events(client, admin_headers)[seen:]
    _api(client, admin_headers, {"reset": True})
    _api(client, admin_headers, before)
    seen = len(_clock_events(client, admin_headers))
    assert _api(client, admin_headers, twin) == by_button
    assert [kind for kind, _ in from_button] == kinds
    assert _clock_events(client, admin_headers)[seen:] == from_button


def test_a_step_past_the_range_is_refused_naming_step_and_records_nothing(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    console = Console(client)
    before = _api(client, admin_headers, {"set_at": CLOCK_MAX - 30, "freeze": True})
    trail = admin(client, admin_headers, "/events")["events"]
    refused = console.post("/trainer/clock", {"step": "minute"}, status=400)
    assert (refused["error"], refused["field"]) == ("invalid_request", "step"), refused
    assert admin(client, admin_headers, "/clock") == before
    assert admin(client, admin_headers, "/events")["events"] == trail


def test_a_freeze_sent_with_a_refused_move_is_not_made_either(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The admin route froze the clock, then refused the move: a 400 that changed the clock."""
    before = _api(client, admin_headers, {"set_at": CLOCK_MAX - 30})
    refused = client.post("/admin/v1/clock", json={"advance_s": 60, "freeze": True}, headers=admin_headers)
    assert refused.status_code == 400 and refused.get_json()["field"] == "advance_s"
    assert admin(client, admin_headers, "/clock") == before

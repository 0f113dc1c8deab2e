"""``POST /admin/v1/clock {"reset": true}``: real time again, running, in one step from any state.

Before, there was no reset over the API: ``sls clock --reset`` thawed the clock, then sent
``advance_s: -offset``, which the ten-year cap on one move refused once the clock was further off (the clock
left thawed, half reset), and the trainer's reset button, which called the core directly, recorded no
``clock.thawed`` for a frozen clock. A running clock set near 2100-01-01 also ran past the range, after which
even ``advance_s: 0`` was refused; now "now" stands at the range's end until moved or reset.

API tests run at a frozen real instant (``conftest.frozen_time``); freezegun moves it on by hand here.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from freezegun import freeze_time
from page_forms import Console

from sls_server.shapes.clock import CLOCK_MAX

REAL = 1_767_225_600  # 2026-01-01T00:00:00Z, the real time freezegun gives
FAR = 2_208_988_800  # 2040-01-01T00:00:00Z: more than ten years ahead of real time


def _clock(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    return client.get("/admin/v1/clock", headers=headers).get_json()  # type: ignore[no-any-return]


def _post(client: FlaskClient, headers: dict[str, str], body: dict[str, Any], status: int = 200) -> Any:
    answer = client.post("/admin/v1/clock", json=body, headers=headers)
    assert answer.status_code == status, (body, answer.get_json())
    return answer.get_json()


def _clock_events(client: FlaskClient, headers: dict[str, str]) -> list[str]:
    events = client.get("/admin/v1/events", headers=headers).get_json()["events"]
    return [e["type"] for e in events if e["type"].startswith("clock.")]


@freeze_time("2026-01-01 00:00:00")
@pytest.mark.parametrize("freeze", [True, False])
def test_a_reset_from_more_than_ten_years_away_is_one_step(
    client: FlaskClient, admin_headers: dict[str, str], freeze: bool
) -> None:
    _post(client, admin_headers, {"set_at": FAR, "freeze": freeze})
    reset = _post(client, admin_headers, {"reset": True})
    assert reset == {"now": REAL, "offset_s": 0, "frozen": False}
    assert _clock(client, admin_headers) == reset
    moved_to_far = ["clock.frozen", "clock.moved"] if freeze else ["clock.moved"]
    reset_events = ["clock.thawed", "clock.moved"] if freeze else ["clock.moved"]
    assert _clock_events(client, admin_headers) == moved_to_far + reset_events


@freeze_time("2026-01-01 00:00:00")
def test_the_cli_resets_in_one_request_from_2040(
    client: FlaskClient, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sls clock --reset`` through the Flask test client standing in for the server."""
    from sls_server.cli import admin_client
    from sls_server.cli.main import cli

    sent: list[dict[str, Any]] = []

    def request(
        self: Any, method: str, path: str, body: dict[str, Any] | None = None, *_: Any, **__: Any
    ) -> Any:
        sent.append({"method": method, "path": path, "body": body})
        answer = client.open(path, method=method, json=body, headers=admin_headers)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()  # type: ignore[no-any-return]

    monkeypatch.setattr(admin_client.AdminClient, "request", request)
    _post(client, admin_headers, {"set_at": FAR, "freeze": True})
    ran = CliRunner().invoke(cli, ["clock", "--reset", "--json", "--url", "http://sls.test"])
    assert ran.exit_code == 0, ran.output
    assert sent == [{"method": "POST", "path": "/admin/v1/clock", "body": {"reset": True}}]
    assert _clock(client, admin_headers) == {"now": REAL, "offset_s": 0, "frozen": False}


@pytest.mark.parametrize(
    "body",
    [
        {"reset": True, "advance_s": 60},
        {"reset": True, "set_at": FAR},
        {"reset": True, "freeze": True},
        {"reset": True, "freeze": False},
        {"reset": False},
        {"reset": "yes"},
        {"reset": 1},
        {"reset": 1.0},
        {"reset": 0},
    ],
)
def test_reset_is_given_alone_and_true_else_nothing_changes(
    client: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any]
) -> None:
    before = _post(client, admin_headers, {"set_at": FAR, "freeze": True})
    refused = _post(client, admin_headers, body, status=400)
    assert (refused["error"], refused["field"]) == ("invalid_request", "reset"), refused
    assert _clock(client, admin_headers) == before


@pytest.mark.parametrize("number", ["1", "1.0", "1e0"])
def test_a_number_is_no_true_for_reset(
    client: FlaskClient, admin_headers: dict[str, str], number: str
) -> None:
    """The schema says boolean: ``1`` is no ``true``, as it is none for ``freeze``. pydantic's
    ``Literal[True]`` took ``1`` and ``1.0`` (its lookup is Python's ``1 == True``), even in strict mode,
    and reset the clock."""
    before = _post(client, admin_headers, {"set_at": FAR, "freeze": True})
    answer = client.post(
        "/admin/v1/clock",
        data=f'{{"reset": {number}}}',
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json() == {
        "error": "invalid_request",
        "message": "reset must be true (or left out)",
        "field": "reset",
    }
    assert _clock(client, admin_headers) == before
    assert _clock_events(client, admin_headers)[-1] != "clock.thawed"


def test_the_trainer_s_reset_leaves_the_same_trail_as_the_api_s(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    _post(client, admin_headers, {"set_at": FAR, "freeze": True})
    reset = Console(client).post("/trainer/clock", {"step": "reset"})
    assert (reset["offset_s"], reset["frozen"]) == (0, False)
    events = client.get("/admin/v1/events", headers=admin_headers).get_json()["events"]
    trail = [(e["type"], e.get("detail")) for e in events if e["type"].startswith("clock.")]
    assert trail[-2:] == [
        ("clock.thawed", {"offset_s": 0}),
        ("clock.moved", {"offset_s": 0, "frozen": False}),
    ]


def test_a_running_clock_stands_at_the_end_of_the_range_and_can_be_moved_back(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    with freeze_time("2026-01-01 00:00:00") as real:
        _post(client, admin_headers, {"set_at": CLOCK_MAX - 1})
        real.tick(3600)  # an hour of real time: the clock would read 2100-01-01T00:59:59Z
        assert _clock(client, admin_headers)["now"] == CLOCK_MAX
        assert _post(client, admin_headers, {"advance_s": 0})["now"] == CLOCK_MAX
        back = _post(client, admin_headers, {"advance_s": -60})
        assert back["now"] == CLOCK_MAX - 60
        refused = _post(client, admin_headers, {"advance_s": 61}, status=400)
        assert refused["field"] == "advance_s"
        real.tick(3600)
        frozen = _post(client, admin_headers, {"freeze": True})
        assert (frozen["now"], frozen["frozen"]) == (CLOCK_MAX, True)  # where every reader saw it stand
        assert _post(client, admin_headers, {"reset": True})["now"] == REAL + 7200


def test_the_document_offers_reset_alone(client: FlaskClient) -> None:
    alternatives = client.get("/openapi.json").get_json()["components"]["schemas"]["ClockMove"]["oneOf"]
    alone = next(a for a in alternatives if a["required"] == ["reset"])
    others = {name: schema for name, schema in alone["properties"].items() if name != "reset"}
    # The others only null, which the server reads as absent (tests/api/test_clock_document.py)
    assert all(schema == {"type": "null"} for schema in others.values()), others
    assert "reset" in alone["properties"] and alone["additionalProperties"] is False


def test_an_unknown_field_is_named_not_advance_s(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    refused = client.post("/admin/v1/clock", json={"offset_s": 5}, headers=admin_headers)
    assert refused.status_code == 400 and refused.get_json()["field"] == "offset_s", refused.get_json()


@pytest.mark.parametrize("step", [[], {}, ["day"], 1, None, "century"])
def test_the_trainer_s_clock_names_a_bad_step_and_moves_nothing(
    client: FlaskClient, admin_headers: dict[str, str], step: Any
) -> None:
    """A list or an object was looked up as a key and answered 500; every bad step is a 400 naming it."""
    before = _clock(client, admin_headers)
    refused = Console(client).post("/trainer/clock", {"step": step}, status=400)
    assert (refused["error"], refused["field"]) == ("invalid_request", "step"), refused
    assert _clock(client, admin_headers) == before

"""The trainer console's daily-reset control in gateway mode (``http/gateway/trainer.py``): set and turned off
as ``PUT /admin/v1/gateway/daily-reset`` sets it (its shape, its refusals by field), shown on the console's
gateway card, behind the page's CSRF token and the trainer's sign-in (outside gateway mode it is absent:
``test_trainer_sessions_events.py``)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from page_forms import Console, csrf

from sls_server import create_app

ROUTE = "/trainer/gateway/daily-reset"


@pytest.fixture
def gw(app_config: dict[str, Any]) -> FlaskClient:
    gateway_app: Flask = create_app({**app_config, "GATEWAY": True})
    return gateway_app.test_client()


def gateway_state(gw: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = gw.get("/admin/v1/gateway", headers=headers)
    assert answer.status_code == 200
    return answer.get_json()  # type: ignore[no-any-return]


def test_the_daily_reset_is_set_and_turned_off_as_the_admin_api_then_reports(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    console = Console(gw)
    assert 'data-testid="gateway-daily-reset-current">none<' in gw.get("/trainer").get_data(as_text=True)
    set_ = console.post(ROUTE, {"at": "23:45"})
    assert set_ == gateway_state(gw, admin_headers) and set_["daily_reset"] == "23:45"
    html = gw.get("/trainer").get_data(as_text=True)
    assert 'data-testid="gateway-daily-reset-current">23:45 UTC<' in html
    assert 'value="23:45"' in html  # the field shows the time set
    assert console.post(ROUTE, {"at": None})["daily_reset"] is None
    assert gateway_state(gw, admin_headers)["daily_reset"] is None
    events = gw.get("/admin/v1/events?type=gateway.daily_reset_set", headers=admin_headers).get_json()
    assert [e["detail"] for e in events["events"]] == [{"at": "23:45"}, {"at": None}]


def test_a_time_written_h_mm_is_taken_as_the_setting_takes_it(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """SLS_GATEWAY_DAILY_RESET=7:05 was read as 07:05, while the API and the console refused 7:05."""
    put = gw.put("/admin/v1/gateway/daily-reset", json={"at": "7:05"}, headers=admin_headers)
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["daily_reset"] == "07:05"
    assert Console(gw).post(ROUTE, {"at": "9:30"})["daily_reset"] == "09:30"
    assert gateway_state(gw, admin_headers)["daily_reset"] == "09:30"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"at": "25:00"}, "at must be HH:MM (UTC), 00:00 to 23:59"),
        ({"at": "7:60"}, "at must be HH:MM (UTC), 00:00 to 23:59"),
        ({"at": "off"}, "at must be HH:MM (UTC), 00:00 to 23:59"),  # JSON says null
        ({"at": ""}, "at is required: HH:MM (UTC), or Turn off for no daily reset"),
        ({"at": 730}, "at must be a string"),
        ({}, "at is required"),
    ],
)
def test_a_bad_time_is_refused_naming_the_field_and_the_reset_stays(
    gw: FlaskClient, admin_headers: dict[str, str], body: dict[str, Any], message: str
) -> None:
    console = Console(gw)
    console.post(ROUTE, {"at": "06:00"})
    before = gateway_state(gw, admin_headers)
    refused = console.post(ROUTE, body, status=400)
    assert (refused["error"], refused["field"], refused["message"]) == ("invalid_request", "at", message)
    assert gateway_state(gw, admin_headers) == before
    if body.get("at") != "":  # a blank field is the console's own refusal; the rest are the admin route's
        twin = gw.put("/admin/v1/gateway/daily-reset", json=body, headers=admin_headers)
        assert twin.status_code == 400 and twin.get_json() == refused


def test_without_the_page_s_csrf_token_or_the_sign_in_it_is_refused_and_changes_nothing(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    browser_token = csrf(gw.get("/trainer").get_data(as_text=True))
    unsigned = gw.post(ROUTE, json={"at": "23:45"}, headers={"X-CSRF-Token": browser_token})
    assert unsigned.status_code == 401 and unsigned.get_json()["error"] == "trainer_sign_in_required"
    Console(gw)
    for headers in ({}, {"X-CSRF-Token": "not-the-token"}):
        refused = gw.post(ROUTE, json={"at": "23:45"}, headers=headers)
        assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_token_invalid"
    assert gateway_state(gw, admin_headers)["daily_reset"] is None


def test_the_card_carries_the_gateway_s_state_as_the_page_loads(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The card said nothing of the gateway's state until a button was used: it now carries
    ``/admin/v1/gateway``'s document (its script says it in words), and the words for how a session ended."""
    Console(gw)  # signed in: the console shows its cards
    gw.post("/admin/v1/gateway/expire", headers=admin_headers)  # nothing to expire: no session, no ending
    page = gw.get("/trainer").get_data(as_text=True)
    line = re.search(r'data-testid="gateway-state" data-state=\'([^\']*)\' data-endings=\'([^\']*)\'', page)
    assert line is not None, "the card's state line"
    assert json.loads(html.unescape(line.group(1))) == gateway_state(gw, admin_headers)
    assert json.loads(html.unescape(line.group(2)))["idle"] == "idle timeout"


def test_the_card_reads_the_gateway_s_state_again_as_the_admin_api_shows_it(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """``GET /trainer/gateway``, which the card reads when a lease it counts down runs out: the admin's
    document (no lease here to run between the two reads: the test client is no ``sls gateway``), for a
    signed-in console only."""
    assert gw.get("/trainer/gateway").status_code == 401  # not signed in: no state to read
    Console(gw)
    answer = gw.get("/trainer/gateway")
    assert answer.status_code == 200
    assert answer.get_json() == gateway_state(gw, admin_headers)

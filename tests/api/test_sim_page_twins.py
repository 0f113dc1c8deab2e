"""The phone page's own JSON routes answer as their ``/sim/v1`` twins: the network conditions held to the
twin's shape (``PhoneConditionsUpdate``), an unknown call told with the twin's code, and every refusal built
by the one error handler (``http.errors.answer_error``), its headers too.

Before, the page checked the conditions by hand (``"carrier_blocks_sms": "yes"`` was stored as false with a
200, a negative ``roaming_loses_every`` was stored), looked calls up without the twin's id check and said
``not_found`` "No such call.", and built its error bodies itself, without ``Retry-After``."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from json_error_kit import told_to_wait
from page_forms import script_token

from sls_server.app import create_app

NUMBER = "+15551230002"
PASSWORD = "correct-Horse-battery-9"


@pytest.fixture
def rita(client: FlaskClient, admin_headers: dict[str, str]) -> str:
    made = client.post(
        "/admin/v1/users",
        json={"username": "rita", "password": PASSWORD, "phone": NUMBER},
        headers=admin_headers,
    )
    assert made.status_code == 201, made.get_json()
    return script_token(client, "/sim/phone/rita")


def _conditions(client: FlaskClient) -> dict[str, Any]:
    return client.get(f"/sim/v1/phones/{NUMBER}/conditions").get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("carrier_blocks_sms", "yes"),
        ("roaming", 1),
        ("needs_restart", "true"),
        ("approves_pushes", "yes"),
        ("delivery_delay_s", "900"),
        ("delivery_delay_s", 3601),
        ("roaming_loses_every", -3),
        ("sim_swapped_to", "not a handset!"),
        ("sim_swapped", "yes"),
        ("offline", True),
    ],
)
def test_the_page_refuses_what_the_twin_refuses_naming_the_field_and_changes_nothing(
    client: FlaskClient, rita: str, field: str, value: Any
) -> None:
    before = _conditions(client)
    body = {"roaming": True, field: value}
    page = client.post("/sim/phone/rita/conditions", json=body, headers={"X-CSRF-Token": rita})
    assert page.status_code == 400, page.get_json()
    assert (page.get_json()["error"], page.get_json()["field"]) == ("invalid_request", field)
    if field != "sim_swapped":  # the page's own checkbox; the twin takes sim_swapped_to
        twin = client.put(f"/sim/v1/phones/{NUMBER}/conditions", json=body)
        assert (twin.status_code, twin.get_json()["field"]) == (400, field)
    assert _conditions(client) == before


def test_the_page_sets_what_the_twin_would(client: FlaskClient, rita: str) -> None:
    body = {
        "carrier_blocks_sms": True,
        "roaming": True,
        "roaming_loses_every": 2,
        "sim_swapped": True,
        "approves_pushes": True,
    }
    page = client.post("/sim/phone/rita/conditions", json=body, headers={"X-CSRF-Token": rita})
    assert page.status_code == 200, page.get_json()
    assert _conditions(client) == {
        "number": NUMBER,
        "carrier_blocks_sms": True,
        "roaming": True,
        "delivery_delay_s": 0,
        "sim_swapped_to": "attacker",
        "needs_restart": False,
        "roaming_loses_every": 2,
        "approves_pushes": True,
    }
    given_back = client.post(
        "/sim/phone/rita/conditions", json={"sim_swapped": False}, headers={"X-CSRF-Token": rita}
    )
    assert given_back.status_code == 200 and _conditions(client)["sim_swapped_to"] is None


def test_the_page_names_whose_phone_it_changed_in_the_trail(
    client: FlaskClient, admin_headers: dict[str, str], rita: str
) -> None:
    """The page is one user's phone: its changes are hers in the trail, so the feed reads "rita's SIM moved
    to the attacker's handset", as a staged SIM swap's line does, not "The SIM of +1•••••••0002", and a
    search of the trail for rita finds them. Before, the page recorded them with no user."""
    for swapped in (True, False):
        body = {"sim_swapped": swapped}
        changed = client.post("/sim/phone/rita/conditions", json=body, headers={"X-CSRF-Token": rita})
        assert changed.status_code == 200, changed.get_json()
    query = {"user": "rita", "type": "phone.conditions_changed"}
    hers = client.get("/admin/v1/events", query_string=query, headers=admin_headers).get_json()["events"]
    assert [e["detail"]["sim_swapped"] for e in hers] == [True, False]


def test_the_page_shows_the_conditions_its_twin_answers(client: FlaskClient, rita: str) -> None:
    """Both read the model's fields (``asdict``): the page's state is the twin's answer but for the number."""
    body = {"roaming": True, "delivery_delay_s": 30, "roaming_loses_every": 3}
    assert client.put(f"/sim/v1/phones/{NUMBER}/conditions", json=body).status_code == 200
    shown = client.get("/sim/phone/rita/state")
    assert shown.status_code == 200, shown.get_json()
    assert {"number": NUMBER, **shown.get_json()["conditions"]} == _conditions(client)
    assert _conditions(client)["roaming_loses_every"] == 3


def test_an_unknown_call_is_told_with_the_twin_s_code(client: FlaskClient, rita: str) -> None:
    for call_id in ("c0ffee", "NOT-A-CALL-ID"):
        twin = client.get(f"/sim/v1/phones/{NUMBER}/calls/{call_id}/audio")
        page = client.get(f"/sim/phone/{NUMBER}/calls/{call_id}/audio")
        assert (twin.status_code, twin.get_json()["error"]) == (404, "unknown_call"), twin.get_json()
        assert (page.status_code, page.get_json()["error"]) == (404, "unknown_call"), page.get_json()
    twin = client.get("/sim/v1/phones/15551230002/calls/c0ffee/audio")
    page = client.get("/sim/phone/15551230002/calls/c0ffee/audio")
    assert (
        (page.status_code, page.get_json()["field"])
        == (twin.status_code, twin.get_json()["field"])
        == (400, "number")
    )


def test_a_page_action_answering_429_says_how_long_in_retry_after(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    """The address throttle on the phone page's *Migrate IB Key* (wrong passwords): the body's
    ``retry_after`` is RFC 9110's header too, as in ``/sim/v1``'s answer."""
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 2}).test_client()
    body = {"username": "rita", "password": PASSWORD, "phone": NUMBER}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    token = script_token(client, "/sim/phone/rita")
    wrong = {"platform": "ios", "password": "not-her-password-at-all"}
    answers = [
        client.post("/sim/phone/rita/ibkey/migrate", json=wrong, headers={"X-CSRF-Token": token})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [401, 401, 429], [a.get_json() for a in answers]
    told_to_wait(answers[-1], 300)  # SLS_IP_THROTTLE_WINDOW's default


def test_switched_off_the_pages_scripts_are_told_the_twin_s_code(app_config: dict[str, Any]) -> None:
    """The pages said ``sim_disabled``, a code of their own, where ``/sim/v1`` says ``simulator_disabled``."""
    client = create_app({**app_config, "SIM_ENABLED": False}).test_client()
    twin = client.get(f"/sim/v1/phones/{NUMBER}/conditions")
    for page in (client.get("/sim/phone/rita/state"), client.get(f"/sim/phone/{NUMBER}/calls/c0ffee/audio")):
        assert (page.status_code, page.get_json()["error"]) == (403, "simulator_disabled"), page.get_json()
        assert (page.status_code, page.get_json()["error"]) == (twin.status_code, twin.get_json()["error"])

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
from page_forms import script_token

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
    body = {"carrier_blocks_sms": True, "roaming": True, "roaming_loses_every": 2, "sim_swapped": True}
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
    }
    given_back = client.post(
        "/sim/phone/rita/conditions", json={"sim_swapped": False}, headers={"X-CSRF-Token": rita}
    )
    assert given_back.status_code == 200 and _conditions(client)["sim_swapped_to"] is None

"""``/sim/v1`` refuses a state change a page of another site makes the trainer's browser send.

Without ``SLS_SIM_TOKEN`` the simulated world is open to any client on the network (possession is the test),
and it read no cookie, so the cross-site rule for cookies (``http.crosssite``) passed it by. A page on
another origin cannot send it JSON without a CORS preflight this server never approves, but a plain HTML
form posts a body-less request by itself: ``<form method=post action=".../phones/N/restart">`` restarted
the trainer's phone from any site, and a route added later without a body would be open the same way. A
request a browser marks as another site's (``Sec-Fetch-Site``, else ``Origin``) is now 403
``cross_site_request`` before the view runs; the simulator pages (their own routes, same origin), the
``sls`` CLI and scripts (no browser header) pass as before.
"""

from __future__ import annotations

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient

PHONE = "+15555550123"
#: What Chromium sends with a form a page on https://evil.example posts here.
FORM_FROM_EVIL = {
    "Origin": "https://evil.example",
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "navigate",
    "Content-Type": "application/x-www-form-urlencoded",
}
CROSS_SITE = [
    FORM_FROM_EVIL,
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "same-site"},
]


def _needs_restart(client: FlaskClient) -> bool:
    return bool(client.get(f"/sim/v1/phones/{PHONE}/conditions").get_json()["needs_restart"])


@pytest.mark.parametrize("headers", CROSS_SITE, ids=[str(h) for h in CROSS_SITE])
def test_another_sites_form_cannot_restart_the_phone(client: FlaskClient, headers: dict[str, str]) -> None:
    client.put(f"/sim/v1/phones/{PHONE}/conditions", json={"needs_restart": True})
    refused = client.post(f"/sim/v1/phones/{PHONE}/restart", headers=headers)
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"] == "cross_site_request"
    assert _needs_restart(client)  # nothing changed


def test_another_sites_page_cannot_press_the_card_or_answer_a_push(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    """Even a browser that let a JSON body through (or a route that read a form) is stopped at the door."""
    pressed = client.post(
        f"/sim/v1/dscplus/{alice.device_id}/respond",
        json={"pin": alice.pin, "challenge": "123456"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert pressed.status_code == 403 and pressed.get_json()["error"] == "cross_site_request"
    answered = client.post(
        "/sim/v1/ibkey/ibkey-000000000000/notifications/n-1/approve",
        json={"match": "12", "pin": "12ab"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert answered.status_code == 403 and answered.get_json()["error"] == "cross_site_request"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {"Origin": "http://localhost"}],
)
def test_the_cli_scripts_and_same_origin_pages_still_play(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    client.put(f"/sim/v1/phones/{PHONE}/conditions", json={"needs_restart": True}, headers=headers)
    assert _needs_restart(client)
    restarted = client.post(f"/sim/v1/phones/{PHONE}/restart", headers=headers)
    assert restarted.status_code == 200, restarted.get_json()
    assert not _needs_restart(client)
    # reading is no state change: another site's GET is answered (the browser keeps the answer from it)
    assert (
        client.get(f"/sim/v1/phones/{PHONE}/messages", headers={"Sec-Fetch-Site": "cross-site"}).status_code
        == 200
    )

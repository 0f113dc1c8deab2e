"""Post/Redirect/Get on the trainer console's and the simulators' sign-in forms (``pages.outcome``): a wrong
token answers 303 to the page the form was on, whose GET says so once, from a sealed cookie. The simulators'
form answered its POST with the rendered refusal (a reload sent the token again); the console's redirected to
``/trainer?failed=1``, which said "wrong token" again on every reload of that address."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from flask import Flask
from flask.testing import FlaskClient
from page_forms import csrf

from sls_server import create_app

SIM_TOKEN = "trainer-sim-token-0123456789"
WRONG = "Not-The-Token-Marker-5519"


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "SIM_TOKEN": SIM_TOKEN})


def _shown(answer: Any, testid: str) -> bool:
    return f'data-testid="{testid}"' in answer.get_data(as_text=True)


def _sign_in_failures(client: FlaskClient, admin_headers: dict[str, str], door: str) -> int:
    path = f"/admin/v1/events?type={door}.sign_in_failed&limit=100"
    return len(client.get(path, headers=admin_headers).get_json()["events"])


def test_a_wrong_admin_token_redirects_and_is_said_once(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    token = csrf(client.get("/trainer").get_data(as_text=True))
    posted = client.post("/trainer/sign-in", data={"token": WRONG, "csrf_token": token})
    assert posted.status_code == 303 and posted.headers["Location"] == "/trainer"  # nothing in the address
    assert WRONG not in " ".join(posted.headers.getlist("Set-Cookie"))
    assert _sign_in_failures(client, admin_headers, "trainer") == 1

    shown = client.get("/trainer")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 401 and _shown(shown, "trainer-error") and "admin token" in html
    assert 'aria-invalid="true"' in html and WRONG not in html
    for _ in range(2):  # reloads: the form as it stands, nothing refused again, nothing re-sent
        again = client.get("/trainer")
        assert again.status_code == 200 and _shown(again, "trainer-token")
        assert not _shown(again, "trainer-error")
    assert _sign_in_failures(client, admin_headers, "trainer") == 1

    signed = client.post("/trainer/sign-in", data={"token": ADMIN_TOKEN, "csrf_token": token})
    assert signed.status_code == 303 and signed.headers["Location"] == "/trainer"
    assert _shown(client.get("/trainer"), "trainer-sign-out")


def test_a_wrong_sim_token_redirects_to_the_page_it_was_typed_on_and_is_said_once(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    door = client.get("/sim/phone/alice")
    assert door.status_code == 401 and _shown(door, "sim-token") and not _shown(door, "sim-token-error")
    form = {"token": WRONG, "next": "/sim/phone/alice", "csrf_token": csrf(door.get_data(as_text=True))}
    posted = client.post("/sim/unlock", data=form)
    assert posted.status_code == 303 and posted.headers["Location"] == "/sim/phone/alice"
    assert WRONG not in " ".join(posted.headers.getlist("Set-Cookie"))
    assert _sign_in_failures(client, admin_headers, "sim") == 1

    shown = client.get("/sim/phone/alice")
    html = shown.get_data(as_text=True)
    assert shown.status_code == 401 and _shown(shown, "sim-token-error") and "sim token" in html
    assert 'value="/sim/phone/alice"' in html and WRONG not in html
    again = client.get("/sim/phone/alice")
    assert again.status_code == 401 and _shown(again, "sim-token") and not _shown(again, "sim-token-error")
    assert not _shown(client.get("/sim"), "sim-token-error"), "said on the page it was typed on alone"
    assert _sign_in_failures(client, admin_headers, "sim") == 1

    signed = client.post("/sim/unlock", data={**form, "token": SIM_TOKEN})
    assert signed.status_code == 303 and signed.headers["Location"] == "/sim/phone/alice"
    assert client.get("/sim").status_code == 200


def test_a_sim_token_refusal_goes_back_only_to_a_simulator_page(client: FlaskClient) -> None:
    token = csrf(client.get("/sim").get_data(as_text=True))
    for elsewhere in ("https://evil.example/sim", "//evil.example/sim", "/trainer"):
        posted = client.post("/sim/unlock", data={"token": WRONG, "next": elsewhere, "csrf_token": token})
        assert posted.status_code == 303 and posted.headers["Location"] == "/sim", elsewhere
        assert _shown(client.get("/sim"), "sim-token-error"), elsewhere


@pytest.mark.parametrize("token", [WRONG, SIM_TOKEN])
@pytest.mark.parametrize(
    "next_page",
    ["/sim\r\nSet-Cookie: planted=1", "/sim/phone/alice\nX: 1", "/sim/../trainer", "/sim/./phone"],
)
def test_a_next_page_with_a_line_break_or_a_dot_segment_goes_back_to_sim(
    client: FlaskClient, token: str, next_page: str
) -> None:
    """An attack review's ``next=/sim%0d%0a...`` made werkzeug refuse the ``Location`` header: a 500 and an
    error's traceback in the log, for any client that asked, signed in or not; ``/sim/../trainer`` sent the
    browser to the console. Both go to ``/sim`` as any other page that is not a simulator's."""
    form = {"token": token, "next": next_page, "csrf_token": csrf(client.get("/sim").get_data(as_text=True))}
    posted = client.post("/sim/unlock", data=form)
    assert posted.status_code == 303 and posted.headers["Location"] == "/sim", posted.get_data(as_text=True)
    assert "planted" not in " ".join(posted.headers.getlist("Set-Cookie"))

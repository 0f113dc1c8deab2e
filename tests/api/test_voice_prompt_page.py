"""The voice callback's prompt in the broker's words ("How to use Voice callback for receiving login
authentication codes"): "you should receive the callback within a minute. Please wait for the callback and be
ready to write down the code that will be provided over the callback". The page said only that a call would
come, not when, nor to have a pen ready."""

from __future__ import annotations

from flask.testing import FlaskClient
from page_forms import csrf

PASSWORD = "Correct-Horse-5-Battery"


def _voice_step(client: FlaskClient, admin_headers: dict[str, str], kind: str) -> str:
    created = client.post(
        "/admin/v1/users",
        json={"username": "vera", "password": PASSWORD, "phone": "+15555550177", "sms": False},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.get_json()
    enrolled = client.post("/admin/v1/users/vera/devices", json={"type": kind}, headers=admin_headers)
    assert enrolled.status_code == 201, enrolled.get_json()
    token = csrf(client.get("/").get_data(as_text=True))
    started = client.post("/login", data={"username": "vera", "password": PASSWORD, "csrf_token": token})
    assert started.status_code == 303
    step = started.headers["Location"]
    if kind == "sms":  # "Didn't receive a security code?" → Voice
        page = client.get(step).get_data(as_text=True)
        resend = client.post(f"{step}/resend", data={"channel": "voice", "csrf_token": csrf(page)})
        assert resend.status_code == 303, resend.get_data(as_text=True)
        step = resend.headers["Location"]
    return " ".join(client.get(step).get_data(as_text=True).split())


def test_a_voice_only_login_says_the_call_comes_within_a_minute(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    page = _voice_step(client, admin_headers, "voice")
    assert "within a minute" in page
    assert "be ready to write down the security code" in page


def test_voice_chosen_after_a_missing_text_says_the_same(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    page = _voice_step(client, admin_headers, "sms")
    assert page.count("within a minute") == 1  # said once, by the prompt, not again by the notice above it
    assert "be ready to write down the security code" in page

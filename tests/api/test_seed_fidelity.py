"""What the broker's own procedures say a user sees and can do, checked on the pages and the API: the two
options of "Didn't receive a security code?" (Voice callback procedure), the Select Second Factor Device
list (M2FS), and the Challenge/Response method of "How to verify your identity using your Secure Login
Device"."""

from __future__ import annotations

import re
from typing import Any

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from page_forms import csrf

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-4-Battery"


def _user(client: FlaskClient, name: str, phone: str) -> None:
    body = {"username": name, "password": PASSWORD, "phone": phone}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201


def _enrol(client: FlaskClient, name: str, **body: Any) -> dict[str, Any]:
    answer = client.post(f"/admin/v1/users/{name}/devices", json=body, headers=ADMIN)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def _page_login(client: FlaskClient, name: str) -> tuple[str, str]:
    """A login started on the login page: the step's path and its HTML."""
    token = csrf(client.get("/").get_data(as_text=True))
    started = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert started.status_code == 303
    path = started.headers["Location"]
    return path, client.get(path).get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_voice_only_phone_is_offered_a_new_call_not_a_text(client: FlaskClient) -> None:
    """The broker's "Didn't receive a security code?" has two options, SMS and Voice, for a phone enrolled
    for SMS; a phone enrolled for voice callbacks only takes no texts, so the page must not offer one (it
    used to, and choosing it showed the service's internal sentence)."""
    _user(client, "vic", "+15555550181")
    _enrol(client, "vic", type="voice")
    path, html = _page_login(client, "vic")
    assert 'data-testid="resend-voice"' in html
    assert 'data-testid="resend-sms"' not in html
    refused = client.post(f"{path}/resend", data={"channel": "sms", "csrf_token": csrf(html)})
    assert refused.status_code == 400
    said = _text(refused.get_data(as_text=True))
    assert "Choose Voice." in said and "no usable authenticator" not in said
    called = client.post(f"{path}/resend", data={"channel": "voice", "csrf_token": csrf(html)})
    assert called.status_code == 303
    calls = client.get("/sim/v1/phones/+15555550181/calls").get_json()["calls"]
    assert len(calls) == 2  # the first call, and the one asked for

    _user(client, "sam", "+15555550182")
    _enrol(client, "sam", type="sms")
    _, html = _page_login(client, "sam")
    assert 'data-testid="resend-sms"' in html and 'data-testid="resend-voice"' in html


def test_the_device_list_names_each_phone_once(client: FlaskClient) -> None:
    """M2FS, "Select Second Factor Device": each entry reads "SMS +1•••0183", not "SMS SMS +1•••0183"."""
    _user(client, "mia", "+15555550183")
    _enrol(client, "mia", type="dscplus", pin="2468")
    _enrol(client, "mia", type="sms")
    _, html = _page_login(client, "mia")
    said = _text(html)
    assert "SMS +1" in said and "Voice callback +1" in said
    assert not re.search(r"SMS\s+SMS", said) and not re.search(r"Voice callback\s+Voice callback", said)

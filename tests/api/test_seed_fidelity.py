"""What the broker's own procedures say a user sees and can do, checked on the pages and the API: the two
options of "Didn't receive a security code?" (Voice callback procedure), the Select Second Factor Device
list (M2FS), and the Challenge/Response method of "How to verify your identity using your Secure Login
Device"."""

from __future__ import annotations

import re
from typing import Any

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World, push_login
from page_forms import confirm_identity, csrf, last_task

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-4-Battery"


def _user(client: FlaskClient, name: str, phone: str) -> None:
    body = {"username": name, "password": PASSWORD, "phone": phone, "sms": False}
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
    form = {"channel": "sms", "csrf_token": csrf(html)}
    refused = client.post(f"{path}/resend", data=form, follow_redirects=True)
    assert refused.status_code == 400 and refused.request.path == path
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


# --- IB Key's Challenge/Response, asked for while the phone does get notifications -------------------------


def _logged_in_by_push(world: World, name: str, app: str) -> dict[str, str]:
    started, note = push_login(world, name, app)
    assert world.approve(app, note, started["factor"]["match"], pin="12ab").status_code == 200
    return {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}


def test_a_login_asks_ib_key_for_challenge_response_instead_of_the_push(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """ "IB Key Use Without Notifications": a user whose phone does not get the notification can still log in
    with the Challenge/Response method. The login page had a link for it; the API a client calls had no way
    to ask, though its answer declares `reason: requested`."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    started, _ = push_login(world, "alice", app)
    url = f"/api/v1/auth/login/{started['txn_id']}/factor"
    wrong = client.post(url, json={"type": "sms", "mode": "challenge"})
    assert wrong.status_code == 400 and wrong.get_json()["field"] == "mode"
    switched = client.post(url, json={"type": "ibkey", "mode": "challenge"})
    assert switched.status_code == 200, switched.get_json()
    factor = switched.get_json()["factor"]
    assert factor["mode"] == "challenge" and factor["reason"] == "requested"
    response = world.respond(app, factor["challenge"], pin="12ab").get_json()["response"]
    assert world.verify(started["txn_id"], response).status_code == 200


def test_verify_your_identity_with_the_challenge_code_over_the_api(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """ "How to verify your identity using your Secure Login Device": a Challenge Code is displayed with a
    passcode field; the user types it into IB Key. It used to take a roaming phone to get one."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    auth = _logged_in_by_push(world, "alice", app)
    start = {"purpose": "withdrawal", "type": "ibkey", "mode": "challenge"}
    step = client.post("/api/v1/verify", json=start, headers=auth)
    assert step.status_code == 200, step.get_json()
    factor = step.get_json()["factor"]
    assert factor["mode"] == "challenge" and len(factor["challenge"]) == 6
    assert not world.notifications(app)  # no push was sent
    response = world.respond(app, factor["challenge"], pin="12ab").get_json()["response"]
    done = client.post(
        "/api/v1/verify", json={"txn_id": step.get_json()["txn_id"], "response": response}, headers=auth
    )
    assert done.status_code == 200 and done.get_json()["state"] == "verified", done.get_json()
    refused = client.post("/api/v1/verify", json={"purpose": "withdrawal", "mode": "challenge"}, headers=auth)
    assert refused.status_code == 400 and refused.get_json()["field"] == "mode"


def test_verify_your_identity_page_offers_challenge_response_instead_of_the_push(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The account page's "verify your identity" for an IB Key user: the push, and (as on the login page)
    "Use Challenge/Response instead", which shows the Challenge Code and a passcode field."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    _logged_in_by_push(world, "alice", app)  # the poll also set the session cookie the pages use
    token = csrf(client.get("/account").get_data(as_text=True))
    asked = client.post("/account/withdrawal", data={"amount": "100", "currency": "USD", "csrf_token": token})
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/account/verify?task=")
    confirm_identity(client, "alice", IBKEY_PASSWORD, token)
    pushed = client.get(last_task(client)).get_data(as_text=True)
    assert 'data-testid="push-match"' in pushed and 'data-testid="push-use-challenge"' in pushed
    switched = client.post(last_task(client).replace("?", "/challenge?"), data={"csrf_token": csrf(pushed)})
    assert switched.status_code == 303 and switched.headers["Location"].startswith("/account/verify?task=")
    typed = client.get(last_task(client)).get_data(as_text=True)
    found = re.search(r'data-testid="step-challenge">(\d{6})<', typed)
    assert found and 'data-testid="step-response"' in typed
    response = world.respond(app, found.group(1), pin="12ab").get_json()["response"]
    done = client.post(last_task(client), data={"response": response, "csrf_token": csrf(typed)})
    assert done.status_code == 303 and done.headers["Location"].startswith("/account?done=withdrawal")

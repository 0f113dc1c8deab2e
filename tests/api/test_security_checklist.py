"""Items of the security checklist (OWASP ASVS 5.0, NIST SP 800-63B-4) that the product met but no test held:
each test here names its item and fails if the behaviour stops."""

from __future__ import annotations

import hmac
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from conftest import EnrolledUser, move_clock, trail
from flask.testing import FlaskClient
from page_forms import start_page_login
from phone_world import Phone, sam_phone  # noqa: F401 - sam_phone: "sam"


def test_a_password_never_expires(alice: EnrolledUser, admin_headers: dict[str, str]) -> None:
    """ASVS 5.0 6.2.10, NIST 800-63B-4 §3.1.1.2: no periodic rotation. 400 days on, the password still logs in
    (both factors), with no "expired" step or event on the way."""
    move_clock(alice.client, admin_headers, 400 * 86400)
    started = alice.start_login()
    assert started["state"] == "second_factor" and started["factor"]["type"] == "dscplus"
    done = alice.verify(started["txn_id"], alice.card_response(started["factor"]["challenge"]))
    assert done.status_code == 200 and done.get_json()["state"] == "authenticated", done.get_json()
    assert not [e for e in trail(alice.client, admin_headers, limit=1000) if "expire" in e["type"]]


class _Inputs(HTMLParser):
    """Every <input> of a page, as attribute dicts, and whether any tag carries a paste or copy handler."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input":
            self.inputs.append(found)
        self.handlers += [name for name in found if name in ("onpaste", "oncopy", "oncut", "ondrop")]


@pytest.mark.parametrize("page", ["/", "/sim/phone/alice"])
def test_password_fields_let_a_password_manager_fill_them_and_paste_work(
    alice: EnrolledUser, page: str
) -> None:
    """ASVS 5.0 6.2.7: the account password may be pasted and filled by a password manager. Every field that
    takes it asks for `current-password` or `new-password` (never `autocomplete="off"`), and no element
    blocks paste. The login page, and the phone's IB Key app (Add User, Migrate)."""
    answer = alice.client.get(page)
    assert answer.status_code == 200
    parsed = _Inputs()
    parsed.feed(answer.get_data(as_text=True))
    fields = [i for i in parsed.inputs if i.get("name") == "password"]
    assert fields, f"{page} has a password field"
    for field in fields:
        assert field.get("autocomplete") in ("current-password", "new-password"), field
    assert parsed.handlers == []


def test_the_account_page_s_new_password_fields_let_a_password_manager_fill_them(alice: EnrolledUser) -> None:
    """ASVS 5.0 6.2.7 on the account page's *Password* card, shown once the user verified for it: the current
    password as `current-password`, the new one (twice) as `new-password`, the username beside them for the
    manager to file it under, and nothing that blocks paste."""
    alice.step_up()  # the API's login and step-up set the session cookie the pages read
    parsed = _Inputs()
    parsed.feed(alice.client.get("/account").get_data(as_text=True))
    asked = {i.get("name"): (i.get("type"), i.get("autocomplete")) for i in parsed.inputs}
    assert asked["current_password"] == ("password", "current-password")
    assert asked["new_password"] == asked["confirm_password"] == ("password", "new-password")
    assert asked["username"] == ("text", "username")
    assert parsed.handlers == []


def test_no_password_hint_or_knowledge_question_and_never_email(client: FlaskClient) -> None:
    """ASVS 5.0 6.4.2: no password hints or knowledge-based questions; NIST 800-63B-4 §3.1.3.1 (and ASVS
    6.3.6): email is never an out-of-band factor. Read from the published contract, which every request and
    answer follows (tests/api/test_openapi.py)."""
    document = client.get("/openapi.json").get_json()
    names: set[str] = set()
    factor_lists: list[list[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                names.update(properties)
            if "dscplus" in node.get("enum", []):
                factor_lists.append(node["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert "password" in names and "phone" in names  # the walk reaches the bodies
    knowledge = re.compile(r"hint|question|secret_answer|security_answer|mother|maiden|kba", re.IGNORECASE)
    assert sorted(n for n in names if knowledge.search(n)) == []
    assert factor_lists, "the factor types are published"
    for factor_types in factor_lists:
        assert "sms" in factor_types and not [t for t in factor_types if "mail" in t.lower()], factor_types


def test_ten_wrong_sms_codes_in_a_row_disable_the_sms_factor(sam: Phone) -> None:
    """ASVS 5.0 6.6.3, NIST 800-63B-4 §3.1.3.2: a 6-digit code is guessable, so wrong codes are limited
    across logins, not only within one (3 per login): the 10th wrong code in a row (SLS_DEVICE_FAILURE_LIMIT)
    disables the SMS device, and a new login is refused `device_locked` rather than texted another code."""
    statuses: list[int] = []
    while len(statuses) < 10:
        started = sam.login()
        right = sam.code()
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        for _ in range(min(3, 10 - len(statuses))):
            statuses.append(sam.verify(started["txn_id"], wrong).status_code)
    assert statuses == [401] * 9 + [423]
    sent = len(sam.texts())
    refused = sam.client.post(
        "/api/v1/auth/login", json={"username": "sam", "password": "Velvet-Harbor-Sms-58"}
    )
    assert refused.status_code == 423 and refused.get_json()["error"] == "device_locked"
    assert len(sam.texts()) == sent, "a disabled SMS factor sends nothing"
    device = sam.client.get("/admin/v1/users/sam/devices", headers=sam.headers).get_json()["devices"][0]
    assert device["factor_locked"] is True


def test_every_authentication_attempt_is_an_event_with_who_what_where_and_when(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """ASVS 5.0 16.3.1 (with 16.2.1): each attempt, password or second factor, failed or not, is an audit
    event naming the user, the factor (for the second), the result, the address and the instant."""
    now = alice.client.get("/admin/v1/clock", headers=admin_headers).get_json()["now"]
    ip = {"REMOTE_ADDR": "198.51.100.23"}
    alice.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "Wrong-Horse-5-Battery"}, environ_base=ip
    )
    started = alice.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": alice.password}, environ_base=ip
    ).get_json()
    right = alice.card_response(started["factor"]["challenge"])
    path = f"/api/v1/auth/login/{started['txn_id']}/verify"
    alice.client.post(path, json={"response": f"{(int(right) + 1) % 10**8:08d}"}, environ_base=ip)
    assert alice.client.post(path, json={"response": right}, environ_base=ip).status_code == 200
    attempts = {
        e["type"]: e
        for e in trail(alice.client, admin_headers, limit=1000)
        if e["type"]
        in ("login.password_failed", "login.password_ok", "login.second_factor_failed", "login.succeeded")
    }
    assert sorted(attempts) == [
        "login.password_failed",
        "login.password_ok",
        "login.second_factor_failed",
        "login.succeeded",
    ]
    for event in attempts.values():
        assert (event["user"], event["ip"], event["at"]) == ("alice", "198.51.100.23", now), event
    assert attempts["login.password_failed"]["result"] == "failure"
    for kind, result in (("login.second_factor_failed", "failure"), ("login.succeeded", "success")):
        assert (attempts[kind]["factor"], attempts[kind]["result"]) == ("dscplus", result)


@pytest.mark.parametrize("factor", ["dscplus", "sms"])
def test_codes_and_responses_are_compared_in_constant_time(
    factor: str, alice: EnrolledUser, client: FlaskClient, admin_headers: dict[str, str], monkeypatch
) -> None:
    """ASVS 5.0 11.2.4: the server compares an answer with the expected one by `hmac.compare_digest`, never by
    `==`, so its timing tells nothing of how many leading characters were right."""
    seen: list[bytes | str] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        seen.extend((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    if factor == "sms":
        user: Any = Phone(client, admin_headers)
        txn_id = user.login()["txn_id"]
        typed = f"{(int(user.code()) + 1) % 10**6:06d}"
    else:
        started = alice.start_login()
        txn_id = started["txn_id"]
        typed = f"{(int(alice.card_response(started['factor']['challenge'])) + 1) % 10**8:08d}"
    seen.clear()
    assert client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": typed}).status_code == 401
    assert typed.encode() in seen or typed in seen


def test_a_session_token_planted_before_the_login_is_never_adopted(alice: EnrolledUser) -> None:
    """ASVS 5.0 7.2.4 (session fixation): a session cookie an attacker planted in the browser before the login
    (here one of their own earlier sessions of alice, and a made-up one) is not what the login hands out. The
    page login sets a fresh token, the planted ones answer 401, and the fresh one is alice's."""
    planted = alice.log_in()  # a real token, so that adopting it would be seen
    client = alice.client
    client.set_cookie("sls_session", planted)
    path, csrf_token = start_page_login(client, alice)
    step = client.get(path).get_data(as_text=True)
    found = re.search(r'data-testid="step-challenge">(\d{6})<', step)
    assert found, "the card's challenge on the step page"
    done = client.post(
        path + "/verify", data={"response": alice.card_response(found.group(1)), "csrf_token": csrf_token}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account", done.get_data(as_text=True)
    fresh = client.get_cookie("sls_session")
    assert fresh is not None and fresh.value != planted
    for stale in (planted, f"alice~{'A' * 43}"):
        answer = client.get("/api/v1/session", headers={"Authorization": f"Bearer {stale}"})
        assert answer.status_code == 401, answer.get_json()
    mine = client.get("/api/v1/session", headers={"Authorization": f"Bearer {fresh.value}"})
    assert mine.status_code == 200 and mine.get_json()["username"] == "alice"

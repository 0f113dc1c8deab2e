"""Every login is bound to the client that started it (security review).

The transaction id alone is not enough: it shows in the IB Key notification list, and once was in the
access log. Status, switch and verify need the ``login_token`` of the start answer (``X-Login-Token``) or the
cookie it set, and the session goes to that client only.
"""

from __future__ import annotations

from typing import Any

from conftest import EnrolledUser
from flask import Flask
from ibkey_world import World, ibkey_world, push_login  # noqa: F401  (the world fixture)


def _bearer_of(login: dict[str, Any]) -> dict[str, str]:
    return {"X-Login-Token": login["login_token"]}


def test_the_start_answer_binds_the_login_with_a_token_and_a_scoped_cookie(alice: EnrolledUser) -> None:
    started = alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    body = started.get_json()
    assert len(body["login_token"]) >= 43  # 256 bits, base64url
    cookie = next(c for c in started.headers.getlist("Set-Cookie") if c.startswith("sls_login="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "samesite", "path"} <= attributes and "SameSite=Strict" in cookie
    assert f"Path=/api/v1/auth/login/{body['txn_id']}" in cookie
    assert cookie.startswith(f"sls_login={body['login_token']};")


def test_an_approved_push_goes_only_to_the_client_that_started_the_login(world: World, app: Flask) -> None:
    phone = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", phone)
    assert world.approve(phone, note, started["factor"]["match"], pin="12ab").status_code == 200

    thief = app.test_client()  # saw the transaction id in the notification list; has no binding
    status_url = f"/api/v1/auth/login/{started['txn_id']}"
    no_binding = thief.get(status_url)
    assert no_binding.status_code == 401 and no_binding.get_json()["error"] == "login_binding_required"
    wrong = thief.get(status_url, headers={"X-Login-Token": "guessed-" + started["login_token"][8:]})
    assert wrong.status_code == 401 and wrong.get_json() == no_binding.get_json()
    assert "session" not in no_binding.get_json() and "session" not in wrong.get_json()

    api_client = app.test_client()  # no cookie jar of the starter, but its login_token: an API client
    taken = api_client.get(status_url, headers=_bearer_of(started))
    assert taken.status_code == 200 and taken.get_json()["state"] == "authenticated"
    assert taken.get_json()["session"]["token"]


def test_switch_and_verify_refuse_an_unbound_client(alice: EnrolledUser, app: Flask) -> None:
    started = alice.start_login()
    txn = started["txn_id"]
    other = app.test_client()
    response = alice.card_response(started["factor"]["challenge"])
    refused = other.post(f"/api/v1/auth/login/{txn}/verify", json={"response": response})
    assert refused.status_code == 401 and refused.get_json()["error"] == "login_binding_required"
    switched = other.post(f"/api/v1/auth/login/{txn}/factor", json={"type": "dscplus"})
    assert switched.status_code == 401
    # nothing was spent: the bound client still logs in with the same answer
    done = other.post(
        f"/api/v1/auth/login/{txn}/verify", json={"response": response}, headers=_bearer_of(started)
    )
    assert done.status_code == 200 and done.get_json()["state"] == "authenticated"


def test_a_browser_keeps_each_login_bound_by_its_own_cookie(enrol) -> None:  # type: ignore[no-untyped-def]
    alice, bob = enrol("alice", "1234"), enrol("bob", "4321")
    assert alice.client is bob.client  # one browser, two logins in two tabs
    first, second = alice.start_login(), bob.start_login()
    assert bob.verify(second["txn_id"], bob.card_response(second["factor"]["challenge"])).status_code == 200
    assert alice.verify(first["txn_id"], alice.card_response(first["factor"]["challenge"])).status_code == 200


def test_a_login_token_of_one_login_does_not_open_another(enrol, app: Flask) -> None:  # type: ignore[no-untyped-def]
    alice, bob = enrol("alice", "1234"), enrol("bob", "4321")
    mine, theirs = alice.start_login(), bob.start_login()
    other = app.test_client()
    crossed = other.get(f"/api/v1/auth/login/{theirs['txn_id']}", headers=_bearer_of(mine))
    assert crossed.status_code == 401 and crossed.get_json()["error"] == "login_binding_required"


def test_over_tls_the_login_and_session_cookies_are_secure_as_the_contract_fixes(alice: EnrolledUser) -> None:
    """api.md: the login cookie HttpOnly, SameSite=Strict (scoped under ``/api/v1/auth/login``), the session
    cookie ``HttpOnly; SameSite=Strict; Path=/``, ``Secure`` when served over TLS (there ``__Host-`` too)."""
    tls = "https://localhost"
    started = alice.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": alice.password}, base_url=tls
    )
    body = started.get_json()
    login_cookie = next(c for c in started.headers.getlist("Set-Cookie") if c.startswith("sls_login="))
    for attribute in ("Secure", "HttpOnly", "SameSite=Strict", f"Path=/api/v1/auth/login/{body['txn_id']}"):
        assert attribute in login_cookie.split("; "), (attribute, login_cookie)
    done = alice.client.post(
        f"/api/v1/auth/login/{body['txn_id']}/verify",
        json={"response": alice.card_response(body["factor"]["challenge"])},
        base_url=tls,
    )
    assert done.status_code == 200, done.get_json()
    session_cookie = next(c for c in done.headers.getlist("Set-Cookie") if "sls_session=" in c)
    assert session_cookie.startswith(f"__Host-sls_session={done.get_json()['session']['token']};")
    for attribute in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in session_cookie.split("; "), (attribute, session_cookie)

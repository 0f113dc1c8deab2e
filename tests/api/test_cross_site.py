"""Cookie-authenticated state changes refuse cross-site requests (403 ``cross_site_request``).

A browser attaches the session cookie by itself; SameSite=Strict stops other *sites*, not a sibling
subdomain of the same site, and not a browser that ignores it. So an unsafe request that carries cookies
and no ``Authorization: Bearer`` must show it comes from our own origin: ``Sec-Fetch-Site: same-origin``
or ``none``, or (browsers without Fetch Metadata) an ``Origin`` equal to ours. With neither header it is not
a browser (browsers send ``Origin`` on every cross-site POST): curl with a cookie jar still works.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient
from spec_conformance import error_codes

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
OWN = "http://localhost"  # the test client's Host
EVIL = "https://evil.example"

CROSS_SITE = [
    {"Origin": EVIL},
    {"Origin": "null"},  # sandboxed frames, privacy-sensitive redirects
    {"Origin": "http://localhost:8080"},  # another port is another origin
    {"Origin": "https://localhost"},  # another scheme too
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain: SameSite=Strict lets its cookies through
    {"Sec-Fetch-Site": "cross-site", "Origin": OWN},  # Fetch Metadata, when sent, decides
    {"Sec-Fetch-Site": "same-site", "Origin": EVIL},
]
SAME_ORIGIN = [
    {},  # curl -b jar, requests.Session, a test client: no browser, no Origin
    {"Origin": OWN},
    {"Origin": "HTTP://LOCALHOST"},  # scheme and host compare case-insensitively
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed by the user, a bookmark
    {"Sec-Fetch-Site": "same-origin", "Origin": OWN},
]

COOKIE_ROUTES: list[tuple[str, dict[str, Any]]] = [
    ("/api/v1/session/tickle", {}),
    ("/api/v1/auth/logout", {}),
    ("/api/v1/verify", {"json": {"purpose": "withdrawal"}}),
    ("/api/v1/account/phone", {"json": {"phone": "+15550001111"}}),
    ("/api/v1/withdrawals", {"json": {"amount": 100}}),
]


def _code(answer: Any) -> str | None:
    return (answer.get_json() or {}).get("error")


@pytest.mark.parametrize("headers", CROSS_SITE, ids=[str(h) for h in CROSS_SITE])
@pytest.mark.parametrize(("path", "kwargs"), COOKIE_ROUTES, ids=[r[0] for r in COOKIE_ROUTES])
def test_cookie_state_changes_from_another_site_are_refused(
    alice: EnrolledUser, headers: dict[str, str], path: str, kwargs: dict[str, Any]
) -> None:
    alice.log_in()  # the client's cookie jar now holds the session cookie
    refused = alice.client.post(path, headers=headers, **kwargs)
    assert refused.status_code == 403, refused.get_json()
    assert _code(refused) == "cross_site_request"
    assert alice.client.get("/api/v1/session").status_code == 200, "the refused request ended the session"


@pytest.mark.parametrize("headers", SAME_ORIGIN, ids=[str(h) for h in SAME_ORIGIN])
def test_same_origin_and_non_browser_clients_pass(alice: EnrolledUser, headers: dict[str, str]) -> None:
    alice.log_in()
    assert alice.client.post("/api/v1/session/tickle", headers=headers).status_code == 200
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=headers)
    assert opened.status_code == 200, opened.get_json()
    logged_out = alice.client.post("/api/v1/auth/logout", headers=headers)
    assert logged_out.status_code == 200, logged_out.get_json()


def test_a_refused_logout_leaves_the_session_and_a_refused_step_up_issues_nothing(
    alice: EnrolledUser,
) -> None:
    alice.log_in()
    before = alice.client.get("/admin/v1/events", headers=ADMIN).get_json()["events"]
    assert alice.client.post("/api/v1/auth/logout", headers={"Origin": EVIL}).status_code == 403
    refused = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers={"Origin": EVIL})
    assert refused.status_code == 403
    after = alice.client.get("/admin/v1/events", headers=ADMIN).get_json()["events"]
    assert after == before, "a refused request left an event"
    assert alice.client.get("/api/v1/session").get_json()["username"] == "alice"


def test_bearer_token_calls_are_unaffected(alice: EnrolledUser) -> None:
    token = alice.log_in()  # the cookie is in the jar as well: the header is what authenticates
    bearer = {"Authorization": f"Bearer {token}", "Origin": EVIL, "Sec-Fetch-Site": "cross-site"}
    assert alice.client.post("/api/v1/session/tickle", headers=bearer).status_code == 200
    assert alice.client.post("/api/v1/auth/logout", headers=bearer).status_code == 200


def test_safe_methods_and_requests_without_cookies_pass(client: FlaskClient, alice: EnrolledUser) -> None:
    alice.log_in()
    assert alice.client.get("/api/v1/session", headers={"Origin": EVIL}).status_code == 200
    fresh = alice.client.application.test_client()  # no cookie jar: nothing ambient to abuse
    login = {"username": "alice", "password": alice.password}
    started = fresh.post("/api/v1/auth/login", json=login, headers={"Origin": EVIL})
    assert started.status_code == 200, started.get_json()


def test_admin_reads_no_cookie_so_is_not_judged_and_sim_is_judged_by_origin_alone(
    alice: EnrolledUser,
) -> None:
    """``/sim/v1`` reads no cookie either, but needs no credential at all without ``SLS_SIM_TOKEN``: another
    site's page is refused there whatever it carries (``test_sim_cross_site``)."""
    alice.log_in()
    started = alice.start_login()
    answered = alice.client.post(
        f"/sim/v1/dscplus/{alice.device_id}/respond",
        json={"pin": alice.pin, "challenge": started["factor"]["challenge"]},
        headers={"Origin": EVIL},
    )
    assert answered.status_code == 403 and _code(answered) == "cross_site_request", answered.get_json()
    moved = alice.client.post("/admin/v1/clock", json={"advance_s": 1}, headers={**ADMIN, "Origin": EVIL})
    assert moved.status_code == 200


def test_the_document_lists_the_refusal(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    for path in ("/api/v1/session/tickle", "/api/v1/auth/logout", "/api/v1/verify", "/api/v1/withdrawals"):
        assert "cross_site_request" in error_codes(spec, spec["paths"][path]["post"], 403), path
    session = spec["paths"]["/api/v1/session"]["get"]["responses"]
    assert "403" not in session or "cross_site_request" not in str(session["403"])
    assert "cross_site_request" in str(spec["paths"]["/sim/v1/dscplus/{device_id}/respond"])
    assert "cross_site_request" not in str(spec["paths"]["/admin/v1/clock"])


# --- the CSRF tokens the coming HTML forms will carry -----------------------------------------------------


def test_form_tokens_are_bound_to_the_session_cookie(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    from flask import jsonify

    from sls_server import create_app
    from sls_server.http.crosssite import form_token, require_form_token

    app = create_app(app_config)

    @app.get("/test-only/form")
    def show_form():  # type: ignore[no-untyped-def]
        return jsonify({"csrf_token": form_token()})

    @app.post("/test-only/form")
    def submit_form():  # type: ignore[no-untyped-def]
        require_form_token()
        return jsonify({"ok": True})

    alice = EnrolledUser(app.test_client(), admin_headers, "alice", "1234")
    assert alice.client.get("/test-only/form").status_code == 401, "no session, no token"
    alice.log_in()
    token = alice.client.get("/test-only/form").get_json()["csrf_token"]
    same_site = {"Sec-Fetch-Site": "same-origin"}
    posted = alice.client.post("/test-only/form", data={"csrf_token": token}, headers=same_site)
    assert posted.status_code == 200, posted.get_json()
    by_header = alice.client.post("/test-only/form", headers={**same_site, "X-CSRF-Token": token})
    assert by_header.status_code == 200
    missing = alice.client.post("/test-only/form", data={}, headers=same_site)
    assert missing.status_code == 403 and missing.get_json()["error"] == "csrf_token_invalid"
    cross = alice.client.post("/test-only/form", data={"csrf_token": token}, headers={"Origin": EVIL})
    assert cross.status_code == 403 and cross.get_json()["error"] == "cross_site_request"

    alice.log_in()  # a new session (the old one is replaced): the old page's token is dead
    stale = alice.client.post("/test-only/form", data={"csrf_token": token}, headers=same_site)
    assert stale.status_code == 403 and stale.get_json()["error"] == "csrf_token_invalid"

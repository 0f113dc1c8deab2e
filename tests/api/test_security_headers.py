"""Every answer carries the security headers; every answer that may hold a secret says ``no-store``.

JSON answers get a Content-Security-Policy that allows nothing at all (a JSON document opened in a browser
must not run or load anything); HTML answers (the coming server-rendered pages) get the pages' policy: own
origin only, no inline script. The policy and the cache rule live in ``sls_server.http.security``.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask import Flask, Response

from sls_server.http.security import CSP_API, CSP_PAGES, HSTS

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

# (name, method, path, kwargs, expected status); DEV is alice's card
REQUESTS: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("login ok", "POST", "/api/v1/auth/login", {"json": {"username": "alice", "password": "PASSWORD"}}, 200),
    ("login wrong", "POST", "/api/v1/auth/login", {"json": {"username": "alice", "password": "x" * 12}}, 401),
    ("bad json", "POST", "/api/v1/auth/login", {"data": "{nope", "content_type": "application/json"}, 400),
    (
        "too large",
        "POST",
        "/api/v1/auth/login",
        {"data": "x" * 70_000, "content_type": "application/json"},
        400,
    ),
    ("no session", "GET", "/api/v1/session", {}, 401),
    ("unknown path", "GET", "/api/v1/nowhere", {}, 404),
    ("unknown page", "GET", "/nowhere", {}, 404),  # "/" is the login page now (tests/api/test_pages.py)
    ("wrong method", "DELETE", "/api/v1/auth/login", {}, 405),
    ("card", "POST", "/sim/v1/dscplus/DEV/respond", {"json": {"pin": "1234", "challenge": "123456"}}, 200),
    ("card status", "GET", "/sim/v1/dscplus/DEV", {}, 200),
    ("admin", "GET", "/admin/v1/users/alice", {"headers": ADMIN}, 200),
    ("admin no token", "GET", "/admin/v1/users", {}, 401),
    ("clock", "GET", "/admin/v1/clock", {"headers": ADMIN}, 200),
    ("openapi", "GET", "/openapi.json", {}, 200),
    ("healthz", "GET", "/healthz", {}, 200),
    ("readyz", "GET", "/readyz", {}, 200),
    ("metrics", "GET", "/metrics", {}, 200),
]
PUBLIC_DOCUMENTS = {"/openapi.json", "/healthz", "/readyz", "/metrics"}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """A deployment served under its own name, which it names in SLS_ALLOWED_HOSTS (``http/hosts.py``)."""
    return {**app_config, "ALLOWED_HOSTS": "sls.example"}


def _open(user: EnrolledUser, method: str, path: str, kwargs: dict[str, Any]) -> Response:
    kwargs = dict(kwargs)
    if "json" in kwargs and kwargs["json"].get("password") == "PASSWORD":
        kwargs["json"] = {**kwargs["json"], "password": user.password}
    return user.client.open(path.replace("DEV", user.device_id), method=method, **kwargs)


@pytest.mark.parametrize(
    ("name", "method", "path", "kwargs", "status"), REQUESTS, ids=[r[0] for r in REQUESTS]
)
def test_every_answer_carries_the_security_headers(
    alice: EnrolledUser, name: str, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    answered = _open(alice, method, path, kwargs)
    assert answered.status_code == status, answered.get_data(as_text=True)[:200]
    assert answered.headers["Content-Security-Policy"] == CSP_API
    assert answered.headers["X-Content-Type-Options"] == "nosniff"
    assert answered.headers["Referrer-Policy"] == "same-origin"
    assert answered.headers["X-Frame-Options"] == "DENY"
    assert "Server" not in answered.headers
    if path in PUBLIC_DOCUMENTS and status < 400:
        assert "no-store" not in answered.headers.get("Cache-Control", "")
    else:
        assert answered.headers["Cache-Control"] == "no-store", f"{name}: may carry a token, key or code"


def test_the_session_answer_is_not_stored(alice: EnrolledUser) -> None:
    """The answers that carry a session token, a card's key or a code are among those marked no-store."""
    token = alice.log_in()
    me = alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"})
    assert me.headers["Cache-Control"] == "no-store"
    enrolled = alice.client.post("/admin/v1/users/alice/devices", json={"type": "totp"}, headers=ADMIN)
    assert enrolled.status_code == 201 and enrolled.headers["Cache-Control"] == "no-store"


def test_an_unexpected_error_carries_them_too(app: Flask) -> None:
    @app.get("/api/v1/test-only/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    answered = app.test_client().get("/api/v1/test-only/boom")
    assert answered.status_code == 500
    assert answered.get_json()["error"] == "internal_error"
    assert answered.headers["Content-Security-Policy"] == CSP_API
    assert answered.headers["Cache-Control"] == "no-store"
    assert answered.headers["X-Content-Type-Options"] == "nosniff"


def test_html_pages_get_the_pages_policy(app: Flask) -> None:
    """What the coming server-rendered pages will get: own-origin scripts and styles, never inline."""

    @app.get("/test-only/page")
    def page() -> Response:
        return Response("<!doctype html><title>t</title>", mimetype="text/html")

    answered = app.test_client().get("/test-only/page")
    assert answered.headers["Content-Security-Policy"] == CSP_PAGES
    assert "'unsafe-inline'" not in CSP_PAGES and "'unsafe-eval'" not in CSP_PAGES
    assert "script-src 'self'" in CSP_PAGES and "frame-ancestors 'none'" in CSP_PAGES
    assert answered.headers["Cache-Control"] == "no-store", "pages will carry CSRF tokens"
    assert answered.headers["X-Content-Type-Options"] == "nosniff"


def test_an_answers_own_headers_give_way_to_ours_once_each(app: Flask) -> None:
    """A view that sets a looser policy or a cache lifetime itself is overruled: one of each header, ours."""

    @app.get("/test-only/loose")
    def loose() -> Response:
        answer = Response("<p>x</p>", content_type="Text/HTML; charset=utf-8")
        answer.headers["Content-Security-Policy"] = "default-src *"
        answer.headers["X-Frame-Options"] = "ALLOWALL"
        answer.headers["Cache-Control"] = "public, max-age=600"
        return answer

    answered = app.test_client().get("/test-only/loose")
    assert answered.headers.getlist("Content-Security-Policy") == [CSP_PAGES]
    assert answered.headers.getlist("X-Frame-Options") == ["DENY"]
    assert answered.headers.getlist("Cache-Control") == ["no-store"]
    assert answered.headers.getlist("Referrer-Policy") == ["same-origin"]


def test_a_public_documents_own_cache_lifetime_stands_unless_asked_with_credentials(app: Flask) -> None:
    """Only where an answer may be stored does its own ``Cache-Control`` survive; with ``Authorization`` it
    is ``no-store`` even there."""
    client = app.test_client()
    plain = client.get("/openapi.json")
    assert plain.status_code == 200 and plain.headers.get("Cache-Control") != "no-store"
    assert plain.headers.getlist("Content-Security-Policy") == [CSP_API]
    with_token = client.get("/openapi.json", headers={"Authorization": "Bearer anything"})
    assert with_token.headers.getlist("Cache-Control") == ["no-store"]


@pytest.mark.parametrize("path", ["/", "/api/v1/session", "/healthz", "/api/v1/nowhere", "/admin/v1/users"])
def test_over_https_every_answer_pins_https_and_over_http_none_does(app: Flask, path: str) -> None:
    """ASVS 5.0 3.4.1: served over TLS, every answer (a page, an error, a public document) carries
    `Strict-Transport-Security` of at least a year and the subdomains, once, whatever the view set; so a
    browser that reached us over HTTPS never sends the session cookie or a password over plain HTTP again.
    Over plain HTTP, where RFC 6797 has browsers ignore it, it is not sent."""

    @app.get("/test-only/own-hsts")
    def own_hsts() -> Response:
        answer = Response("{}", mimetype="application/json")
        answer.headers["Strict-Transport-Security"] = "max-age=0"
        return answer

    secure = app.test_client().get(path, base_url="https://sls.example")
    assert secure.status_code != 400, secure.get_data(as_text=True)
    assert secure.headers.getlist("Strict-Transport-Security") == [HSTS], path
    max_age = int(HSTS.split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 86400 and "includeSubDomains" in HSTS
    plain = app.test_client().get(path, base_url="http://sls.example")
    assert "Strict-Transport-Security" not in plain.headers, path
    overruled = app.test_client().get("/test-only/own-hsts", base_url="https://sls.example")
    assert overruled.headers.getlist("Strict-Transport-Security") == [HSTS]


def test_the_document_describes_the_headers(client) -> None:  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").get_json()
    headers = spec["components"]["headers"]
    assert {"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"} <= set(
        headers
    )
    login = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    for status in ("200", "401", "400"):
        assert "Content-Security-Policy" in login[status]["headers"], status
        assert "Cache-Control" in login[status]["headers"], status
    healthz = spec["paths"]["/healthz"]["get"]["responses"]["200"]
    assert "Content-Security-Policy" in healthz["headers"]
    assert "Cache-Control" not in healthz["headers"]


def test_the_app_believes_no_scheme_header_itself(app_config: dict[str, Any], admin_headers) -> None:
    """The scheme is the server's (``sls serve`` sets gunicorn's trust from SLS_TRUSTED_PROXIES): no ProxyFix
    in the app may turn a client's X-Forwarded-Proto into a Secure cookie, even from a trusted address."""
    from conftest import EnrolledUser

    from sls_server import create_app

    app = create_app({**app_config, "TRUSTED_PROXIES": "127.0.0.1/32"})
    user = EnrolledUser(app.test_client(), admin_headers, "alice", "1234")
    started = user.start_login()
    answer = user.card_response(started["factor"]["challenge"])
    done = user.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": answer},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert done.status_code == 200, done.get_json()
    assert done.headers["Set-Cookie"].startswith("sls_session="), done.headers["Set-Cookie"]

"""What Werkzeug refuses by itself (a body cut short before its Content-Length, a body over the limit, a
``Range`` no byte of a file answers, ...), answered with the contract's codes: one status each, the field
at fault named, an HTML page to a page. Each was werkzeug's generic words, as ``http_error`` or as a 400
naming no field, and JSON even to a form on a page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask import Flask, request
from flask.testing import FlaskClient
from page_forms import Console, csrf
from spec_conformance import error_codes, operations, served_spec  # noqa: F401 - served_spec: "spec"
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    LengthRequired,
    NotAcceptable,
    UnsupportedMediaType,
)
from werkzeug.test import TestResponse

from sls_server import create_app
from sls_server.http.refusals import werkzeug_refusal

STYLESHEET = "/assets/css/sls.css"


def cut_short(client: FlaskClient, path: str, sent: bytes, declared: int, **headers: str) -> TestResponse:
    """A POST whose body ends before the length its Content-Length declares (a client that closed early)."""
    environ = {"wsgi.input": io.BytesIO(sent), "CONTENT_LENGTH": str(declared)}
    return client.post(path, headers=headers, environ_overrides=environ)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v1/auth/login", {}),
        ("/admin/v1/users", {"Authorization": f"Bearer {ADMIN_TOKEN}"}),
        ("/admin/v1/reset", {"Authorization": f"Bearer {ADMIN_TOKEN}"}),
        ("/sim/v1/dscplus/dscplus-000000000000/respond", {}),
    ],
)
def test_a_body_cut_short_is_body_incomplete_naming_the_body(
    client: FlaskClient, path: str, headers: dict[str, str]
) -> None:
    """It was ``{"error": "invalid_request", "message": "The browser (or proxy) sent a request that this
    server could not understand."}``: no field, and nothing said the body was short."""
    sent = {**headers, "Content-Type": "application/json"}
    answer = cut_short(client, path, b'{"username": "al', 100, **sent)
    assert answer.status_code == 400 and answer.is_json, (answer.status_code, answer.content_type)
    assert answer.get_json() == {
        "error": "body_incomplete",
        "field": "body",
        "message": "The body ended before the length its Content-Length header declared (100 bytes); "
        "send it again.",
    }


def test_a_user_whose_body_was_cut_short_is_not_created(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    body = b'{"username": "carol", "password": "Correct-Horse-Battery-9"}'
    answer = cut_short(client, "/admin/v1/users", body, len(body) + 10, **admin_headers)
    assert answer.get_json()["error"] == "body_incomplete"
    assert client.get("/admin/v1/users/carol", headers=admin_headers).status_code == 404


def test_a_login_form_cut_short_is_an_error_page_and_counts_no_failure(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    user = EnrolledUser(client, admin_headers, "dora", "1234")
    token = csrf(client.get("/").get_data(as_text=True))
    form = f"csrf_token={token}&username=dora&password={user.password}".encode()
    answer = cut_short(
        client, "/login", form[:-4], len(form), **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 400 and answer.mimetype == "text/html", answer.content_type
    html = answer.get_data(as_text=True)
    assert 'data-testid="refused-code">body_incomplete<' in html
    assert "Content-Length" in html and user.password not in html
    events = client.get("/admin/v1/events?user=dora", headers=admin_headers).get_json()["events"]
    assert not any(event["type"].startswith("login") for event in events), events
    whole = client.post("/login", data=form, content_type="application/x-www-form-urlencoded")
    assert whole.status_code == 303  # the same form, whole, starts the login
    events = client.get("/admin/v1/events?user=dora", headers=admin_headers).get_json()["events"]
    assert any(event["type"] == "login.password_ok" for event in events), events


def test_a_form_over_the_limit_is_an_error_page_not_json(client: FlaskClient) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    answer = client.post("/login", data={"csrf_token": token, "username": "x" * (70 * 1024), "password": "p"})
    assert answer.status_code == 400 and answer.mimetype == "text/html", answer.content_type
    html = answer.get_data(as_text=True)
    assert 'data-testid="refused-code">invalid_request<' in html and "larger than 64 KiB" in html
    assert 'href="/"' in html  # the way back: the login page, where the form was


def test_a_gateway_login_form_cut_short_is_an_error_page(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "GATEWAY": True}).test_client()
    answer = cut_short(
        client, "/sso/Login", b"username=a&passw", 60, **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 400 and answer.mimetype == "text/html", answer.content_type
    html = answer.get_data(as_text=True)
    assert 'data-testid="refused-code">body_incomplete<' in html and 'href="/sso/Login"' in html


def test_a_range_no_byte_of_a_file_answers_is_range_not_satisfiable(client: FlaskClient) -> None:
    """A 416 was ``{"error": "http_error", "message": "The server cannot provide the requested range."}``."""
    with client.get(STYLESHEET) as whole:
        assert whole.status_code == 200
    answer = client.get(STYLESHEET, headers={"Range": "bytes=99999999-"})
    assert answer.status_code == 416 and answer.is_json, (answer.status_code, answer.content_type)
    assert answer.get_json() == {
        "error": "range_not_satisfiable",
        "field": "Range",
        "message": "The Range header asks for bytes this file does not have; ask without Range for all of "
        "it.",
    }
    viewer = client.get("/docs/viewer/swagger-ui.css", headers={"Range": "bytes=99999999-"})
    assert (viewer.status_code, viewer.get_json()["error"]) == (416, "range_not_satisfiable")


def test_a_browser_asking_a_range_of_a_file_as_a_page_gets_a_page(client: FlaskClient) -> None:
    answer = client.get(STYLESHEET, headers={"Range": "bytes=99999999-", "Accept": "text/html"})
    assert answer.status_code == 416 and answer.mimetype == "text/html"
    assert 'data-testid="refused-code">range_not_satisfiable<' in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("raised", "status", "code", "field"),
    [
        (NotAcceptable(), 406, "not_acceptable", "Accept"),
        (UnsupportedMediaType(), 415, "unsupported_media_type", "Content-Type"),
        (BadRequest(), 400, "invalid_request", "request"),
        (LengthRequired(), 400, "invalid_request", "request"),  # a status of no code: its family's 400
    ],
)
def test_every_other_refusal_of_werkzeug_has_a_code_of_one_status_and_a_field(
    app: Flask, raised: HTTPException, status: int, code: str, field: str
) -> None:
    with app.test_request_context("/api/v1/auth/login", method="POST"):
        refusal = werkzeug_refusal(raised)
    assert refusal is not None
    assert (refusal.status, refusal.code, refusal.extra["field"]) == (status, code, field)


def test_openapi_documents_body_incomplete_where_a_body_is_read(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        reads_a_body = "requestBody" in operation or path.startswith(("/api/v1/", "/admin/v1/", "/sim/v1/"))
        if method in ("post", "put", "delete", "patch") and reads_a_body:
            assert "body_incomplete" in error_codes(spec, operation, 400), f"{method} {path}"
    assert "BodyIncompleteError" in spec["components"]["schemas"]


def test_a_form_of_too_many_parts_under_the_body_limit_is_not_said_too_large(client: FlaskClient) -> None:
    """werkzeug raises the same 413 for a multipart form's 1001st part: a body of 58 KiB was told "the body
    is larger than 64 KiB"."""
    part = b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n'
    body = part * 1100 + b"--XX--\r\n"
    assert len(body) < 64 * 1024
    answer = client.post("/login", data=body, content_type="multipart/form-data; boundary=XX")
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "larger than 64 KiB" not in html
    assert "The form holds more than 1000 parts, or a field (not a file) of more than 500000 bytes" in html


def test_an_if_match_a_file_fails_is_precondition_failed_not_the_file(client: FlaskClient) -> None:
    """Werkzeug's 412 kept the body: the whole stylesheet, as text/css, under an error status."""
    answer = client.get(STYLESHEET, headers={"If-Match": '"not-this-one"'})
    assert answer.status_code == 412 and answer.is_json, (answer.status_code, answer.content_type)
    assert answer.get_json() == {
        "error": "precondition_failed",
        "field": "If-Match",
        "message": "The file does not match the If-Match header; ask without it for the file as it is now.",
    }


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            b'--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nv',
            "multipart/form-data; boundary=XX",
            "",
        ),
        (b"csrf_token=x", "multipart/form-data", "Missing boundary"),
    ],
)
def test_a_malformed_form_is_refused_naming_the_body_not_read_as_an_empty_one(
    client: FlaskClient, body: bytes, content_type: str, reason: str
) -> None:
    """Werkzeug read a form it could not parse as no form at all: the page said the CSRF token was missing
    (a JSON 403), which sent its sender looking for a token it had sent."""
    answer = client.post("/login", data=body, content_type=content_type)
    assert answer.status_code == 400 and answer.mimetype == "text/html", (answer.status_code, answer.mimetype)
    html = answer.get_data(as_text=True)
    assert "The form is malformed (" in html and reason in html
    assert 'data-testid="refused-code">invalid_request<' in html


def test_json_flask_cannot_decode_is_refused_naming_the_body(app: Flask) -> None:
    """Flask's own ``BadRequest`` for ``request.get_json()`` (a view reading JSON itself) named no field."""
    with app.test_request_context(
        "/trainer/clock", method="POST", data=b"{", content_type="application/json"
    ):
        with pytest.raises(HTTPException) as raised:
            request.get_json()
        refusal = werkzeug_refusal(raised.value)
    assert refusal is not None
    assert refusal.body() == {
        "error": "invalid_request",
        "message": "the body is not valid JSON",
        "field": "body",
    }


def test_a_page_scripts_json_call_cut_short_keeps_the_json_error(client: FlaskClient) -> None:
    """The scripts of the pages (``SLS.call``) read the JSON error and show its message; an error page is for
    a person whose form was refused."""
    console = Console(client)
    sent = {"Content-Type": "application/json", "X-CSRF-Token": console.token}
    answer = cut_short(client, "/trainer/clock", b'{"step": "fre', 40, **sent)
    assert answer.status_code == 400 and answer.is_json, (answer.status_code, answer.content_type)
    assert (answer.get_json()["error"], answer.get_json()["field"]) == ("body_incomplete", "body")


def test_if_match_star_is_met_by_the_file(client: FlaskClient) -> None:
    """``*`` is met by any current representation (RFC 9110, 13.1.1); werkzeug answered it with a 412."""
    with client.get(STYLESHEET, headers={"If-Match": "*"}) as answer:
        assert (answer.status_code, answer.mimetype) == (200, "text/css")

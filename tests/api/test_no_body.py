"""A route of ``/api/v1``, ``/sim/v1`` or ``/admin/v1`` declared without a body refuses one, rather than
ignore it (``http.validation.no_body``, applied by the operation registry); the gateway's routes do not."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from spec_conformance import error_codes

from sls_server import create_app
from sls_server.http.operations import NO_BODY_PREFIXES, operations
from sls_server.http.validation import no_body

PASSWORD = "Quiet-Lantern-Body-52"
OPTION = b'{"keep_users": true}'


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    """Gateway mode serves every operation there is: the emulator's and the gateway's."""
    return create_app({**app_config, "GATEWAY": True})


def _no_body_operations(app: Flask) -> list[tuple[str, str]]:
    return [
        (op.method.upper(), op.path)
        for op in operations(app)
        if op.body is None and op.path.startswith(NO_BODY_PREFIXES)
    ]


def test_a_reset_sent_an_option_it_does_not_have_is_refused_and_wipes_nothing(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """``{"keep_users": true}`` was ignored: everything was wiped, and the caller believed the option held."""
    made = client.post(
        "/admin/v1/users", json={"username": "kept", "password": PASSWORD}, headers=admin_headers
    )
    assert made.status_code == 201
    refused = client.post(
        "/admin/v1/reset", data=OPTION, content_type="application/json", headers=admin_headers
    )
    assert refused.status_code == 400
    assert refused.get_json() == {
        "error": "invalid_request",
        "field": "body",
        "message": "this route takes no body; send the request without one",
    }
    assert client.get("/admin/v1/users/kept", headers=admin_headers).status_code == 200  # nothing wiped


@pytest.mark.parametrize(
    ("sent", "content_type"),
    [(b"", None), (b"{}", "application/json"), (b" { } \n", "application/json"), (b"  ", "text/plain")],
)
def test_no_body_or_an_empty_object_is_taken(
    client: FlaskClient, admin_headers: dict[str, str], sent: bytes, content_type: str | None
) -> None:
    """What says nothing passes: no body, whitespace, or ``{}`` (which some clients send with every POST)."""
    answer = client.post("/admin/v1/reset", data=sent, content_type=content_type, headers=admin_headers)
    assert answer.status_code == 200, answer.get_json()


@pytest.mark.parametrize(
    ("sent", "content_type"),
    [
        (OPTION, "application/json"),
        (b"[]", "application/json"),
        (b"null", "application/json"),
        (b"{not json", "application/json"),
        (b"keep_users=true", "application/x-www-form-urlencoded"),
        (b"keep users", "text/plain"),
    ],
)
def test_any_other_body_is_refused_naming_it(
    client: FlaskClient, admin_headers: dict[str, str], sent: bytes, content_type: str
) -> None:
    answer = client.post("/admin/v1/reset", data=sent, content_type=content_type, headers=admin_headers)
    assert answer.status_code == 400
    assert (answer.get_json()["error"], answer.get_json()["field"]) == ("invalid_request", "body")


def test_every_operation_without_a_body_refuses_one_and_the_document_says_so(
    gateway_app: Flask, admin_headers: dict[str, str]
) -> None:
    """Every such operation, whatever its method, by the registry's rule, before its view runs; and each
    lists ``invalid_request`` among its 400s."""
    client = gateway_app.test_client()
    spec = client.get("/openapi.json").get_json()
    found = _no_body_operations(gateway_app)
    assert ("POST", "/admin/v1/reset") in found and ("GET", "/sim/v1/outbox/latest-code") in found
    assert ("POST", "/api/v1/auth/logout") in found and ("POST", "/admin/v1/gateway/drop") in found
    for method, path in found:
        assert "invalid_request" in error_codes(spec, spec["paths"][path][method.lower()], 400), path
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        answer = client.open(
            concrete, method=method, data=OPTION, content_type="application/json", headers=admin_headers
        )
        assert answer.status_code == 400, (method, path, answer.get_json())
        assert answer.get_json()["field"] == "body", (method, path)


def test_the_gateways_routes_take_the_bodies_real_clients_send(gateway_app: Flask) -> None:
    """ibind and other clients of the real gateway send bodies to ``ssodh/init``, ``tickle`` and others,
    which that product ignores: the emulated gateway keeps taking them."""
    client = gateway_app.test_client()
    for path in ("/v1/api/iserver/auth/ssodh/init", "/v1/api/tickle", "/v1/api/logout"):
        answer = client.post(path, json={"publish": True, "compete": True})
        assert answer.status_code != 400, (path, answer.get_json())


def _reset_as_gunicorn_sends(client: FlaskClient, headers: dict[str, str], **environ: Any) -> int:
    """``POST /admin/v1/reset``, the input terminated by the server, as a gunicorn worker hands it over."""
    environ = {"wsgi.input": io.BytesIO(OPTION), "wsgi.input_terminated": True, **environ}
    return client.post("/admin/v1/reset", headers=headers, environ_overrides=environ).status_code


def test_a_declared_empty_body_passes_unread_and_a_chunked_one_is_still_read(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Content-Length 0 is an empty body whatever follows on the connection; with ``Transfer-Encoding:
    chunked`` the length is not the body's (werkzeug reads the chunks), so what they carry is refused."""
    assert _reset_as_gunicorn_sends(client, admin_headers, CONTENT_LENGTH="0") == 200
    chunked = {**admin_headers, "Transfer-Encoding": "chunked"}
    assert _reset_as_gunicorn_sends(client, chunked, CONTENT_LENGTH="0") == 400


def test_a_declared_empty_body_is_judged_on_the_environs_word(app: Flask) -> None:
    """``Content-Length: 0`` and no transfer coding: passed without werkzeug's ``content_length``, which
    reads both headers through ``EnvironHeaders`` (raising and catching a ``KeyError`` for the absent one:
    some 4 µs, on every session, tickle and logout). With a transfer coding, or a length that is not "0",
    werkzeug's word is asked as before (the test above: a chunked body is still read)."""
    with app.test_request_context(
        "/api/v1/session", method="GET", environ_overrides={"CONTENT_LENGTH": "0"}
    ) as context:
        no_body()
        assert "content_length" not in vars(context.request)
    with app.test_request_context(
        "/api/v1/session",
        method="GET",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"CONTENT_LENGTH": "0", "wsgi.input_terminated": True},
    ) as context:
        no_body()  # nothing in the chunks
        assert context.request.content_length is None

"""``POST /admin/v1/clock``'s body as the document says it and as the server reads it, one verdict: the
server counts a null as absent (``{"set_at": ..., "freeze": null}`` sets the clock), so the document lets
each field it does not require be null too. Schemathesis's negative data found the document refusing what
the server took (``freeze: null`` beside ``set_at``, answered 200)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

from sls_server.shapes.clock import CLOCK_MIN

BODY = {"$ref": "#/components/schemas/ClockMove"}


@pytest.mark.parametrize(
    "body",
    [
        {"set_at": CLOCK_MIN + 60, "freeze": None},
        {"advance_s": 60, "freeze": None},
        {"advance_s": 60, "set_at": None},
        {"set_at": CLOCK_MIN + 60, "advance_s": None, "reset": None},
        {"freeze": True, "advance_s": None, "set_at": None},
        {"reset": True, "freeze": None, "advance_s": None},
        {"freeze": None},
        {"advance_s": None, "set_at": None},
        {"reset": None},
        {"advance_s": 60, "set_at": CLOCK_MIN + 60},
        {"reset": True, "freeze": True},
        {"freeze": None, "extra": None},
    ],
)
def test_the_document_takes_the_bodies_the_server_takes(
    client: FlaskClient, admin_headers: dict[str, str], spec: dict[str, Any], body: dict[str, Any]
) -> None:
    answer = client.post("/admin/v1/clock", json=body, headers=admin_headers)
    assert answer.status_code in (200, 400), answer.get_json()
    said = "refuses" if schema_errors(spec, BODY, body) else "takes"
    done = "takes" if answer.status_code == 200 else "refuses"
    assert said == done, f"the document {said} {body}, the server {done} it: {answer.get_json()}"

"""``http.common.header`` reads a request header from the environ itself: what it gives must be what
werkzeug's ``request.headers.get`` gives, for a header sent, absent, empty, or named in another case."""

from __future__ import annotations

import pytest
from flask import Flask, request

from sls_server.http.common import header

SENT = {
    "X-Request-Id": "abc-123",
    "Authorization": "Bearer t0ken",
    "X-Forwarded-For": "203.0.113.9, 10.0.0.1",
    "Origin": "",
    "Sec-Fetch-Site": "same-origin",
}
ASKED = [*SENT, "x-request-id", "AUTHORIZATION", "sec-fetch-site", "X-Login-Token", "Cookie", "Host"]


@pytest.mark.parametrize("name", ASKED)
def test_a_header_reads_as_werkzeug_reads_it(name: str) -> None:
    app = Flask(__name__)
    with app.test_request_context("/", method="POST", headers=SENT):
        assert header(name) == request.headers.get(name)
        assert header(name, request._get_current_object()) == request.headers.get(name)  # type: ignore[attr-defined]


def test_an_absent_header_is_none() -> None:
    app = Flask(__name__)
    with app.test_request_context("/"):
        assert header("X-Request-Id") is None

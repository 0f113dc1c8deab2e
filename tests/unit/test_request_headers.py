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


@pytest.mark.parametrize("name", ASKED)
def test_a_header_asked_again_reads_the_same(name: str) -> None:
    """The environ key of a name is worked out once and remembered: the second ask must read as the first."""
    app = Flask(__name__)
    with app.test_request_context("/", method="POST", headers=SENT):
        assert header(name) == header(name) == request.headers.get(name)


def test_the_request_and_the_app_are_each_contexts_own() -> None:
    """``this_request``, ``this_app`` and ``core`` call the proxies' lookups taken once at import: each call
    still finds the context it is made in, nested contexts of two apps included."""
    from sls_server.http.common import core, this_app, this_request

    outer, inner = Flask("outer"), Flask("inner")
    inner.extensions["sls"] = "not a core"
    with outer.test_request_context("/a") as first:
        assert this_request() is first.request and this_app() is outer
        with inner.test_request_context("/b") as second:
            assert this_request() is second.request and this_app() is inner
            with pytest.raises(TypeError, match="not a Core"):
                core()
        assert this_request() is first.request and this_app() is outer

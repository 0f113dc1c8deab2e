"""A line break in any part of an address (``%0d%0a`` in a login's id, a device id, a user's name) is never a
500. An attack review found ``GET /login/a%0d%0aX:%201/verify`` (and ``/select``, ``/resend``, ``/challenge``)
answered 500 with an error's traceback in the log, for any client that asked: the page redirected to the
login's address with the id as it came, and werkzeug refused the line break in ``Location``. Every route of
the app (the gateway's too), each variable part of its address given a line break, each method it takes,
sent with the browser's CSRF token from its own origin: no answer is a 5xx."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from conftest import ADMIN_TOKEN
from flask import Flask
from page_forms import csrf

from sls_server import create_app

BROKEN = "a\r\nX-Planted: 1"
VARIABLE = re.compile(r"<(?:[a-z]+:)?[a-z_]+>")
STREAMS = {"/trainer/events"}  # an event stream, answered in its own way and already refused unsigned-in


def routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) with a variable part, that part a line break (percent-encoded, as sent)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not VARIABLE.search(rule.rule) or rule.rule in STREAMS:
            continue
        path = VARIABLE.sub(quote(BROKEN, safe=""), rule.rule)
        found += [(method, path) for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
    return found


@pytest.mark.parametrize("gateway", [False, True])
def test_no_route_answers_a_line_break_in_its_address_with_a_500(
    app_config: dict[str, Any], gateway: bool
) -> None:
    app = create_app({**app_config, "GATEWAY": gateway})
    client = app.test_client()
    token = csrf(client.get("/").get_data(as_text=True))
    headers = {
        "X-CSRF-Token": token,
        "Sec-Fetch-Site": "same-origin",
        "Authorization": f"Bearer {ADMIN_TOKEN}",
    }
    failed = []
    for method, path in routes(app):
        for extra in ({}, headers):  # as a page's browser (cookie, CSRF token) and as the admin's client
            answer = client.open(path, method=method, headers=extra, data={"csrf_token": token})
            if answer.status_code >= 500:
                failed.append((method, path, answer.status_code))
            assert "X-Planted" not in answer.headers
    assert not failed, failed

"""A route of gateway mode asked of a server not in it says so, and how to turn it on.

Found scripting an SMS login whose code is read from the outbox hook (``GET /sim/v1/outbox/latest-code``,
which the README offers unattended scripts without naming gateway mode): the answer was werkzeug's "The
requested URL was not found on the server. If you entered the URL manually please check your spelling and
try again.", which sent the reader looking for a typo in a path spelt right.
"""

from __future__ import annotations

import pytest
from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient

GATEWAY_ONLY = [
    ("GET", "/sim/v1/outbox/latest-code?user=sam", {}),
    ("GET", "/admin/v1/gateway", {"Authorization": f"Bearer {ADMIN_TOKEN}"}),
    ("POST", "/v1/api/tickle", {}),
    ("GET", "/v1/portal/iserver/auth/status", {}),
]


@pytest.mark.parametrize(("method", "path", "headers"), GATEWAY_ONLY)
def test_a_gateway_route_off_gateway_mode_says_how_to_turn_it_on(
    client: FlaskClient, method: str, path: str, headers: dict[str, str]
) -> None:
    answer = client.open(path, method=method, headers=headers)
    assert answer.status_code == 404 and answer.is_json, answer.status_code
    body = answer.get_json()
    assert body["error"] == "not_found", body
    assert "gateway mode" in body["message"] and "SLS_GATEWAY" in body["message"], body
    assert "setup.settings" in body["message"], body  # a scenario's way, beside the server's


def test_a_path_that_only_begins_like_one_is_not_told_so(client: FlaskClient) -> None:
    """``/sim/v1/outboxes`` is no route of gateway mode either: the gateway's words would mislead."""
    body = client.get("/sim/v1/outboxes").get_json()
    assert body["error"] == "not_found" and "gateway" not in body["message"], body

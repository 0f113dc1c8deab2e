"""Requests at the edges of routing and validation, each once answered outside the contract: an encoded
slash in a path segment (``/admin/v1/users/%2F/devices`` arrives as ``/admin/v1/users//devices``; Werkzeug
merged the slashes and answered an HTML 308 to another route), an OPTIONS, a length said in "entries"."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/v1/users/%2F/devices"),
        ("POST", "/admin/v1/users/%2F/devices"),
        ("GET", "/admin/v1/users/%2F/sessions"),
        ("GET", "/sim/v1/ibkey/%2F/notifications"),
        ("GET", "/api/v1//session"),
    ],
)
def test_an_encoded_or_doubled_slash_is_a_json_not_found(
    client: FlaskClient, admin_headers: dict[str, str], method: str, path: str
) -> None:
    answer = client.open(path, method=method, headers=admin_headers, json={"type": "totp"})
    assert answer.status_code == 404, (answer.status_code, answer.headers.get("Location"))
    assert answer.is_json and answer.get_json()["error"] == "not_found"


def test_options_is_a_json_405_naming_the_methods(client: FlaskClient) -> None:
    """Flask answered OPTIONS itself: 200 with an empty text/html body, outside the contract."""
    answer = client.open("/api/v1/auth/login", method="OPTIONS")
    assert answer.status_code == 405 and answer.is_json, (answer.status_code, answer.content_type)
    assert answer.get_json()["error"] == "method_not_allowed" and "POST" in answer.headers["Allow"]


def test_a_text_too_long_after_its_validator_is_said_in_characters(client: FlaskClient) -> None:
    """A length checked after a field's own validator comes from pydantic as "too_long" (of items): the
    number to pick was said to "hold at most 4 entries"."""
    path = "/sim/v1/ibkey/ibkey-000000000000/notifications/0123456789abcdef/approve"
    answer = client.post(path, json={"match": "ABCDEFGH", "pin": "12ab"})
    assert answer.status_code == 400 and answer.get_json()["field"] == "match", answer.get_json()
    assert answer.get_json()["message"].startswith("match must be at most 4 characters"), answer.get_json()

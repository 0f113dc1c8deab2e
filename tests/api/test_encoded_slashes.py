"""A percent-encoded slash in a path segment reaches the app decoded (``/admin/v1/users/%2F/devices`` is
``/admin/v1/users//devices``). Werkzeug merged the two slashes and answered an HTML 308 to another route
(the user named "devices"), and a POST a 405 with that route's methods. It now matches no route."""

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

"""A request without a session says how to send one, as a route without the admin token always has ("This
route needs Authorization: Bearer <admin token>."). An integration developer whose client sent the session
token under another scheme (``Authorization: Token ...``), or forgot it, read "Authentication is required."
and nothing about where the token goes. The code stays ``401 not_authenticated``.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

HINT = (
    "No session: send the login's session token as Authorization: Bearer <token>, or the session cookie "
    "the login set."
)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Token abc"}, {"Authorization": "Bearer"}])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/session"), ("POST", "/api/v1/session/tickle"), ("GET", "/api/v1/sessions")],
)
def test_no_session_says_how_to_send_one(
    client: FlaskClient, headers: dict[str, str], method: str, path: str
) -> None:
    answer = client.open(path, method=method, headers=headers)
    assert answer.status_code == 401
    assert answer.get_json() == {"error": "not_authenticated", "message": HINT}

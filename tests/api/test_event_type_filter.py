"""``GET /admin/v1/events?type=``: a type no server writes is the client's 400 naming ``type``, with the
nearest type there is. It answered ``200 []``, so a script's ``assert not events`` passed on a typo
(``login.sucess``) and checked nothing. A type the server writes, however rare, is read as before."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from sls_server.event_types import EVENT_TYPES


@pytest.mark.parametrize(
    ("typed", "nearest"),
    [("login.sucess", "login.succeeded"), ("sesion.logout", "session.logout"), ("LOGIN.SUCCEEDED", None)],
)
def test_a_type_no_server_writes_is_a_400_naming_type_and_the_nearest(
    client: FlaskClient, admin_headers: dict[str, str], typed: str, nearest: str | None
) -> None:
    answer = client.get("/admin/v1/events", query_string={"type": typed}, headers=admin_headers)
    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert (body["error"], body["field"]) == ("invalid_request", "type"), body
    assert body["message"].startswith(f"type {typed!r} is no event type the server writes"), body
    if nearest:
        assert body["message"].endswith(f"(did you mean {nearest}?)"), body


def test_a_part_of_a_type_is_refused_too(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    """A type is matched whole: ``login`` finds nothing, and says so rather than answer an empty page."""
    answer = client.get("/admin/v1/events", query_string={"type": "login"}, headers=admin_headers)
    assert (answer.status_code, answer.get_json()["field"]) == (400, "type")


@pytest.mark.parametrize("known", sorted(EVENT_TYPES))
def test_every_type_the_server_writes_is_read(
    client: FlaskClient, admin_headers: dict[str, str], known: str
) -> None:
    answer = client.get("/admin/v1/events", query_string={"type": known}, headers=admin_headers)
    assert answer.status_code == 200, answer.get_json()


def test_openapi_declares_the_400(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/admin/v1/events"]["get"]
    assert "400" in operation["responses"], operation["responses"].keys()
    (parameter,) = [p for p in operation["parameters"] if p["name"] == "type"]
    assert "400" in parameter["description"] and "nearest" in parameter["description"], parameter

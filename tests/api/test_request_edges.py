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
    number to pick was said to "hold at most 4 entries". It is now said in the document's words, a text of
    1-4 characters or an integer (``test_match_number.py``)."""
    path = "/sim/v1/ibkey/ibkey-000000000000/notifications/0123456789abcdef/approve"
    answer = client.post(path, json={"match": "ABCDEFGH", "pin": "12ab"})
    assert answer.status_code == 400 and answer.get_json()["field"] == "match", answer.get_json()
    assert answer.get_json()["message"] == (
        "match must be the number the login page shows: text of 1-4 characters, or an integer 0-9999"
    ), answer.get_json()


@pytest.mark.parametrize(
    ("method", "path", "takes"),
    [
        ("POST", "/admin/v1/clock/", "GET, HEAD, POST"),
        ("GET", "/api/v1/session/", "GET, HEAD"),
        ("POST", "/api/v1/auth/login/alice~txn-9/verify/", "POST"),
        ("GET", "/healthz/", "GET, HEAD"),
    ],
)
def test_a_trailing_slash_is_a_not_found_saying_the_path_without_it_is_a_route(
    client: FlaskClient, admin_headers: dict[str, str], method: str, path: str, takes: str
) -> None:
    """A client joining a base URL and a path got werkzeug's "The requested URL was not found on the server.
    If you entered the URL manually please check your spelling": nothing said the slash was the problem."""
    answer = client.open(path, method=method, headers=admin_headers, json={"advance_s": 1})
    assert answer.status_code == 404 and answer.is_json, answer.status_code
    assert answer.get_json() == {
        "error": "not_found",
        "message": f"No route ends with a slash: without it, this path is one, which takes {takes}.",
    }
    assert "txn-9" not in answer.get_data(as_text=True)  # the path (an id in it) is not echoed


def test_a_path_that_is_no_route_with_or_without_its_slash_is_a_plain_not_found(client: FlaskClient) -> None:
    answer = client.get("/api/v1/nothing-here/")
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"
    assert "slash" not in answer.get_json()["message"]


@pytest.mark.parametrize("query", ["limit=1&limit=2", "user=alice&user=bob", "type=a&since=1-0&type=b"])
def test_a_query_parameter_given_twice_is_refused_naming_it(
    client: FlaskClient, admin_headers: dict[str, str], query: str
) -> None:
    """``?user=alice&user=bob`` answered alice's events alone (the first value was read): a client asking
    for both was told nothing, and a proxy reading the last saw another request. A body's key given twice is
    refused; so is a parameter."""
    answer = client.get(f"/admin/v1/events?{query}", headers=admin_headers)
    name = query.split("=")[0]
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json() == {
        "error": "invalid_request",
        "field": name,
        "message": f"{name} is given more than once; each parameter may appear once",
    }


def test_a_query_parameter_no_route_reads_is_ignored_even_twice(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A cache-buster must not break a poller."""
    answer = client.get("/admin/v1/events?_=1&_=2&limit=5", headers=admin_headers)
    assert answer.status_code == 200, answer.get_json()
    assert client.get("/admin/v1/clock?advance_s=60&advance_s=1", headers=admin_headers).status_code == 200


@pytest.mark.parametrize(
    ("path", "takes"),
    [
        ("/api/v1/sessions/end-others", "POST"),
        ("/sim/v1/ibkey/migrate", "POST"),
        ("/api/v1/sessions/alice~0123456789abcdef", "DELETE"),
        ("/sim/v1/ibkey/ibkey-000000000000", "GET, HEAD"),
    ],
)
def test_a_405_names_the_methods_of_the_path_not_of_a_pattern_its_name_also_fits(
    client: FlaskClient, path: str, takes: str
) -> None:
    """``/api/v1/sessions/end-others`` is a route of its own (POST), and also fits
    ``/api/v1/sessions/<session_id>`` (DELETE): a schema-driven tester read ``Allow: POST, DELETE`` on it, a
    method the document does not list for that path (and ``GET`` on ``/sim/v1/ibkey/migrate``, from
    ``/sim/v1/ibkey/<device_id>``). A path that is a route of its own is answered with its own methods."""
    answer = client.open(path, method="OPTIONS")
    assert answer.status_code == 405, answer.get_json()
    assert answer.headers["Allow"] == takes
    assert answer.get_json()["message"] == f"This route takes {takes}, not OPTIONS."

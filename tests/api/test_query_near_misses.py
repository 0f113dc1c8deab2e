"""A query parameter that misspells one the route reads is refused, not ignored. ``GET /admin/v1/events
?username=carol`` (every body of the API says ``username``; this filter is ``user``) answered every user's
events, unfiltered, and a newcomer read someone else's trail as carol's. A parameter no route reads and
that is like none it does (a cache-buster's ``_``) is still ignored (``test_request_edges.py``)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

PASSWORD = "Correct-Horse-4-Battery"


@pytest.mark.parametrize(
    ("given", "meant"), [("username", "user"), ("types", "type"), ("limits", "limit"), ("user_id", "user")]
)
def test_a_misspelt_filter_is_refused_naming_the_one_meant(
    client: FlaskClient, admin_headers: dict[str, str], given: str, meant: str
) -> None:
    made = {"username": "bob", "password": PASSWORD}
    assert client.post("/admin/v1/users", json=made, headers=admin_headers).status_code == 201

    answer = client.get(f"/admin/v1/events?{given}=carol", headers=admin_headers)

    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert body["error"] == "invalid_request" and body["field"] == given
    assert f"did you mean {meant!r}" in body["message"] and "since, user, type, limit" in body["message"]


def test_the_parameter_it_names_filters_and_a_cache_buster_still_passes(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    for name in ("bob", "carol"):
        made = {"username": name, "password": PASSWORD}
        assert client.post("/admin/v1/users", json=made, headers=admin_headers).status_code == 201

    answer = client.get("/admin/v1/events?user=carol&_=17&t=18", headers=admin_headers)

    assert answer.status_code == 200, answer.get_json()
    assert {e.get("user") for e in answer.get_json()["events"]} == {"carol"}

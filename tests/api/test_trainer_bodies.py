"""A console action's body is a JSON object, or nothing: it was read leniently (``get_json(silent=True) or
{}``), so malformed JSON ran the action on ``{}`` and a JSON list reached it and answered a 500."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from page_forms import Console


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/trainer/clock", b"[1]"),  # a list: the action's body.get was a 500
        ("/trainer/clock", b'{"step": "freeze"'),  # cut short: "step must be one of ..."
        ("/trainer/users", b"{nope"),  # "username is required", of a body that was no JSON
    ],
)
def test_a_console_body_that_is_no_json_object_is_refused_naming_the_body(
    client: FlaskClient, path: str, body: bytes
) -> None:
    console = Console(client)
    answer = client.post(
        path, data=body, content_type="application/json", headers={"X-CSRF-Token": console.token}
    )
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json() == {
        "error": "invalid_request",
        "field": "body",
        "message": "the body must be a JSON object, sent as application/json",
    }


def test_garbage_sent_to_the_reset_resets_nothing(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    console = Console(client)
    made = client.post(
        "/admin/v1/users",
        json={"username": "max", "password": "Correct-Horse-Battery-9"},
        headers=admin_headers,
    )
    assert made.status_code == 201
    answer = client.post(
        "/trainer/reset",
        data=b"garbage",
        content_type="application/json",
        headers={"X-CSRF-Token": console.token},
    )
    assert (answer.status_code, answer.get_json()["field"]) == (400, "body")
    assert client.get("/admin/v1/users/max", headers=admin_headers).status_code == 200


def test_an_action_sent_without_a_body_still_runs(client: FlaskClient) -> None:
    console = Console(client)
    answer = client.post("/trainer/clock", headers={"X-CSRF-Token": console.token})
    assert (answer.status_code, answer.get_json()["field"]) == (400, "step")  # the action's own refusal

"""Which ``Content-Type`` a declared JSON body may come with (``validation.body``): ``application/json`` in
any case, with parameters, or any ``application/*+json``, as werkzeug's ``is_json`` judges; anything else
is a 400 naming ``body``, before the body is read. The exact ``application/json`` is judged without parsing
the header: the answers must be the same as werkzeug's for every type."""

from __future__ import annotations

import json

import pytest
from conftest import EnrolledUser

READ_AS_JSON = [
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON",
    "application/problem+json",
    " application/json",
]
REFUSED = ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "text/json"]


def _login(alice: EnrolledUser, content_type: str) -> tuple[int, object]:
    raw = json.dumps({"username": alice.username, "password": alice.password})
    answer = alice.client.post("/api/v1/auth/login", data=raw, headers={"Content-Type": content_type})
    return answer.status_code, answer.get_json()


@pytest.mark.parametrize("content_type", READ_AS_JSON)
def test_a_json_type_is_read(alice: EnrolledUser, content_type: str) -> None:
    status, body = _login(alice, content_type)
    assert status == 200, body


@pytest.mark.parametrize("content_type", REFUSED)
def test_another_type_is_refused_naming_the_body(alice: EnrolledUser, content_type: str) -> None:
    status, body = _login(alice, content_type)
    assert status == 400
    assert body == {
        "error": "invalid_request",
        "message": "the body must be JSON, sent with Content-Type: application/json",
        "field": "body",
    }

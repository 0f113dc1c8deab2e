"""Every JSON body is strict JSON (RFC 8259): a key given twice in one object is a 400 naming it (a body
crafted so that a WAF reads one username and the server another), and ``NaN``/``Infinity`` are not JSON
values. Refused before anything is done: no password checked, no event written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask import Flask
from flask.testing import FlaskClient

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
JSON = "application/json"


def _post(client: FlaskClient, path: str, raw: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    answer = client.post(path, data=raw, content_type=JSON, headers=headers or {})
    return answer.status_code, answer.get_json()


def _event_count(client: FlaskClient) -> int:
    return len(client.get("/admin/v1/events?limit=1000", headers=ADMIN).get_json()["events"])


@pytest.mark.parametrize(
    "template",
    [
        '{{"username":"nobody","username":"{user}","password":"{password}"}}',
        '{{"username":"{user}","username":"nobody","password":"{password}"}}',
        '{{"username":"nobody","user\\u006eame":"{user}","password":"{password}"}}',  # the same key, escaped
        '{{"username":"{user}","password":"x:y","password":"{password}"}}',
    ],
)
def test_a_key_given_twice_is_refused_naming_it_before_any_login(alice: EnrolledUser, template: str) -> None:
    raw = template.format(user=alice.username, password=alice.password)
    before = _event_count(alice.client)
    status, body = _post(alice.client, "/api/v1/auth/login", raw)
    assert status == 400, body
    field = "password" if raw.count('"password"') == 2 else "username"
    assert body == {
        "error": "invalid_request",
        "message": f"{field} is given more than once; each key may appear once",
        "field": field,
    }
    assert _event_count(alice.client) == before  # no password checked, no login.* event


def test_a_key_given_twice_deep_in_a_document_is_named_by_its_path(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    for name in ("amy", "ben"):
        made = client.post(
            "/admin/v1/users",
            json={"username": name, "password": "Correct-Horse-Battery-9"},
            headers=admin_headers,
        )
        assert made.status_code == 201
    document = client.get("/admin/v1/state/export", headers=admin_headers).get_json()
    raw = json.dumps(document)
    ben = json.dumps(document["users"][1]["record"])
    twice = raw.replace(ben, ben[:-1] + ', "paper": "1"}')
    assert twice != raw
    status, body = _post(client, "/admin/v1/state/import?replace=true", twice, admin_headers)
    assert (status, body["field"]) == (400, "users[1].record.paper"), body
    assert "index" not in body


def test_other_bodies_refuse_a_key_given_twice(alice: EnrolledUser) -> None:
    clock = _post(alice.client, "/admin/v1/clock", '{"advance_s": 60, "advance_s": null}', ADMIN)
    assert clock[0] == 400 and clock[1]["field"] == "advance_s"
    assert alice.client.get("/admin/v1/clock", headers=ADMIN).get_json()["offset_s"] == 0
    created = _post(
        alice.client,
        "/admin/v1/users",
        '{"username": "carl", "password": "Correct-Horse-Battery-9", "phone": "+15550100001", "phone": null}',
        ADMIN,
    )
    assert created[0] == 400 and created[1]["field"] == "phone"
    assert alice.client.get("/admin/v1/users/carl", headers=ADMIN).status_code == 404


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize(
    "template",
    ['{{"a": {c}}}', '{{"username": "alice", "password": "x", "extra": [{c}]}}', '{{"username": {c}}}'],
)
def test_nan_and_infinity_are_not_json(alice: EnrolledUser, constant: str, template: str) -> None:
    status, body = _post(alice.client, "/api/v1/auth/login", template.format(c=constant))
    assert (status, body) == (
        400,
        {
            "error": "invalid_request",
            "message": "the body is not valid JSON: NaN and Infinity are no JSON numbers",
            "field": "body",
        },
    )


def test_strict_bodies_still_log_in(alice: EnrolledUser, enrol: Any) -> None:
    """Colons and the words NaN and Infinity inside strings are text; the same key in two objects is no
    duplicate."""
    for password in ("NaN:Infinity:-Infinity:1", 'a":"b'):
        made = alice.client.post(
            "/admin/v1/users",
            json={"username": f"user{len(password)}", "password": password * 3},
            headers=ADMIN,
        )
        assert made.status_code == 201, made.get_json()
        started = alice.client.post(
            "/api/v1/auth/login", json={"username": f"user{len(password)}", "password": password * 3}
        )
        assert started.status_code == 403 and started.get_json()["error"] == "no_second_factor"
    alice.log_in()
    listed = alice.client.put(
        "/admin/v1/users/alice/ip-allowlist",
        json={"ip_allowlist": ["10.0.0.0/8", "::1", "127.0.0.1"]},
        headers=ADMIN,
    )
    assert listed.status_code == 200, listed.get_json()


def test_the_app_s_json_provider_is_strict_too(app: Flask) -> None:
    """What the pages read with ``request.get_json()``: the same refusals, as Flask's bad-JSON ValueError."""
    for text in ('{"a": 1, "a": 2}', '{"b": {"a": 1, "a": 2}}', '{"a": NaN}', "[Infinity]", "-Infinity"):
        with pytest.raises(ValueError):
            app.json.loads(text)
    assert app.json.loads('{"a": {"a": [1, {"a": 1.5}]}, "b": "NaN"}') == {
        "a": {"a": [1, {"a": 1.5}]},
        "b": "NaN",
    }


def test_first_duplicate_key_says_where() -> None:
    from sls_server.http.json_provider import first_duplicate_key

    assert first_duplicate_key('{"a": 1, "b": [{"c": 1}, {"c": 1, "d": {"e": 1, "e": 2}}]}') == (
        "b",
        1,
        "d",
        "e",
    )
    assert first_duplicate_key('{"a": 1, "b": {"a": 1}, "c": [{"a": 1}, {"a": 1}]}') is None
    assert first_duplicate_key('{"n": ' + "9" * 5000 + ', "n": 1}') == ("n",)  # no number is too long


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'\xef\xbb\xbf{"advance_s": 60}', "it starts with a byte order mark; send UTF-8 without one"),
        ('{"username": "\xe9t\xe9", "password": "x"}'.encode("latin-1"), "it is not UTF-8"),
    ],
)
def test_a_body_in_the_wrong_encoding_is_told_so(client: FlaskClient, raw: bytes, why: str) -> None:
    """A body saved "UTF-8 with BOM", or in Latin-1 under ``charset=latin-1``, got "the body is not valid
    JSON" alone: its author looked for a syntax error in a body that reads right."""
    answer = client.post(
        "/admin/v1/clock", data=raw, content_type="application/json; charset=latin-1", headers=ADMIN
    )
    assert answer.status_code == 400
    assert answer.get_json()["field"] == "body"
    assert answer.get_json()["message"].startswith("the body is not valid JSON: ")
    assert why in answer.get_json()["message"], answer.get_json()

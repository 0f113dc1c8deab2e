"""A body with several bad fields is refused with all of them.

The contract's 400 names one field; a form (the trainer's Add a user) then marked one field a submit, and
its user fixed them one round at a time. ``problems`` lists each field's refusal; ``field`` and ``message``
stay the first, so a client reading only those is unchanged.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def _refused(client: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/admin/v1/users", json=body, headers=headers)
    assert answer.status_code == 400, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def test_every_bad_field_of_a_body_is_named_once(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    body = {"username": "nora", "password": 12345, "phone": "555-0100", "colour": "red", "sms": "yes"}
    refused = _refused(client, admin_headers, body)
    fields = [p["field"] for p in refused["problems"]]
    assert sorted(fields) == ["colour", "password", "phone", "sms"], refused
    assert (refused["field"], refused["message"]) == (fields[0], refused["problems"][0]["message"])
    assert all(p["message"].startswith(p["field"]) or p["field"] in p["message"] for p in refused["problems"])
    assert client.get("/admin/v1/users/nora", headers=admin_headers).status_code == 404


def test_one_bad_field_has_no_problems_list(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    refused = _refused(client, admin_headers, {"username": "nora", "password": 12345})
    assert refused["field"] == "password" and "problems" not in refused


def test_bad_items_of_one_list_are_each_named(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    created = client.post(
        "/admin/v1/users",
        json={"username": "olga", "password": "Quiet-Harbor-Lamp-82"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.get_json()
    body = {"ip_allowlist": [7, "203.0.113.0/24", None]}
    answer = client.put("/admin/v1/users/olga/ip-allowlist", json=body, headers=admin_headers)
    refused = answer.get_json()
    assert answer.status_code == 400, refused
    assert [(p["field"], p["index"], p["entry"]) for p in refused["problems"]] == [
        ("ip_allowlist", 0, 7),
        ("ip_allowlist", 2, None),
    ]
    assert (refused["field"], refused["index"], refused["entry"]) == ("ip_allowlist", 0, 7)
    kept = client.get("/admin/v1/users/olga/ip-allowlist", headers=admin_headers)
    assert kept.status_code == 200 and kept.get_json()["ip_allowlist"] == [], kept.get_json()

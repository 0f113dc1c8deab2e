"""A 400's ``problems`` lists the rules judged after a body's shape beside what the shape refuses.

A username's form, the password policy and an allowlist's addresses were judged only once the shape
passed, and one at a time: a client fixed the phone, sent again, heard of the username, then of the
password. Every field at fault is now listed in one round, in the body's field order, each with its own
``code``; the answer is the first's (``error``, ``field``, ``message``, and ``reason`` for a weak password).
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from page_forms import Console
from spec_conformance import Conformance, served_spec  # noqa: F401 - served_spec: "spec"

PASSWORD = "Quiet-Harbor-Lamp-82"


def _problems(refused: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(p["field"], p["code"], p.get("index", p.get("reason"))) for p in refused["problems"]]


def test_a_new_user_s_username_form_phone_and_weak_password_are_listed_together(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    body = {"username": "x!", "password": "aaaaaaaaaa", "phone": "555-0100"}
    answer = client.post("/admin/v1/users", json=body, headers=admin_headers)
    refused = answer.get_json()
    assert answer.status_code == 400, refused
    assert _problems(refused) == [
        ("username", "invalid_request", None),
        ("password", "weak_password", "repetitive"),
        ("phone", "invalid_request", None),
    ], refused
    assert (refused["error"], refused["field"]) == ("invalid_request", "username"), refused
    assert refused["message"] == refused["problems"][0]["message"]
    assert refused["message"].startswith("username must be 3-64 characters"), refused
    assert "aaaaaaaaaa" not in answer.get_data(as_text=True)  # no secret in an error
    assert client.get("/admin/v1/users", headers=admin_headers).get_json()["users"] == []


def test_a_weak_password_first_leads_the_answer_with_its_own_code_and_reason(
    client: FlaskClient, admin_headers: dict[str, str], spec: dict[str, Any]
) -> None:
    """The shape passes: the core call's one judgement lists the policy and every bad address."""
    body = {"username": "nora", "password": "short", "ip_allowlist": ["10.0.0.300", "203.0.113.0/24", "x"]}
    refused = Conformance(client, spec).call(
        "post", "/admin/v1/users", "/admin/v1/users", 400, json=body, headers=admin_headers
    )
    assert _problems(refused) == [
        ("password", "weak_password", "too_short"),
        ("ip_allowlist", "invalid_request", 0),
        ("ip_allowlist", "invalid_request", 2),
    ], refused
    assert (refused["error"], refused["field"], refused["reason"]) == (
        "weak_password",
        "password",
        "too_short",
    )
    assert [p.get("entry") for p in refused["problems"]] == [None, "10.0.0.300", "x"]
    assert client.get("/admin/v1/users/nora", headers=admin_headers).status_code == 404


def test_every_bad_address_of_an_allowlist_is_listed_with_its_index(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/admin/v1/users", json={"username": "olga", "password": PASSWORD}, headers=admin_headers
    )
    assert created.status_code == 201, created.get_json()
    body = {"ip_allowlist": ["198.51.100.1", "not-an-address", "203.0.113.0/24", "10.0.0.0/33"]}
    answer = client.put("/admin/v1/users/olga/ip-allowlist", json=body, headers=admin_headers)
    refused = answer.get_json()
    assert answer.status_code == 400, refused
    assert [(p["field"], p["index"], p["entry"]) for p in refused["problems"]] == [
        ("ip_allowlist", 1, "not-an-address"),
        ("ip_allowlist", 3, "10.0.0.0/33"),
    ], refused
    assert (refused["field"], refused["index"], refused["entry"]) == ("ip_allowlist", 1, "not-an-address")
    kept = client.get("/admin/v1/users/olga/ip-allowlist", headers=admin_headers).get_json()
    assert kept["ip_allowlist"] == [], kept


def test_an_unknown_key_and_bad_addresses_are_listed_together(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The shape refuses the unknown key; the addresses it let through are judged beside it."""
    body = {"account_id": "U1", "users": ["no!", "ok-name"], "ip_allowlist": ["256.1.1.1"], "colour": 1}
    answer = client.post("/admin/v1/accounts", json=body, headers=admin_headers)
    refused = answer.get_json()
    assert answer.status_code == 400, refused
    assert [(p["field"], p.get("index")) for p in refused["problems"]] == [
        ("users", 0),
        ("ip_allowlist", 0),
        ("colour", None),
    ], refused
    assert client.get("/admin/v1/accounts", headers=admin_headers).get_json()["accounts"] == []


def test_a_password_body_s_other_fields_and_the_policy_are_listed_together(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/admin/v1/users", json={"username": "olga", "password": PASSWORD}, headers=admin_headers
    )
    assert created.status_code == 201, created.get_json()
    reset = client.put(
        "/admin/v1/users/olga/password",
        json={"password": "olga-olga-1", "end_sessions": 1},
        headers=admin_headers,
    ).get_json()
    assert _problems(reset) == [
        ("password", "weak_password", "contains_username"),
        ("end_sessions", "invalid_request", None),
    ], reset
    assert reset["error"] == "weak_password"
    own = client.post(
        "/api/v1/account/password", json={"current_password": 7, "new_password": "1234"}
    ).get_json()
    assert _problems(own) == [
        ("current_password", "invalid_request", None),
        ("new_password", "weak_password", "too_short"),
    ], own
    recovery = {"recovery_token": "short", "new_password": "bbbbbbbbbb"}
    recovered = client.post("/api/v1/auth/recovery/password", json=recovery).get_json()
    assert _problems(recovered) == [
        ("recovery_token", "invalid_request", None),
        ("new_password", "weak_password", "repetitive"),
    ], recovered
    login = client.post("/api/v1/auth/login", json={"username": "olga", "password": PASSWORD}).get_json()
    assert login["error"] == "no_second_factor", login  # the password is still the one it was


def test_the_trainer_s_add_a_user_and_the_admin_api_list_the_same_problems(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """One judgement behind both: the form adds its authenticator's own refusals after the user's."""
    fields = {"username": ".Nora", "password": "x.nora-2024", "phone": "+1555"}
    api = client.post("/admin/v1/users", json=fields, headers=admin_headers).get_json()
    form = Console(client).post("/trainer/users", {**fields, "device": {"type": "totp"}}, status=400)
    assert form["problems"] == api["problems"], (form, api)
    assert _problems(api) == [
        ("username", "invalid_request", None),
        ("password", "weak_password", "contains_username"),  # the username as typed, though refused
        ("phone", "invalid_request", None),
    ], api
    assert client.get("/admin/v1/users", headers=admin_headers).get_json()["users"] == []

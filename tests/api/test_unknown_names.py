"""A name typed at login that is no user's never reaches the trail or the log lines written from it: it may
be the password, typed one field too early. Its events carry ``detail.unknown_username`` and a keyed
reference (``name_ref``) instead, the same for every attempt at that name, by which an administrator who
knows the name still finds them. A user's own name is written as before."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient
from test_audit_trail import all_events

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
#: Has a username's shape, so it is counted and locked under its own name: a password typed as the name.
TYPED_PASSWORD = "Correct-Horse-Battery-9"
ATTEMPT_TYPES = {"login.password_failed", "account.locked", "login.refused"}


def attempts_at(client: FlaskClient, *names: str) -> list[int]:
    """One wrong password at each name, in order: the statuses."""
    return [
        client.post("/api/v1/auth/login", json={"username": name, "password": "whatever-it-is"}).status_code
        for name in names
    ]


def failed_passwords(client: FlaskClient) -> list[dict[str, Any]]:
    return [e for e in all_events(client) if e["type"] == "login.password_failed"]


def test_a_password_typed_as_the_name_is_written_nowhere(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    statuses = attempts_at(client, *[TYPED_PASSWORD] * 7)  # wrong five times, locked, refused
    assert statuses[:5] == [401] * 5 and 423 in statuses[5:]
    events = [e for e in all_events(client) if e["type"] in ATTEMPT_TYPES]
    assert {e["type"] for e in events} == ATTEMPT_TYPES
    assert all("user" not in e and e["detail"]["unknown_username"] is True for e in events), events
    assert len({e["detail"]["name_ref"] for e in events}) == 1, "one name, one reference"
    written = json.dumps(events) + "\n".join(record.getMessage() for record in caplog.records)
    assert TYPED_PASSWORD.lower() not in written.lower()


def test_a_user_is_still_named_and_each_unknown_name_has_its_own_reference(
    alice: EnrolledUser, client: FlaskClient
) -> None:
    attempts_at(client, "alice", "mallory", "mallory", "trent")
    failed = failed_passwords(client)
    assert [e.get("user") for e in failed] == ["alice", None, None, None]
    assert "name_ref" not in failed[0].get("detail", {})
    mallory, again, trent = (e["detail"]["name_ref"] for e in failed[1:])
    assert mallory == again != trent


def test_an_administrator_who_knows_the_name_finds_its_attempts(
    alice: EnrolledUser, client: FlaskClient
) -> None:
    attempts_at(client, "mallory", "mallory", "trent", "alice")

    def of(user: str) -> list[str]:
        page = client.get("/admin/v1/events", query_string={"user": user}, headers=ADMIN).get_json()
        return [e["type"] for e in page["events"] if e["type"] == "login.password_failed"]

    assert of("mallory") == ["login.password_failed"] * 2
    assert of("Trent") == ["login.password_failed"]  # asked as typed: the name's canonical form
    assert of("alice") == ["login.password_failed"]
    assert of("nobody-tried") == []


def test_an_account_created_after_the_attempts_is_named_from_then_on(client: FlaskClient) -> None:
    attempts_at(client, "mallory")
    created = client.post(
        "/admin/v1/users", json={"username": "mallory", "password": "Tr0ub4dor-and-3-more"}, headers=ADMIN
    )
    assert created.status_code == 201
    attempts_at(client, "mallory")
    assert [e.get("user") for e in failed_passwords(client)] == [None, "mallory"]

"""State import checks each record as the server would use it, not only as text it can parse back: a password
hash the hasher never writes, or a whole number the scripts cannot count with, is a 400 naming the list and
its index, and Redis is left exactly as it was."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_state_transfer import export, snapshot

PASSWORD = "Correct-Horse-Battery-9"
NAMES = ("amy", "ben", "cat", "dan")


@pytest.fixture
def document(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    """Four users (dan has a card), exported."""
    for name in NAMES:
        made = client.post(
            "/admin/v1/users", json={"username": name, "password": PASSWORD}, headers=admin_headers
        )
        assert made.status_code == 201, made.get_json()
    card = client.post(
        "/admin/v1/users/dan/devices", json={"type": "dscplus", "pin": "2468"}, headers=admin_headers
    )
    assert card.status_code == 201, card.get_json()
    exported = export(client, admin_headers)
    assert [user["record"]["username"] for user in exported["users"]] == sorted(NAMES)
    return exported


def _import(client: FlaskClient, headers: dict[str, str], document: dict[str, Any]) -> Any:
    return client.post("/admin/v1/state/import?replace=true", json=document, headers=headers)


@pytest.mark.parametrize(
    ("value", "taken"),
    [
        ("99999999999999999999", False),
        ("9007199254740992", False),
        ("-1000", False),
        ("9007199254740991", True),
    ],
)
def test_a_count_the_scripts_cannot_use_is_refused(
    client: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    document: dict[str, Any],
    value: str,
    taken: bool,
) -> None:
    """Past 64 bits ``HINCRBY`` answers ERR (the next wrong response was a 500); a negative failure count is
    extra guesses; past 2**53 Lua's numbers are no longer exact."""
    changed = copy.deepcopy(document)
    changed["devices"][0]["factor_failures"] = value
    before = snapshot(redis_url)
    answer = _import(client, admin_headers, changed)
    if taken:
        assert answer.status_code == 200, answer.get_json()
        return
    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert (body["field"], body["index"]) == ("devices", 0)
    assert "factor_failures" in body["message"]
    assert snapshot(redis_url) == before

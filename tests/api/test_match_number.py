"""The number an IB Key approval picks (``match``) is text or a JSON number, as the document says: a string
of 1-4 characters, or an integer 0-9999. An integration developer's generated client validated its bodies
against the document and met three disagreements: ``42.0`` (an integer, as JSON Schema has it, and as every
other integer of a body is read: ``test_whole_numbers.py``) was refused "match must be a string"; ``-1``
(below the document's minimum) was taken as the text ``"-1"``; ``99999`` (above its maximum) was refused
"match may hold at most 4 entries", as if it were a list. Each is now what the document says, and a refusal
is a 400 naming ``match`` that counts nothing against the app or the login.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ibkey_world import World, ibkey_world, push_login  # noqa: F401  (the world fixture)
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

APPROVAL = {"$ref": "#/components/schemas/IbKeyApproveRequest"}
NUMBER_FORM = "match must be the number the login page shows: text of 1-4 characters, or an integer 0-9999"


def _approve_raw(world: World, app: str, note: dict[str, Any], raw_match: str) -> Any:
    return world.client.post(
        f"/sim/v1/ibkey/{app}/notifications/{note['id']}/approve",
        data=f'{{"match": {raw_match}, "pin": "12ab"}}',
        content_type="application/json",
    )


def test_the_number_written_with_a_zero_fraction_approves_the_push(
    world: World, spec: dict[str, Any]
) -> None:
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    raw = f"{int(started['factor']['match'])}.0"
    assert schema_errors(spec, APPROVAL, json.loads(f'{{"match": {raw}, "pin": "12ab"}}')) == []
    approved = _approve_raw(world, app, note, raw)
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved", approved.get_json()
    assert world.poll(started["txn_id"])["state"] == "authenticated"


@pytest.mark.parametrize("raw", ["-1", "10000", "99999", "42.5", "-0.5", "1e400"])
def test_a_number_the_document_refuses_is_a_400_naming_match(
    world: World, spec: dict[str, Any], raw: str
) -> None:
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    if raw != "1e400":  # not a number Python's json reads as finite
        assert schema_errors(spec, APPROVAL, json.loads(f'{{"match": {raw}, "pin": "12ab"}}')) != []
    refused = _approve_raw(world, app, note, raw)
    assert refused.status_code == 400, refused.get_json()
    assert refused.get_json() == {"error": "invalid_request", "field": "match", "message": NUMBER_FORM}
    assert world.poll(started["txn_id"])["state"] == "pending"  # nothing changed: the push still waits
    assert [n["id"] for n in world.notifications(app)] == [note["id"]]

"""The admin's unlock of a card racing a change of its holders: the unlock clears the card's count and every
holder's strikes on it, so the holders it clears must be the card's as the clearing lands. It holds the
card's turn (``sls_server.turns``) from its read of the card to the clearing, as a share and a sharer's
taking off hold it through their writes: a change of the holders runs before the unlock or after it, never
between its read and its clearing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import (
    ADMIN,
    alices_card,
    app_with_limit,
    race_once,
    started_on_card,
    verify_answer,
    wrong_response,
)
from flask import Flask
from flask.testing import FlaskClient


def _share(client: FlaskClient, username: str, device_id: str) -> Any:
    body = {"type": "dscplus", "share_device_id": device_id}
    return client.post(f"/admin/v1/users/{username}/devices", json=body, headers=ADMIN)


def _bob_without_a_card(client: FlaskClient, alice: EnrolledUser) -> EnrolledUser:
    """Bob, his own card revoked: once alice's card is shared with him, his logins answer on it."""
    bob = EnrolledUser(client, ADMIN, "bob", "5678")
    revoked = client.delete(f"/admin/v1/users/bob/devices/{bob.device_id}", headers=ADMIN)
    assert revoked.status_code == 200, revoked.get_json()
    bob.device_id, bob.pin = alice.device_id, alice.pin
    return bob


def _after_the_unlocks_read(
    monkeypatch: pytest.MonkeyPatch, app: Flask, device_id: str, then: Any
) -> list[Any]:
    """Arm ``then`` to run, to its answer, right after the next read of the card (the unlock's)."""
    devices = app.extensions["sls"].store.devices
    return race_once(monkeypatch, devices, "get", then, when=lambda wanted: wanted == device_id)


def test_a_share_racing_the_unlock_leaves_no_strikes_above_the_cards_count(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's wrong response counts 1 on her card (limit 2). The unlock read the card with alice alone; bob
    was shared on it and gave a wrong response (his strikes start from the card's count: 2, and the card's
    2 disabled it)
    before the unlock cleared the count and alice's strikes. His stayed at 2 on a card enabled at no count:
    his right answers refused as a disabled card's (423 ``device_locked``) until another unlock. The unlock
    holds the card's turn from its read: the racing share meets it (429 ``device_busy``, its pauses skipped,
    not waited) and lands after, from the card's own count."""
    monkeypatch.setattr("sls_server.turns._pause", lambda _s: None)
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = _bob_without_a_card(client, alice)
    spent = started_on_card(alice)
    assert verify_answer(client, spent, wrong_response(spent[2])).get_json()["error"] == "invalid_response"

    def share_then_wrong() -> tuple[int, str | None]:
        other = app.test_client()
        shared = _share(other, "bob", alice.device_id)
        if shared.status_code != 201:
            return shared.status_code, shared.get_json()["error"]
        bob.client = other  # the unlock's request holds the test's own client
        try:
            txn = started_on_card(bob)
            return shared.status_code, verify_answer(other, txn, wrong_response(txn[2])).get_json()["error"]
        finally:
            bob.client = client

    raced = _after_the_unlocks_read(monkeypatch, app, alice.device_id, share_then_wrong)
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN)
    assert unlocked.status_code == 200, unlocked.get_json()
    assert raced[0] in ((429, "device_busy"), (201, "device_locked")), raced
    if raced[0][0] == 429:  # sent again once the turn is free
        assert _share(client, "bob", alice.device_id).status_code == 201
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"], card["strikes"]) == (False, 0, []), card
    assert bob.log_in()


def test_the_owners_deletion_racing_the_unlock_leaves_no_unlock_of_a_card_that_is_gone(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice, and her card, deleted after the unlock read the card: the unlock went on to record
    ``device.unlocked`` of a card that was gone, naming a user deleted before it, then answered 404
    ``unknown_device``. Holding the card's turn, the unlock runs before the deletion (which meets the turn:
    429 ``device_busy``) or after it (404 with nothing recorded), and its answer is the card it unlocked."""
    monkeypatch.setattr("sls_server.turns._pause", lambda _s: None)
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    spent = started_on_card(alice)
    assert verify_answer(client, spent, wrong_response(spent[2])).get_json()["error"] == "device_locked"
    raced = _after_the_unlocks_read(
        monkeypatch,
        app,
        alice.device_id,
        lambda: app.test_client().delete("/admin/v1/users/alice", headers=ADMIN).status_code,
    )
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN)
    assert raced == [429], raced
    assert unlocked.status_code == 200, unlocked.get_json()
    assert (unlocked.get_json()["factor_locked"], unlocked.get_json()["device_id"]) == (
        False,
        alice.device_id,
    )
    types = [e["type"] for e in trail(client, ADMIN, user="alice")]  # oldest first
    assert "user.deleted" not in types or types[-1] == "user.deleted", types

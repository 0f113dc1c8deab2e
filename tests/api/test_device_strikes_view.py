"""The admin's view of a device carries its users' wrong-response strikes on it (read on the users' slots):
a user left with strikes at the limit on a card enabled at no count (a step that ended between its two
writes) is refused as if the card were disabled, and the view showed nothing wrong with the card."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, alices_card, app_with_limit, started_on_card, verify_answer, wrong_response
from flask import Flask


class StepEnded(Exception):
    """The process answering a wrong response ended between its two writes."""


def _wrong_answer_whose_step_ends_after_the_strike(app: Flask, alice: EnrolledUser) -> None:
    """A wrong response settled on alice's slot (her strike, by the login's own script) whose step ends
    before the card's count is written (``DeviceLockout.failed``, on the card's slot)."""
    lockout = app.extensions["sls"].device_lockout
    with pytest.MonkeyPatch.context() as patch:

        def ended(*args: Any, **kwargs: Any) -> bool:
            raise StepEnded()

        patch.setattr(lockout, "failed", ended)
        login = started_on_card(alice)
        ended_early = verify_answer(app.test_client(), login, wrong_response(login[2]))
        assert ended_early.status_code == 500, ended_early.get_json()


def test_a_users_strikes_on_an_enabled_card_are_in_its_view_until_the_unlock_clears_them(
    app_config: dict[str, Any],
) -> None:
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    assert alices_card(client)["strikes"] == []
    _wrong_answer_whose_step_ends_after_the_strike(app, alice)
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (False, 0)
    assert card["strikes"] == [{"username": "alice", "count": 1}]
    refused = started_on_card(alice)
    assert verify_answer(client, refused, refused[2]).get_json()["error"] == "device_locked"
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN)
    assert unlocked.status_code == 200, unlocked.get_json()
    assert (unlocked.get_json()["strikes_cleared"], unlocked.get_json()["strikes"]) == (["alice"], [])
    assert [e["detail"] for e in trail(client, ADMIN, "device.unlocked")] == [{"strikes_cleared": ["alice"]}]
    assert alices_card(client)["strikes"] == []
    assert alice.log_in()


def test_a_shared_cards_view_lists_each_user_holding_strikes_on_it(app_config: dict[str, Any]) -> None:
    """Bob's wrong response on alice's card, shared with him, is his strike (on his slot) and the card's
    count; alice's list shows whose it is, and the unlock that clears the count clears it too."""
    app = app_with_limit(app_config, 3)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    EnrolledUser(client, ADMIN, "bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = client.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN)
    assert shared.status_code in (200, 201), shared.get_json()
    assert shared.get_json()["strikes"] == []
    started = client.post(
        "/api/v1/auth/login", json={"username": "bob", "password": "Correct-Horse-3-Battery"}
    )
    txn, token = started.get_json()["txn_id"], started.get_json()["login_token"]
    if started.get_json()["factor"]["device_id"] != alice.device_id:
        card = {"type": "dscplus", "device_id": alice.device_id}
        switched = client.post(
            f"/api/v1/auth/login/{txn}/factor", json=card, headers={"X-Login-Token": token}
        )
        assert switched.status_code == 200, switched.get_json()
    assert verify_answer(client, (txn, token, ""), "00000000").status_code == 401
    card = alices_card(client)
    assert (card["factor_failures"], card["strikes"]) == (1, [{"username": "bob", "count": 1}])
    bobs = client.get("/admin/v1/users/bob/devices", headers=ADMIN).get_json()["devices"]
    assert [d["strikes"] for d in bobs if d["device_id"] == alice.device_id] == [card["strikes"]]
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN).get_json()
    assert (unlocked["factor_failures"], unlocked["strikes"]) == (0, [])

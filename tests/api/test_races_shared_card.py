"""A card shared by several users: a right answer racing another user's wrong ones that disable the card,
and every user's strikes following the card's own count (see ``test_races_device_lock_session``; a card
shared, or taken from a user, while a right answer is checked: ``test_races_card_shared_midway``)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import (  # noqa: F401 - arm_during_check: the during_check fixture
    ADMIN,
    Login,
    alices_card,
    alices_sessions,
    app_with_limit,
    arm_during_check,
    login_state,
    sharer,
    started_on_card,
    verify_answer,
    wrong_response,
    wrongs,
)
from ibkey_world import UNLOCK, World, push_login

from sls_server.store import connect, keys


def test_a_sharer_checked_while_the_owner_disables_the_shared_card_gets_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """Bob answers on alice's card, shared with him, one wrong response from its limit; alice's wrong one
    disables it meanwhile. Bob's strikes do not hold alice's: his right answer's clearing of the card's count
    (``device_success.lua``) finds it disabled, and he is refused the same."""
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = EnrolledUser(client, ADMIN, "bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = client.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN)
    assert shared.status_code in (200, 201), shared.get_json()
    spent = started_on_card(alice)
    assert verify_answer(client, spent, wrong_response(spent[2])).status_code == 401  # one to go
    started = client.post("/api/v1/auth/login", json={"username": "bob", "password": bob.password}).get_json()
    if started["factor"]["device_id"] != alice.device_id:
        card = {"type": "dscplus", "device_id": alice.device_id}
        switched = client.post(
            f"/api/v1/auth/login/{started['txn_id']}/factor",
            json=card,
            headers={"X-Login-Token": started["login_token"]},
        )
        assert switched.status_code == 200, switched.get_json()
        started = {**started, **switched.get_json()}
    right = (started["txn_id"], started["login_token"], alice.card_response(started["factor"]["challenge"]))
    wrong = started_on_card(alice)
    raced = during_check(app, lambda: verify_answer(app.test_client(), wrong, wrong_response(wrong[2])))
    done = verify_answer(client, right, right[2])
    assert raced[0].get_json()["error"] == "device_locked"
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    listed = client.get("/admin/v1/users/bob/sessions", headers=ADMIN).get_json()["sessions"]
    assert not listed


@pytest.mark.parametrize("limit", [1, 2])
def test_a_sharer_checked_while_the_owner_disables_the_shared_card_from_no_count_gets_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]], limit: int
) -> None:
    """The card read with no wrong responses: bob's right answer clears no count (no step on the card's
    slot for a card one user holds), and alice's wrong ones, the limit's worth of them while bob's answer is
    checked, struck her slot, not his. The shared card is asked again after the check (was 200: a session
    through a card alice's guesses had disabled)."""
    app = app_with_limit(app_config, limit)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = sharer(client, alice)
    right = started_on_card(bob)
    raced = during_check(app, lambda: wrongs(app.test_client(), alice, limit))
    done = verify_answer(client, right, right[2])
    assert raced[0] == ["invalid_response"] * (limit - 1) + ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    listed = client.get("/admin/v1/users/bob/sessions", headers=ADMIN).get_json()["sessions"]
    assert not listed
    assert login_state(client, right) == "pending"
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (True, limit)


def test_a_sharer_checked_while_the_owner_guesses_short_of_the_limit_logs_in(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """The question is whether the card is disabled, not whether it was guessed at: alice's wrong response
    short of the limit while bob's answer is checked leaves bob his session."""
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = sharer(client, alice)
    right = started_on_card(bob)
    raced = during_check(app, lambda: wrongs(app.test_client(), alice, 1))
    done = verify_answer(client, right, right[2])
    assert raced[0] == ["invalid_response"]
    assert done.status_code == 200, done.get_json()


def test_a_sharers_step_up_checked_while_the_owner_disables_the_shared_card_is_refused(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """A step-up is settled by ``login_verify.lua`` on bob's slot, judging his strikes only: alice's wrong
    response disabling the card meanwhile is seen by the card's own slot, asked before the settling."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = sharer(client, alice)
    bearer = {"Authorization": f"Bearer {bob.log_in()}"}
    opened = client.post("/api/v1/verify", json={"purpose": "change_security"}, headers=bearer)
    assert opened.status_code == 200, opened.get_json()
    step = opened.get_json()
    assert step["factor"]["device_id"] == alice.device_id, step
    answer = bob.card_response(step["factor"]["challenge"])
    raced = during_check(app, lambda: wrongs(app.test_client(), alice, 1))
    done = client.post("/api/v1/verify", json={"txn_id": step["txn_id"], "response": answer}, headers=bearer)
    assert raced[0] == ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert client.get("/api/v1/session", headers=bearer).status_code == 200  # not rotated: no step-up


def test_an_approval_checked_while_a_wrong_response_disables_the_ib_key_is_refused(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An IB Key push: its approval is settled by ``login_verify.lua``, and a wrong challenge/response
    answer on another login disables the app's key meanwhile (limit 1): the approval is refused, the poll
    gets no session. (A wrong number picked on a push strikes nothing since push bombing could use it to
    disable the victim's key; a wrong response typed from the app still does.)"""
    app = app_with_limit(app_config, 1)
    world = World(app.test_client(), ADMIN)
    phone = world.activated_user("alice", "ios")
    right, right_note = push_login(world, "alice", phone)
    turned = world.client.put(f"/sim/v1/ibkey/{phone}/settings", json={"notifications": False})
    assert turned.status_code == 200, turned.get_json()
    other = World(app.test_client(), ADMIN)
    typed = other.login("alice")
    assert typed["factor"]["mode"] == "challenge", typed["factor"]  # no push: challenge/response
    factor = app.extensions["sls"].factors.get("ibkey")
    real = factor.check_approval
    raced: list[Any] = []

    def check_then(*args: Any, **kwargs: Any) -> Any:
        verdict = real(*args, **kwargs)
        if not raced:
            raced.append(None)
            with ThreadPoolExecutor(1) as pool:
                raced[0] = pool.submit(other.verify, typed["txn_id"], "00000000").result()
        return verdict

    monkeypatch.setattr(factor, "check_approval", check_then)
    approved = world.approve(phone, right_note, right["factor"]["match"], **UNLOCK["ios"])
    assert raced[0].get_json()["error"] == "device_locked", raced[0].get_json()
    assert approved.status_code == 423, approved.get_json()  # was 200, and the poll's session
    assert approved.get_json()["error"] == "device_locked"
    polled = world.poll(right["txn_id"])
    assert polled["state"] == "pending" and "session" not in polled, polled


def test_a_sharers_right_answers_clearing_the_owners_wrong_ones_do_not_lock_the_owner_out(
    app_config: dict[str, Any],
) -> None:
    """Bob's right answers clear the shared card's count, alice's wrong ones in it: her strikes on it go with
    them. They stayed, and piled up over such rounds until a right answer of hers was refused as a disabled
    card's (423 ``device_locked``) on a card enabled and at no count, with nothing for the admin's unlock to
    clear."""
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = sharer(client, alice)
    for _ in range(2):
        assert wrongs(client, alice, 1) == ["invalid_response"]
        assert bob.log_in()
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (False, 0)
    right = started_on_card(alice)
    done = verify_answer(client, right, right[2])
    assert done.status_code == 200, done.get_json()


def test_a_user_taken_off_a_card_and_given_it_again_answers_from_the_cards_own_count(
    app_config: dict[str, Any],
) -> None:
    """Bob's wrong response disabled the shared card (his strikes on it at the limit); he was taken off it,
    the card unlocked for its one user, then shared with him again. His strikes from before stayed: his
    right answers were refused as a disabled card's (423) on a card enabled at no count, and the admin's
    unlock, finding nothing on the card to clear, changed nothing."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = sharer(client, alice)
    assert wrongs(client, bob, 1) == ["device_locked"]
    off = client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=ADMIN)
    assert off.status_code == 200, off.get_json()
    assert client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN).status_code == 200
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    assert client.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN).status_code in (200, 201)
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (False, 0)
    assert bob.log_in()


def test_the_admins_unlock_lets_in_a_user_whose_strikes_stand_above_an_enabled_cards_count(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """A wrong response struck on alice's slot whose count on the card never landed (its process ended
    between the two steps): her strikes stand at the limit on a card enabled at no count, and her right
    answer is refused as a disabled card's. The admin's unlock, the remedy that 423 names, found nothing on
    the card to clear and cleared nothing; it clears the card's users' strikes either way."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    strikes = connect(redis_url)
    try:
        strikes.hset(keys.user_device_strikes("alice"), alice.device_id, 1)  # the step that struck, alone
    finally:
        strikes.close()
    refused = started_on_card(alice)
    assert verify_answer(client, refused, refused[2]).get_json()["error"] == "device_locked"
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN)
    assert unlocked.status_code == 200, unlocked.get_json()
    assert alice.log_in()


def test_an_unlock_that_cleared_only_strikes_says_so_and_is_recorded(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """The unlock that let alice in again (above) answered as one with nothing to clear and left no event:
    the CLI said "nothing changed". It answers whose strikes it cleared, and records ``device.unlocked``
    naming them; an unlock after it, with nothing left, answers none and records nothing."""
    client = app_with_limit(app_config, 1).test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    strikes = connect(redis_url)
    try:
        strikes.hset(keys.user_device_strikes("alice"), alice.device_id, 1)
    finally:
        strikes.close()
    path = f"/admin/v1/devices/{alice.device_id}/unlock"
    unlocked = client.post(path, headers=ADMIN).get_json()
    assert (unlocked["factor_locked"], unlocked["strikes_cleared"]) == (False, ["alice"])
    events = trail(client, ADMIN, "device.unlocked")
    assert [e["detail"] for e in events] == [{"strikes_cleared": ["alice"]}]
    assert client.post(path, headers=ADMIN).get_json()["strikes_cleared"] == []
    assert len(trail(client, ADMIN, "device.unlocked")) == 1

"""A card its one user's right answer read as theirs alone, shared (or taken from a user) while the answer is
checked: the new user's wrong responses strike their own slot, which the step settling the right answer
does not judge, so the share marks the holders' slots (``lua/lib/device_strikes.lua``) and the card is
asked; a taken-off user's wrong response no longer counts on it (see ``test_races_shared_card``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser
from device_race_kit import (  # noqa: F401 - arm_during_check: the during_check fixture
    ADMIN,
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
from flask import Flask


def _shared_then_disabled(app: Flask, alice: EnrolledUser, limit: int) -> Callable[[], list[str]]:
    """What runs while alice's right answer is checked, her card hers alone as the step read it: the card
    shared with bob (his own revoked), who gives the limit's worth of wrong responses and disables it; what
    each of his was told."""

    def run() -> list[str]:
        other = app.test_client()
        return wrongs(other, sharer(other, alice), limit)

    return run


@pytest.mark.parametrize("limit", [1, 2])
def test_a_card_shared_while_its_one_users_answer_is_checked_and_disabled_by_the_sharer_gives_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]], limit: int
) -> None:
    """Alice's verify read her card with one user, so it did not ask the card's slot after the check; bob,
    given the card meanwhile, disabled it with wrong responses that struck his slot, not hers. The share
    marks her slot before the card names bob, and her session's step, finding the mark, has the card asked
    (was 200: a session through a card disabled while her answer was checked)."""
    app = app_with_limit(app_config, limit)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    right = started_on_card(alice)
    raced = during_check(app, _shared_then_disabled(app, alice, limit))
    done = verify_answer(client, right, right[2])
    assert raced[0] == ["invalid_response"] * (limit - 1) + ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert not alices_sessions(client)
    assert login_state(client, right) == "pending"
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"], card["shared_with"]) == (True, limit, ["bob"])


def test_a_card_shared_again_while_its_one_users_answer_is_checked_and_disabled_gives_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """Bob was given the card and taken off it before alice's login: the first share's mark names a version
    before the one her verify read. Given it again while her answer is checked, his wrong response disabling
    it, the second share's mark names the version she read: the card is asked (was 200)."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = sharer(client, alice)
    off = client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=ADMIN)
    assert off.status_code == 200, off.get_json()
    right = started_on_card(alice)
    share = {"type": "dscplus", "share_device_id": alice.device_id}

    def shared_again() -> list[str]:
        other = app.test_client()
        assert other.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN).status_code in (200, 201)
        bob.client = other
        return wrongs(other, bob, 1)

    raced = during_check(app, shared_again)
    done = verify_answer(client, right, right[2])
    assert raced[0] == ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert not alices_sessions(client)


def test_a_card_shared_while_its_one_users_answer_is_checked_still_logs_in_when_not_disabled(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """The mark has the card asked, not the answer refused: shared and guessed at short of the limit while
    alice's answer is checked, the card stays enabled and she gets her session."""
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    right = started_on_card(alice)
    raced = during_check(app, _shared_then_disabled(app, alice, 1))
    done = verify_answer(client, right, right[2])
    assert raced[0] == ["invalid_response"]
    assert done.status_code == 200, done.get_json()


def test_a_step_up_on_a_card_shared_and_disabled_while_it_is_checked_is_refused(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """The step-up's settling step (``login_verify.lua``, on alice's slot) finds the share's mark as the
    session's does: the card is asked, and found disabled (was 200, a step-up through it)."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bearer = {"Authorization": f"Bearer {alice.log_in()}"}
    opened = client.post("/api/v1/verify", json={"purpose": "change_security"}, headers=bearer)
    assert opened.status_code == 200, opened.get_json()
    step = opened.get_json()
    answer = alice.card_response(step["factor"]["challenge"])
    raced = during_check(app, _shared_then_disabled(app, alice, 1))
    done = client.post("/api/v1/verify", json={"txn_id": step["txn_id"], "response": answer}, headers=bearer)
    assert raced[0] == ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert client.get("/api/v1/session", headers=bearer).status_code == 200  # not rotated: no step-up


def test_a_recovery_on_a_card_shared_and_disabled_while_it_is_checked_is_refused(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """A password recovery's card step is settled as a step-up's: the share's mark has the card asked, and
    the recovery stays unverified (was 200, and a new password)."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    phone = "+15555550126"
    assert client.put("/admin/v1/users/alice/phone", json={"phone": phone}, headers=ADMIN).status_code == 200
    token = client.post("/api/v1/auth/recovery", json={"username": "alice"}).get_json()["recovery_token"]
    texts = client.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"]
    code = next(m["code"] for m in texts if m["purpose"] == "password_recovery")
    step = client.post("/api/v1/auth/recovery/code", json={"recovery_token": token, "code": code}).get_json()
    assert step["factor"]["device_id"] == alice.device_id, step
    answer = {"recovery_token": token, "response": alice.card_response(step["factor"]["challenge"])}
    raced = during_check(app, _shared_then_disabled(app, alice, 1))
    done = client.post("/api/v1/auth/recovery/verify", json=answer)
    assert raced[0] == ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    new = {"recovery_token": token, "new_password": "Violet-Harbour-Lantern-42"}
    assert client.post("/api/v1/auth/recovery/password", json=new).status_code == 401


def test_a_wrong_response_landing_on_the_card_after_its_user_was_taken_off_does_not_disable_it(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's wrong response is settled on his slot while he holds the shared card, and counted on the card
    only after he was taken off it, while alice's right answer, her card hers alone as read, is checked.
    It disabled the card under her answer, which her strikes alone never saw (was 200: a session through a
    disabled card). A wrong response now counts on the card only from a user it serves as it is counted."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = sharer(client, alice)
    lockout = app.extensions["sls"].device_lockout
    real, held, go = lockout.failed, threading.Event(), threading.Event()

    def failed_later(*args: Any, **kwargs: Any) -> bool:
        held.set()
        assert go.wait(30)
        return bool(real(*args, **kwargs))

    monkeypatch.setattr(lockout, "failed", failed_later)
    wrong = started_on_card(bob)
    with ThreadPoolExecutor(1) as pool:
        bobs = pool.submit(verify_answer, app.test_client(), wrong, wrong_response(wrong[2]))
        assert held.wait(30)
        off = client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=ADMIN)
        assert off.status_code == 200, off.get_json()
        right = started_on_card(alice)
        during_check(app, lambda: (go.set(), bobs.result())[1])
        done = verify_answer(client, right, right[2])
    assert done.status_code == 200, done.get_json()
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"], card["shared_with"]) == (False, 0, [])
    assert bobs.result().get_json()["error"] == "invalid_response", bobs.result().get_json()


def test_a_step_up_on_a_card_shared_and_taken_off_before_it_was_read_does_not_ask_the_card(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The share's mark stays on alice's slot, naming the card's version before the share: her step-up reads
    a later one, the card hers alone again, and its settling step does not send it to ask the card (a round
    trip only a card shared since the read pays)."""
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    sharer(client, alice)
    off = client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=ADMIN)
    assert off.status_code == 200, off.get_json()
    lockout = app.extensions["sls"].device_lockout
    real, asked = lockout.disabled_since_shared, []

    def asking(device_id: str) -> bool:
        asked.append(device_id)
        return bool(real(device_id))

    monkeypatch.setattr(lockout, "disabled_since_shared", asking)
    alice.step_up()
    assert not asked

"""A right response racing the wrong one that disables its authenticator gets no session.

A verify reads the login and its device in its first round trip, checks the response, then creates the
session (``session_create.lua``, on the user's slot). A wrong response to another login on the same card,
landing between the two and reaching ``SLS_DEVICE_FAILURE_LIMIT`` (``device_failure.lua``, on the card's own
slot), disabled the card; the right one, checked against the card as it was, still got its session: a
login completed through a card already disabled. Every wrong response is now counted first in its user's
slot (``login_verify.lua``: the user's strikes on that device, a count never below the card's own), and the
session's script judges that count in the same step that creates the session: at the limit, 423
``device_locked`` as for a disabled card, no session, the login left pending.

A card shared by several users is judged on the answering user's strikes, and another user's wrong
responses strike theirs: a shared card is also asked on its own slot whether it is disabled, after the right
answer is checked and before it is settled; and every user's strikes on it follow its own count (a right
answer clearing the count clears them all, a user given the card starts from its count, the admin's unlock
clears them even on a card with nothing to clear), so none is refused as if it were disabled while it is not.

The wrong response is a real request from another client, made while the right one is being checked
(between the verify's read and its session), so the window is hit every time.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser
from device_race_kit import (  # noqa: F401 - arm_during_check: the during_check fixture
    ADMIN,
    Login,
    alices_card,
    alices_sessions,
    app_with_limit,
    arm_during_check,
    login_state,
    started_on_card,
    verify_answer,
    wrong_response,
)


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_right_response_checked_while_a_wrong_one_disables_the_card_gets_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]], limit: int
) -> None:
    """The card one wrong response from its limit (1: any wrong one disables it, and the verify read no
    count, so nothing but the session's own step can see the lock)."""
    app = app_with_limit(app_config, limit)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    for _ in range(limit - 1):
        spent = started_on_card(alice)
        told = verify_answer(client, spent, wrong_response(spent[2]))
        assert told.status_code == 401 and told.get_json()["error"] == "invalid_response", told.get_json()
    right, wrong, later = started_on_card(alice), started_on_card(alice), started_on_card(alice)
    raced = during_check(app, lambda: verify_answer(app.test_client(), wrong, wrong_response(wrong[2])))
    done = verify_answer(client, right, right[2])
    assert raced[0].status_code == 423 and raced[0].get_json()["error"] == "device_locked"
    assert done.status_code == 423, done.get_json()  # was 200: a session through a card already disabled
    assert done.get_json()["error"] == "device_locked"
    assert done.get_json() == verify_answer(client, later, later[2]).get_json()  # as a card found disabled
    assert not alices_sessions(client)
    assert login_state(client, right) == "pending"
    card = alices_card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (True, limit)


def test_a_right_response_whose_count_was_cleared_before_the_card_was_disabled_gets_no_session(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The right response clears the card's count (``device_success.lua``) before the wrong ones land: it
    takes the limit's worth of them, all between that clearing and the session, to disable the card."""
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    spent = started_on_card(alice)
    assert verify_answer(client, spent, wrong_response(spent[2])).status_code == 401  # one to go
    right, wrong = started_on_card(alice), started_on_card(alice)
    lockout = app.extensions["sls"].device_lockout
    real = lockout.succeeded
    raced: list[Any] = []

    def cleared_then_guessed(device: Any) -> Any:
        cleared = real(device)
        other = app.test_client()
        with ThreadPoolExecutor(1) as pool:
            raced.extend(
                pool.submit(verify_answer, other, wrong, wrong_response(wrong[2])).result() for _ in range(2)
            )
        return cleared

    monkeypatch.setattr(lockout, "succeeded", cleared_then_guessed)
    done = verify_answer(client, right, right[2])
    assert [r.get_json()["error"] for r in raced] == ["invalid_response", "device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert not alices_sessions(client)
    assert login_state(client, right) == "pending"


def test_a_wrong_response_racing_a_right_one_short_of_the_limit_leaves_the_login_and_the_count_alone(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """One wrong response in, the limit 3: the racing wrong one is told ``invalid_response`` and the right
    one gets its session; the card counts on from there as the strikes do (3 more disable it, 2 do not)."""
    app = app_with_limit(app_config, 3)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    spent = started_on_card(alice)
    assert verify_answer(client, spent, wrong_response(spent[2])).status_code == 401
    right, wrong = started_on_card(alice), started_on_card(alice)
    raced = during_check(app, lambda: verify_answer(app.test_client(), wrong, wrong_response(wrong[2])))
    done = verify_answer(client, right, right[2])
    assert raced[0].status_code == 401, raced[0].get_json()
    assert done.status_code == 200, done.get_json()
    assert alices_card(client)["factor_failures"] == 0
    for _ in range(2):
        again = started_on_card(alice)
        assert verify_answer(client, again, wrong_response(again[2])).status_code == 401
    # two wrong ones since the right one: not disabled, by the card nor by the strikes a step-up judges
    # before it clears the card's count (the session's step cleared the ones its answer cleared)
    assert alice.step_up(done.get_json()["session"]["token"])
    for told in ("invalid_response", "invalid_response", "device_locked"):
        again = started_on_card(alice)
        assert verify_answer(client, again, wrong_response(again[2])).get_json()["error"] == told
    assert alices_card(client)["factor_locked"] is True


def test_a_card_the_admin_enables_again_logs_in_at_once(app_config: dict[str, Any]) -> None:
    """The admin's unlock clears the user's strikes on the card with its count: the next right response is
    not refused as if the card were still disabled."""
    app = app_with_limit(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    spent = started_on_card(alice)
    assert verify_answer(client, spent, wrong_response(spent[2])).get_json()["error"] == "device_locked"
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN)
    assert unlocked.status_code == 200, unlocked.get_json()
    assert alice.log_in()


def test_a_step_up_clears_the_strikes_it_clears_on_the_card(app_config: dict[str, Any]) -> None:
    """A step-up's right response clears the card's count after its answer is settled: the user's strikes
    on it go too, so the wrong ones before it do not count towards a later step-up's."""
    app = app_with_limit(app_config, 3)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    token = alice.log_in()
    for _ in range(2):
        spent = started_on_card(alice)
        assert verify_answer(client, spent, wrong_response(spent[2])).status_code == 401
    token = alice.step_up(token)
    assert alices_card(client)["factor_failures"] == 0
    for _ in range(2):
        spent = started_on_card(alice)
        assert verify_answer(client, spent, wrong_response(spent[2])).status_code == 401
    assert alice.step_up(token)  # judged before it clears the count: 4 strikes, had the first 2 stayed


def test_a_step_up_checked_while_a_wrong_response_disables_the_card_is_refused(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """A step-up's answer is settled by ``login_verify.lua`` (no session of its own): the same judgement."""
    app = app_with_limit(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bearer = {"Authorization": f"Bearer {alice.log_in()}"}
    spent = started_on_card(alice)
    assert verify_answer(client, spent, wrong_response(spent[2])).status_code == 401  # one to go
    wrong = started_on_card(alice)
    opened = client.post("/api/v1/verify", json={"purpose": "change_security"}, headers=bearer)
    assert opened.status_code == 200, opened.get_json()
    step = opened.get_json()
    answer = alice.card_response(step["factor"]["challenge"])
    raced = during_check(app, lambda: verify_answer(app.test_client(), wrong, wrong_response(wrong[2])))
    done = client.post("/api/v1/verify", json={"txn_id": step["txn_id"], "response": answer}, headers=bearer)
    assert raced[0].get_json()["error"] == "device_locked"
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert client.get("/api/v1/session", headers=bearer).status_code == 200  # not rotated: no step-up

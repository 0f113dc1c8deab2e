"""A login's second-factor step at its expiry, and after the clock is moved back.

At ``expires_at - 1`` the answer is taken; at ``expires_at`` and after, 410 ``challenge_expired`` (and a
poll says ``expired``). A client told so used to see the same login ``pending`` again, and authenticate with
it, once the clock was moved back before ``expires_at``: the refusal was computed, never recorded. Now the
step found expired is marked so, whichever door found it (an answer, a poll, a switch).
"""

from __future__ import annotations

import pytest
from conftest import EnrolledUser, move_clock


def _set_at(alice: EnrolledUser, headers: dict[str, str], at: int) -> None:
    moved = alice.client.post("/admin/v1/clock", json={"set_at": at}, headers=headers)
    assert moved.status_code == 200, moved.get_json()


def _poll(alice: EnrolledUser, txn_id: str) -> str:
    polled = alice.client.get(f"/api/v1/auth/login/{txn_id}")
    assert polled.status_code == 200, polled.get_json()
    return polled.get_json()["state"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("delta", "taken"), [(-1, True), (0, False), (1, False)])
def test_the_answer_is_taken_until_expires_at_and_not_from_it(
    alice: EnrolledUser, admin_headers: dict[str, str], delta: int, taken: bool
) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    _set_at(alice, admin_headers, started["expires_at"] + delta)
    assert _poll(alice, started["txn_id"]) == ("pending" if taken else "expired")
    answered = alice.verify(started["txn_id"], response)
    assert answered.status_code == (200 if taken else 410), answered.get_json()


@pytest.mark.parametrize("door", ["verify", "poll", "switch"])
def test_a_login_told_it_expired_stays_expired_when_the_clock_goes_back(
    alice: EnrolledUser, admin_headers: dict[str, str], door: str
) -> None:
    started = alice.start_login()
    txn_id = started["txn_id"]
    response = alice.card_response(started["factor"]["challenge"])
    _set_at(alice, admin_headers, started["expires_at"])
    if door == "verify":
        told = alice.verify(txn_id, response)
        assert told.status_code == 410 and told.get_json()["error"] == "challenge_expired"
    elif door == "poll":
        assert _poll(alice, txn_id) == "expired"
    else:
        told = alice.client.post(f"/api/v1/auth/login/{txn_id}/factor", json={"type": "dscplus"})
        assert told.status_code == 410, told.get_json()
    move_clock(alice.client, admin_headers, -10)
    assert _poll(alice, txn_id) == "expired"  # was "pending"
    again = alice.verify(txn_id, response)
    assert again.status_code == 410, again.get_json()  # was 200 with a session

"""A step-up ("verify your identity") at the end of its freshness, and after the clock is moved back.

``valid_until - 1``: the withdrawal goes through; ``valid_until``: 401 ``reauth_required``. A session told
so used to find the same step-up fresh again once the clock was moved back: the deadline stayed in the
session. A step-up found stale is now forgotten by the request that finds it. Likewise a step-up's own
challenge polled past its expiry stays expired.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, move_clock


def _verified(alice: EnrolledUser) -> tuple[dict[str, str], int]:
    token = alice.log_in()
    headers = {"Authorization": f"Bearer {token}"}
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=headers).get_json()
    response = alice.card_response(opened["factor"]["challenge"])
    done = alice.client.post(
        "/api/v1/verify", json={"txn_id": opened["txn_id"], "response": response}, headers=headers
    ).get_json()
    assert done["state"] == "verified", done
    return {"Authorization": f"Bearer {done['session']['token']}"}, int(done["valid_until"])


def _withdraw(alice: EnrolledUser, headers: dict[str, str]) -> Any:
    return alice.client.post("/api/v1/withdrawals", json={"amount": 10, "currency": "USD"}, headers=headers)


@pytest.mark.parametrize(("delta", "fresh"), [(-1, True), (0, False), (1, False)])
def test_a_step_up_counts_until_valid_until_and_not_from_it(
    alice: EnrolledUser, admin_headers: dict[str, str], delta: int, fresh: bool
) -> None:
    headers, valid_until = _verified(alice)
    now = move_clock(alice.client, admin_headers, 0)
    move_clock(alice.client, admin_headers, valid_until + delta - now)
    answer = _withdraw(alice, headers)
    if fresh:
        assert answer.status_code != 401, answer.get_json()
    else:
        assert answer.status_code == 401 and answer.get_json()["error"] == "reauth_required"


def test_a_stale_step_up_stays_stale_when_the_clock_goes_back(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    headers, valid_until = _verified(alice)
    now = move_clock(alice.client, admin_headers, 0)
    move_clock(alice.client, admin_headers, valid_until - now)
    assert _withdraw(alice, headers).get_json()["error"] == "reauth_required"
    move_clock(alice.client, admin_headers, -10)
    again = _withdraw(alice, headers)
    assert again.status_code == 401 and again.get_json()["error"] == "reauth_required"  # was 200


def test_a_step_up_challenge_polled_expired_stays_expired(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    token = alice.log_in()
    headers = {"Authorization": f"Bearer {token}"}
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=headers).get_json()
    response = alice.card_response(opened["factor"]["challenge"])
    now = move_clock(alice.client, admin_headers, 0)
    move_clock(alice.client, admin_headers, opened["expires_at"] - now)
    polled = alice.client.post("/api/v1/verify", json={"txn_id": opened["txn_id"]}, headers=headers)
    assert polled.get_json()["state"] == "expired", polled.get_json()
    move_clock(alice.client, admin_headers, -10)
    again = alice.client.post(
        "/api/v1/verify", json={"txn_id": opened["txn_id"], "response": response}, headers=headers
    )
    assert again.status_code == 410, again.get_json()  # was verified

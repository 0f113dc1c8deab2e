"""The temporary lock at its edge, and after the clock is moved back.

At ``locked_until - 1`` a login gets 423 with ``retry_after: 1``; at ``locked_until`` it goes through, so a
client that waits exactly ``retry_after`` gets in. Moving the clock back used to stretch the lock (a 60 s lock
answered ``retry_after: 3660`` an hour back, longer than ``SLS_LOCKOUT_MAX_WAIT``) and to bring back a lock
that had already ended. A lock placed more than ``STAMP_SKEW_S`` after "now" has not happened on the clock in
force (as the sliding windows' attempts), and one seen to end stays ended; one placed less than that after
"now" is a racing request's, and holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, move_clock

from sls_server.store.records.lockout import STAMP_SKEW_S

WAIT = 60  # SLS_LOCKOUT_WAIT_INCREMENT's default: the first lock's length


def _attempt(alice: EnrolledUser, password: str | None = None) -> Any:
    return alice.client.post(
        "/api/v1/auth/login", json={"username": alice.username, "password": password or alice.password}
    )


def _lock(alice: EnrolledUser) -> None:
    for _ in range(5):
        assert _attempt(alice, "wrong-password-1").status_code == 401
    locked = _attempt(alice)
    assert locked.status_code == 423 and locked.get_json()["retry_after"] == WAIT


def _lockout(alice: EnrolledUser, admin_headers: dict[str, str]) -> dict[str, Any]:
    answer = alice.client.get(f"/admin/v1/users/{alice.username}/lockout", headers=admin_headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["buckets"]["all"]  # type: ignore[no-any-return]


def test_a_client_that_waits_exactly_retry_after_gets_in(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    _lock(alice)
    move_clock(alice.client, admin_headers, WAIT - 1)
    early = _attempt(alice)
    assert early.status_code == 423
    assert early.get_json()["retry_after"] == 1 and early.headers["Retry-After"] == "1"
    assert _lockout(alice, admin_headers)["retry_after"] == 1
    move_clock(alice.client, admin_headers, 1)
    assert _lockout(alice, admin_headers)["locked"] is False
    assert _attempt(alice).status_code == 200


@pytest.mark.parametrize("back", [STAMP_SKEW_S + 1, 3600])
def test_moving_the_clock_back_never_stretches_a_lock(
    alice: EnrolledUser, admin_headers: dict[str, str], back: int
) -> None:
    _lock(alice)
    move_clock(alice.client, admin_headers, -back)
    status = _lockout(alice, admin_headers)
    assert status["retry_after"] is None or status["retry_after"] <= WAIT, status
    answer = _attempt(alice)
    assert answer.status_code == 200, answer.get_json()  # was 423, retry_after WAIT + back


@pytest.mark.parametrize("behind", [1, STAMP_SKEW_S])
def test_a_lock_placed_after_a_racing_requests_now_holds_for_it(
    alice: EnrolledUser, admin_headers: dict[str, str], behind: int
) -> None:
    """Two requests racing across a second (or one slow between reading the clock and reaching Redis)
    disagree about "now": the one behind must still find the lock the other placed, or it would clear it and
    start a fresh count of wrong passwords (a lockout bypass). The clock moved back ``behind`` seconds is
    that request's view."""
    _lock(alice)
    move_clock(alice.client, admin_headers, -behind)
    locked = _attempt(alice, "wrong-password-1")
    assert locked.status_code == 423, locked.get_json()
    assert locked.get_json()["retry_after"] == WAIT + behind
    assert _lockout(alice, admin_headers)["locked"] is True


def test_a_lock_that_ended_does_not_come_back_when_the_clock_goes_back(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    _lock(alice)
    move_clock(alice.client, admin_headers, WAIT)
    assert _attempt(alice, "wrong-password-1").status_code == 401  # judged again: the lock is over
    move_clock(alice.client, admin_headers, -WAIT // 2)
    assert _lockout(alice, admin_headers)["locked"] is False
    answer = _attempt(alice)
    assert answer.status_code == 200, answer.get_json()  # was 423, retry_after 29


def test_a_lock_placed_after_the_clock_went_back_is_a_full_lock(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    _lock(alice)
    move_clock(alice.client, admin_headers, -3600)
    _attempt(alice, "wrong-password-1")  # the earlier lock is not in force back here: counted
    for _ in range(4):
        assert _attempt(alice, "wrong-password-1").status_code == 401
    locked = _attempt(alice)
    assert locked.status_code == 423 and locked.get_json()["retry_after"] == 2 * WAIT  # the second lock

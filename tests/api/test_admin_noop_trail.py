"""The audit trail records what happened, not what was asked: an unlock of an account with nothing to clear,
a reset of a card neither locked nor counting wrong PINs, an unlock of an authenticator that was not disabled
each wrote their event all the same, so the trail showed resets of cards that were never locked. Each
still answers 200 with the state as it is; only an action that changed something is recorded."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _count(alice: EnrolledUser, type_: str) -> int:
    listed = alice.client.get(f"/admin/v1/events?type={type_}&limit=1000", headers=ADMIN).get_json()
    return len(listed["events"])


def _post(alice: EnrolledUser, path: str) -> None:
    answer = alice.client.post(path, headers=ADMIN)
    assert answer.status_code == 200, answer.get_json()


def test_an_unlock_with_nothing_to_unlock_is_not_recorded(alice: EnrolledUser) -> None:
    _post(alice, "/admin/v1/users/alice/unlock")
    assert _count(alice, "account.unlocked") == 0
    wrong = {"username": "alice", "password": "not-alice-password-1"}
    assert [alice.client.post("/api/v1/auth/login", json=wrong).status_code for _ in range(5)][-1] == 401
    _post(alice, "/admin/v1/users/alice/unlock")
    _post(alice, "/admin/v1/users/alice/unlock")
    assert _count(alice, "account.unlocked") == 1  # the one that cleared the lock


def test_a_reset_of_a_card_that_was_not_locked_is_not_recorded(alice: EnrolledUser) -> None:
    _post(alice, f"/admin/v1/devices/{alice.device_id}/reset")
    assert _count(alice, "card.reset") == 0
    wrong = alice.client.post(
        f"/sim/v1/dscplus/{alice.device_id}/respond", json={"pin": "0000", "challenge": "123456"}
    )
    assert wrong.status_code == 403
    _post(alice, f"/admin/v1/devices/{alice.device_id}/reset")  # clears the wrong-PIN count
    _post(alice, f"/admin/v1/devices/{alice.device_id}/reset")
    assert _count(alice, "card.reset") == 1


def test_an_unlock_of_an_authenticator_that_was_not_disabled_is_not_recorded(alice: EnrolledUser) -> None:
    _post(alice, f"/admin/v1/devices/{alice.device_id}/unlock")
    assert _count(alice, "device.unlocked") == 0

"""A login transaction has one absolute lifetime and a budget of switches (security review):
each factor switch once rewrote its expiry, so a login could be kept alive forever."""

from __future__ import annotations

from conftest import EnrolledUser, move_clock

from sls_server.auth.prompts import LIFETIME_TTLS, SWITCH_LIMIT

TTL = 300  # SLS_CHALLENGE_TTL's default, which the app fixture keeps


def _switch(alice: EnrolledUser, txn_id: str):  # type: ignore[no-untyped-def]
    return alice.client.post(f"/api/v1/auth/login/{txn_id}/factor", json={"type": "dscplus"})


def test_switching_never_extends_a_login_past_its_lifetime(alice: EnrolledUser, admin_headers) -> None:
    started = alice.start_login()
    begun = started["expires_at"] - TTL
    deadline = begun + LIFETIME_TTLS * TTL
    moved = 0
    for _ in range(SWITCH_LIMIT):
        moved = move_clock(alice.client, admin_headers, TTL - 10) - begun
        switched = _switch(alice, started["txn_id"])
        if moved >= LIFETIME_TTLS * TTL:
            assert switched.status_code == 410
            break
        assert switched.status_code == 200, switched.get_json()
        assert switched.get_json()["expires_at"] <= deadline
    assert moved >= LIFETIME_TTLS * TTL, "the loop must have crossed the lifetime"
    late = alice.client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()
    assert late["state"] == "expired"


def test_a_login_dies_after_its_switch_budget(alice: EnrolledUser) -> None:
    started = alice.start_login()
    for _ in range(SWITCH_LIMIT):
        assert _switch(alice, started["txn_id"]).status_code == 200
    exhausted = _switch(alice, started["txn_id"])
    assert exhausted.status_code == 429 and exhausted.get_json()["error"] == "login_exhausted"
    status = alice.client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()
    assert status["state"] == "expired" and status["reason"] == "too_many_switches"
    challenge = alice.client.get(f"/sim/v1/dscplus/{alice.device_id}").get_json()
    assert challenge  # the card is fine; only this login is dead
    dead = alice.verify(started["txn_id"], "12345678")
    assert dead.status_code == 429 and dead.get_json()["error"] == "login_exhausted"

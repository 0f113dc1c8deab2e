"""A device revoked while a login that uses it is being verified: the login gets no session.

The verify reads the login and its device in its first round trip, checks the response, then creates the
session, which settles the login (``session_create.lua``, on the user's slot). A revoke landing between the
two (the device's record is on its own slot, which the session's script cannot read on a Cluster) went
unseen: the verify, checked against the device as it was, handed out a session after the administrator had
been told the card was revoked. Revoking now also marks, in one script per user on the user's slot, every
login of theirs in progress on that device (``logins_device_revoked.lua``), after the device's own record:
a verify that read the device before the revoke meets the mark when it creates the session. The login stays
pending, as after any revoke, and may switch to another factor; an approved push not yet collected ends.

The revoke is a real admin request from another client, made while the verify is in flight: from the
response's check (between the verify's read and its session), so the window is hit every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser
from flask import Flask
from ibkey_world import UNLOCK, World, push_login


@pytest.fixture
def revoke_during_check(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., list[Any]]]:
    """Arm a revoke (``DELETE /admin/v1/users/<user>/devices/<device>``) to run, to its answer, from another
    client on another thread while the next response of factor ``type_`` is being checked; the answers."""
    answers: list[Any] = []

    def arm(type_: str, user: str, device_id: str, headers: dict[str, str]) -> list[Any]:
        factor = app.extensions["sls"].factors.get(type_)
        real = factor.check

        def check_then_revoke(*args: Any, **kwargs: Any) -> bool:
            right = bool(real(*args, **kwargs))
            path = f"/admin/v1/users/{user}/devices/{device_id}"
            with ThreadPoolExecutor(1) as pool:
                answers.append(pool.submit(app.test_client().delete, path, headers=headers).result())
            return right

        monkeypatch.setattr(factor, "check", check_then_revoke)
        return answers

    yield arm


def _sessions(alice: EnrolledUser, headers: dict[str, str], user: str = "alice") -> list[Any]:
    listed = alice.client.get(f"/admin/v1/users/{user}/sessions", headers=headers)
    assert listed.status_code == 200, listed.get_json()
    return listed.get_json()["sessions"]  # type: ignore[no-any-return]


def test_a_card_revoked_while_its_response_is_checked_gets_no_session(
    alice: EnrolledUser, admin_headers: dict[str, str], revoke_during_check: Callable[..., list[Any]]
) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    revoked = revoke_during_check("dscplus", "alice", alice.device_id, admin_headers)
    done = alice.verify(started["txn_id"], response)
    assert [r.status_code for r in revoked] == [200]
    assert revoked[0].get_json()["status"] == "revoked"
    assert done.status_code == 403, done.get_json()  # was 200: a session from a card already revoked
    assert done.get_json()["error"] == "device_inactive"
    assert not _sessions(alice, admin_headers)
    assert alice.client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()["state"] == "pending"


@pytest.mark.parametrize("revoked_by", ["alice", "bob"])
def test_a_shared_card_revoked_while_a_sharer_verifies_gets_no_session(
    enrol: Callable[..., EnrolledUser],
    admin_headers: dict[str, str],
    revoke_during_check: Callable[..., list[Any]],
    revoked_by: str,
) -> None:
    """Revoked by its owner (the card goes, for everyone), or taken off the user it is shared with. The login
    goes on with the user's own card."""
    alice = enrol("alice", "1234")
    bob = enrol("bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = bob.client.post("/admin/v1/users/bob/devices", json=share, headers=admin_headers)
    assert shared.status_code in (200, 201), shared.get_json()
    bob.device_id, bob.pin = alice.device_id, alice.pin
    started = bob.client.post("/api/v1/auth/login", json={"username": "bob", "password": bob.password})
    assert started.status_code == 200, started.get_json()
    txn = started.get_json()
    if txn["factor"]["device_id"] != alice.device_id:
        card = {"type": "dscplus", "device_id": alice.device_id}
        switched = bob.client.post(f"/api/v1/auth/login/{txn['txn_id']}/factor", json=card)
        assert switched.status_code == 200, switched.get_json()
        txn = {**txn, **switched.get_json()}
    response = bob.card_response(txn["factor"]["challenge"])
    revoked = revoke_during_check("dscplus", revoked_by, alice.device_id, admin_headers)
    done = bob.verify(txn["txn_id"], response)
    assert [r.status_code for r in revoked] == [200]
    assert done.status_code == 403, done.get_json()
    assert done.get_json()["error"] == "device_inactive"
    assert not _sessions(bob, admin_headers, "bob")
    own = {"type": "dscplus", "device_id": bob.card["device_id"]}
    switched = bob.client.post(f"/api/v1/auth/login/{txn['txn_id']}/factor", json=own)
    assert switched.status_code == 200, switched.get_json()
    bob.device_id, bob.pin = bob.card["device_id"], "5678"
    answered = bob.verify(txn["txn_id"], bob.card_response(switched.get_json()["factor"]["challenge"]))
    assert answered.status_code == 200, answered.get_json()


def test_an_ib_key_revoked_after_it_approved_a_push_gives_the_poll_no_session(
    app: Flask, admin_headers: dict[str, str]
) -> None:
    """Approved in the app, not yet collected by the login page's poll, then revoked: no session."""
    world = World(app.test_client(), admin_headers)
    phone = world.activated_user("alice", "ios")
    started, note = push_login(world, "alice", phone)
    approved = world.approve(phone, note, started["factor"]["match"], **UNLOCK["ios"])
    assert approved.status_code == 200, approved.get_json()
    gone = world.client.delete(f"/admin/v1/users/alice/devices/{phone}", headers=admin_headers)
    assert gone.status_code == 200, gone.get_json()
    polled = world.poll(started["txn_id"])
    assert polled["state"] == "expired" and polled["reason"] == "device_revoked"  # was authenticated
    assert "session" not in polled


def test_an_ib_key_replaced_by_a_new_phone_after_it_approved_a_push_gives_the_poll_no_session(
    app: Flask, admin_headers: dict[str, str]
) -> None:
    """One smartphone per user: a new phone's activation replaces the old one, whose approval, not yet
    collected by the login's poll, then counts for nothing."""
    world = World(app.test_client(), admin_headers)
    old = world.activated_user("alice", "ios")
    started, note = push_login(world, "alice", old)
    approved = world.approve(old, note, started["factor"]["match"], **UNLOCK["ios"])
    assert approved.status_code == 200, approved.get_json()
    world.activated("alice", "android")
    assert world.device("alice", old)["status"] == "replaced"
    polled = world.poll(started["txn_id"])
    assert polled["state"] == "expired" and polled["reason"] == "device_revoked"  # was authenticated
    assert "session" not in polled

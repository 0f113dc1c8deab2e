"""What the audit trail says of IB Key's pushes: the story told without a secret, and each answer at the
address of the login that sent it (the trainer's feed reads an approval of an attacker's login from there)."""

from __future__ import annotations

import json
from typing import Any

from ibkey_world import PASSWORD, PHONES, World, ibkey_world, push_login  # noqa: F401  (the world fixture)

from sls_server.web.event_words import sentence

ATTACKER = {"REMOTE_ADDR": "198.51.100.77"}


def _attackers_login(world: World) -> dict[str, Any]:
    """alice's password typed at the attacker's address: a login whose push her phone gets."""
    started: dict[str, Any] = world.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, environ_base=ATTACKER
    ).get_json()
    return started


def _pick_a_wrong_number(world: World, app: str, txn: dict[str, Any]) -> None:
    """alice picks a number other than the one ``txn`` (a login or a step-up) shows, on its push: refused
    (401), number matching ending it."""
    note = world.note_for(app, txn["txn_id"])
    wrong = next(c for c in note["candidates"] if c != txn["factor"]["match"])
    assert world.approve(app, note, wrong, pin="12ab").status_code == 401


def test_events_tell_the_story_without_secrets(world: World) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    assert world.activate(device_id, "alice", code, pin="12ab").status_code == 200
    started, note = push_login(world, "alice", device_id)
    world.approve(device_id, note, started["factor"]["match"], pin="12ab")
    started, note = push_login(world, "alice", device_id)
    world.deny(device_id, note, pin="12ab")
    for type_ in ("device.enrolled", "device.activated", "push.sent", "push.approved", "push.denied"):
        assert world.events(type_, "alice"), type_
    everything = json.dumps(world.client.get("/admin/v1/events", headers=world.headers).get_json())
    for secret in (code, PASSWORD, "12ab"):
        assert secret not in everything
    assert "signature" not in everything and "nonce" not in everything


def test_a_push_answer_carries_the_address_of_the_login_that_sent_it(world: World) -> None:
    """``push.approved`` and ``push.denied`` name the login's address, as ``push.sent`` does, so the feed
    tells an approval of an attacker's login as the attacker's success; the phone's address is
    ``detail.answered_from``."""
    app = world.activated_user("alice", "android")
    for answer in ("approve", "deny"):
        started = _attackers_login(world)
        answered = world.answer(app, started, answer, pin="12ab")
        assert answered.status_code == 200, answered.get_json()
    for type_ in ("push.sent", "push.approved", "push.denied"):
        event = world.events(type_, "alice")[-1]
        assert event["ip"] == "198.51.100.77", (type_, event)
    for type_ in ("push.approved", "push.denied"):
        assert world.events(type_, "alice")[-1]["detail"] == {"answered_from": "127.0.0.1"}


def test_a_step_up_push_answered_says_what_it_confirmed(world: World) -> None:
    """A step-up's push is sent "to confirm a withdrawal"; its answer said "approved a login request", the
    feed's lines contradicting each other in front of a room. The answer carries the purpose as ``push.sent``
    does (a login's answer stays as it was), and the feed words it."""
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    assert world.approve(app, note, started["factor"]["match"], pin="12ab").status_code == 200
    bearer = {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}
    for answer in ("deny", "approve"):
        opened = world.client.post(
            "/api/v1/verify", json={"purpose": "withdrawal"}, headers=bearer
        ).get_json()
        answered = world.answer(app, opened, answer, pin="12ab")
        assert answered.status_code == 200, answered.get_json()
    said = [
        sentence(world.events(type_, "alice")[-1], frozenset()) for type_ in ("push.denied", "push.approved")
    ]
    assert said == [
        "alice denied a withdrawal on their phone, from 127.0.0.1",
        "alice approved a withdrawal on their phone, from 127.0.0.1",
    ]


def test_a_wrong_number_picked_is_recorded_at_the_login_s_address_as_number_matching(world: World) -> None:
    """A wrong pick was ``login.second_factor_failed`` at the phone's address: the feed said "Wrong IB Key
    code for alice, from 127.0.0.1", an attempt on this machine, while it was number matching ending the
    attacker's login. It is at the login's address now, as the approval and the denial are, the phone's in
    ``answered_from``, and ``wrong_number`` says what it was."""
    app = world.activated_user("alice", "android")
    started = _attackers_login(world)
    _pick_a_wrong_number(world, app, started)
    [failed] = world.events("login.second_factor_failed", "alice")
    assert failed["ip"] == "198.51.100.77", failed
    assert failed["detail"] == {"attempts_left": 0, "answered_from": "127.0.0.1", "wrong_number": True}
    assert sentence(failed, frozenset({"198.51.100.77"})) == (
        "alice picked the wrong number on their phone: number matching ended the attacker's login, "
        "from 198.51.100.77 (attacker)"
    )


def test_a_wrong_number_picked_for_a_step_up_says_what_it_confirmed(world: World) -> None:
    """A step-up's push picked wrong said "number matching ended that login": it carries the purpose, as the
    push's approval and denial do."""
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    assert world.approve(app, note, started["factor"]["match"], pin="12ab").status_code == 200
    bearer = {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}
    opened = world.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=bearer).get_json()
    _pick_a_wrong_number(world, app, opened)
    [failed] = world.events("login.second_factor_failed", "alice")
    assert failed["detail"]["purpose"] == "withdrawal", failed
    assert sentence(failed, frozenset()).startswith(
        "alice picked the wrong number on their phone: number matching ended the step-up to confirm a "
        "withdrawal"
    )


def test_wrong_picks_on_an_attacker_s_pushes_do_not_disable_her_ib_key(world: World) -> None:
    """Ten wrong numbers picked in a row disabled the app (``SLS_DEVICE_FAILURE_LIMIT``): a push bombing's,
    picked by the victim on the attacker's logins, so an attacker who only had her password locked her out of
    her own phone. A wrong pick is signed by her own key: no guess at the device, but number matching ending
    a login, which is the defence working. It ends that login, is in the trail, and strikes nothing."""
    app = world.activated_user("alice", "android")
    for _ in range(12):
        # past the push window each time: the limit (3 per window here) would ask for challenge/response
        world.client.post("/admin/v1/clock", json={"advance_s": 601}, headers=world.headers)
        started = _attackers_login(world)
        _pick_a_wrong_number(world, app, started)
        assert world.poll(started["txn_id"])["state"] == "expired"  # number matching ended it
    assert len(world.events("login.second_factor_failed", "alice")) == 12
    assert world.events("device.locked", "alice") == []
    assert world.device("alice", app)["status"] == "active"
    world.client.post("/admin/v1/clock", json={"advance_s": 601}, headers=world.headers)
    started, note = push_login(world, "alice", app)  # her own login, on her own phone
    assert world.approve(app, note, started["factor"]["match"], pin="12ab").status_code == 200
    assert "session" in world.poll(started["txn_id"])

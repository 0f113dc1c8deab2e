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

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, trail
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import UNLOCK, World, push_login

from sls_server import create_app
from sls_server.store import connect, keys

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
Login = tuple[str, str, str]  # txn id, login token, the right response


def _app(app_config: dict[str, Any], limit: int) -> Flask:
    return create_app({**app_config, "DEVICE_FAILURE_LIMIT": limit})


def _start(user: EnrolledUser) -> Login:
    started = user.start_login()
    return started["txn_id"], started["login_token"], user.card_response(started["factor"]["challenge"])


def _wrong(response: str) -> str:
    return f"{(int(response) + 1) % 10**8:08d}"


def _verify(client: FlaskClient, login: Login, response: str) -> Any:
    txn_id, token, _ = login
    path = f"/api/v1/auth/login/{txn_id}/verify"
    return client.post(path, json={"response": response}, headers={"X-Login-Token": token})


@pytest.fixture
def during_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., list[Any]]]:
    """Arm ``then`` to run, to its answer, on another thread while the next card response is being checked
    (after the verify read the card, before its session); the answers it gave."""
    answers: list[Any] = []

    def arm(app: Flask, then: Callable[[], Any]) -> list[Any]:
        factor = app.extensions["sls"].factors.get("dscplus")
        real = factor.check

        def check_then(*args: Any, **kwargs: Any) -> bool:
            right = bool(real(*args, **kwargs))
            if not answers:  # once: the racing request's own check is not raced again
                answers.append(None)
                with ThreadPoolExecutor(1) as pool:
                    answers[0] = pool.submit(then).result()
            return right

        monkeypatch.setattr(factor, "check", check_then)
        return answers

    yield arm


def _card(client: FlaskClient) -> dict[str, Any]:
    (card,) = client.get("/admin/v1/users/alice/devices", headers=ADMIN).get_json()["devices"]
    return dict(card)


def _sessions(client: FlaskClient) -> list[Any]:
    listed = client.get("/admin/v1/users/alice/sessions", headers=ADMIN)
    assert listed.status_code == 200, listed.get_json()
    return list(listed.get_json()["sessions"])


def _state(client: FlaskClient, login: Login) -> str:
    txn_id, token, _ = login
    polled = client.get(f"/api/v1/auth/login/{txn_id}", headers={"X-Login-Token": token})
    return str(polled.get_json()["state"])


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_right_response_checked_while_a_wrong_one_disables_the_card_gets_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]], limit: int
) -> None:
    """The card one wrong response from its limit (1: any wrong one disables it, and the verify read no
    count, so nothing but the session's own step can see the lock)."""
    app = _app(app_config, limit)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    for _ in range(limit - 1):
        spent = _start(alice)
        told = _verify(client, spent, _wrong(spent[2]))
        assert told.status_code == 401 and told.get_json()["error"] == "invalid_response", told.get_json()
    right, wrong, later = _start(alice), _start(alice), _start(alice)
    raced = during_check(app, lambda: _verify(app.test_client(), wrong, _wrong(wrong[2])))
    done = _verify(client, right, right[2])
    assert raced[0].status_code == 423 and raced[0].get_json()["error"] == "device_locked"
    assert done.status_code == 423, done.get_json()  # was 200: a session through a card already disabled
    assert done.get_json()["error"] == "device_locked"
    assert done.get_json() == _verify(client, later, later[2]).get_json()  # as a card found disabled
    assert not _sessions(client)
    assert _state(client, right) == "pending"
    card = _card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (True, limit)


def test_a_right_response_whose_count_was_cleared_before_the_card_was_disabled_gets_no_session(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The right response clears the card's count (``device_success.lua``) before the wrong ones land: it
    takes the limit's worth of them, all between that clearing and the session, to disable the card."""
    app = _app(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    spent = _start(alice)
    assert _verify(client, spent, _wrong(spent[2])).status_code == 401  # one to go
    right, wrong = _start(alice), _start(alice)
    lockout = app.extensions["sls"].device_lockout
    real = lockout.succeeded
    raced: list[Any] = []

    def cleared_then_guessed(device: Any) -> Any:
        cleared = real(device)
        other = app.test_client()
        with ThreadPoolExecutor(1) as pool:
            raced.extend(pool.submit(_verify, other, wrong, _wrong(wrong[2])).result() for _ in range(2))
        return cleared

    monkeypatch.setattr(lockout, "succeeded", cleared_then_guessed)
    done = _verify(client, right, right[2])
    assert [r.get_json()["error"] for r in raced] == ["invalid_response", "device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert not _sessions(client)
    assert _state(client, right) == "pending"


def test_a_wrong_response_racing_a_right_one_short_of_the_limit_leaves_the_login_and_the_count_alone(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """One wrong response in, the limit 3: the racing wrong one is told ``invalid_response`` and the right
    one gets its session; the card counts on from there as the strikes do (3 more disable it, 2 do not)."""
    app = _app(app_config, 3)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    spent = _start(alice)
    assert _verify(client, spent, _wrong(spent[2])).status_code == 401
    right, wrong = _start(alice), _start(alice)
    raced = during_check(app, lambda: _verify(app.test_client(), wrong, _wrong(wrong[2])))
    done = _verify(client, right, right[2])
    assert raced[0].status_code == 401, raced[0].get_json()
    assert done.status_code == 200, done.get_json()
    assert _card(client)["factor_failures"] == 0
    for _ in range(2):
        again = _start(alice)
        assert _verify(client, again, _wrong(again[2])).status_code == 401
    # two wrong ones since the right one: not disabled, by the card nor by the strikes a step-up judges
    # before it clears the card's count (the session's step cleared the ones its answer cleared)
    assert alice.step_up(done.get_json()["session"]["token"])
    for told in ("invalid_response", "invalid_response", "device_locked"):
        again = _start(alice)
        assert _verify(client, again, _wrong(again[2])).get_json()["error"] == told
    assert _card(client)["factor_locked"] is True


def test_a_card_the_admin_enables_again_logs_in_at_once(app_config: dict[str, Any]) -> None:
    """The admin's unlock clears the user's strikes on the card with its count: the next right response is
    not refused as if the card were still disabled."""
    app = _app(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    spent = _start(alice)
    assert _verify(client, spent, _wrong(spent[2])).get_json()["error"] == "device_locked"
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN)
    assert unlocked.status_code == 200, unlocked.get_json()
    assert alice.log_in()


def test_a_step_up_clears_the_strikes_it_clears_on_the_card(app_config: dict[str, Any]) -> None:
    """A step-up's right response clears the card's count after its answer is settled: the user's strikes
    on it go too, so the wrong ones before it do not count towards a later step-up's."""
    app = _app(app_config, 3)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    token = alice.log_in()
    for _ in range(2):
        spent = _start(alice)
        assert _verify(client, spent, _wrong(spent[2])).status_code == 401
    token = alice.step_up(token)
    assert _card(client)["factor_failures"] == 0
    for _ in range(2):
        spent = _start(alice)
        assert _verify(client, spent, _wrong(spent[2])).status_code == 401
    assert alice.step_up(token)  # judged before it clears the count: 4 strikes, had the first 2 stayed


def test_a_step_up_checked_while_a_wrong_response_disables_the_card_is_refused(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """A step-up's answer is settled by ``login_verify.lua`` (no session of its own): the same judgement."""
    app = _app(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bearer = {"Authorization": f"Bearer {alice.log_in()}"}
    spent = _start(alice)
    assert _verify(client, spent, _wrong(spent[2])).status_code == 401  # one to go
    wrong = _start(alice)
    opened = client.post("/api/v1/verify", json={"purpose": "change_security"}, headers=bearer)
    assert opened.status_code == 200, opened.get_json()
    step = opened.get_json()
    answer = alice.card_response(step["factor"]["challenge"])
    raced = during_check(app, lambda: _verify(app.test_client(), wrong, _wrong(wrong[2])))
    done = client.post("/api/v1/verify", json={"txn_id": step["txn_id"], "response": answer}, headers=bearer)
    assert raced[0].get_json()["error"] == "device_locked"
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert client.get("/api/v1/session", headers=bearer).status_code == 200  # not rotated: no step-up


def test_a_sharer_checked_while_the_owner_disables_the_shared_card_gets_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """Bob answers on alice's card, shared with him, one wrong response from its limit; alice's wrong one
    disables it meanwhile. Bob's strikes do not hold alice's: his right answer's clearing of the card's count
    (``device_success.lua``) finds it disabled, and he is refused the same."""
    app = _app(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = EnrolledUser(client, ADMIN, "bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = client.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN)
    assert shared.status_code in (200, 201), shared.get_json()
    spent = _start(alice)
    assert _verify(client, spent, _wrong(spent[2])).status_code == 401  # one to go
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
    wrong = _start(alice)
    raced = during_check(app, lambda: _verify(app.test_client(), wrong, _wrong(wrong[2])))
    done = _verify(client, right, right[2])
    assert raced[0].get_json()["error"] == "device_locked"
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    listed = client.get("/admin/v1/users/bob/sessions", headers=ADMIN).get_json()["sessions"]
    assert not listed


def _sharer(client: FlaskClient, alice: EnrolledUser) -> EnrolledUser:
    """Bob, whose one card is alice's, shared with him (his own revoked): his logins and step-ups answer on
    it, with alice's PIN."""
    bob = EnrolledUser(client, ADMIN, "bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    shared = client.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN)
    assert shared.status_code in (200, 201), shared.get_json()
    revoked = client.delete(f"/admin/v1/users/bob/devices/{bob.device_id}", headers=ADMIN)
    assert revoked.status_code == 200, revoked.get_json()
    bob.device_id, bob.pin = alice.device_id, alice.pin
    return bob


def _wrongs(client: FlaskClient, user: EnrolledUser, count: int) -> list[str]:
    """``count`` wrong responses of the user's, each to a login of its own: what each was told."""
    told = []
    for _ in range(count):
        spent = _start(user)
        told.append(str(_verify(client, spent, _wrong(spent[2])).get_json()["error"]))
    return told


@pytest.mark.parametrize("limit", [1, 2])
def test_a_sharer_checked_while_the_owner_disables_the_shared_card_from_no_count_gets_no_session(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]], limit: int
) -> None:
    """The card read with no wrong responses: bob's right answer clears no count (no step on the card's
    slot for a card one user holds), and alice's wrong ones, the limit's worth of them while bob's answer is
    checked, struck her slot, not his. The shared card is asked again after the check (was 200: a session
    through a card alice's guesses had disabled)."""
    app = _app(app_config, limit)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = _sharer(client, alice)
    right = _start(bob)
    raced = during_check(app, lambda: _wrongs(app.test_client(), alice, limit))
    done = _verify(client, right, right[2])
    assert raced[0] == ["invalid_response"] * (limit - 1) + ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    listed = client.get("/admin/v1/users/bob/sessions", headers=ADMIN).get_json()["sessions"]
    assert not listed
    assert _state(client, right) == "pending"
    card = _card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (True, limit)


def test_a_sharer_checked_while_the_owner_guesses_short_of_the_limit_logs_in(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """The question is whether the card is disabled, not whether it was guessed at: alice's wrong response
    short of the limit while bob's answer is checked leaves bob his session."""
    app = _app(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = _sharer(client, alice)
    right = _start(bob)
    raced = during_check(app, lambda: _wrongs(app.test_client(), alice, 1))
    done = _verify(client, right, right[2])
    assert raced[0] == ["invalid_response"]
    assert done.status_code == 200, done.get_json()


def test_a_sharers_step_up_checked_while_the_owner_disables_the_shared_card_is_refused(
    app_config: dict[str, Any], during_check: Callable[..., list[Any]]
) -> None:
    """A step-up is settled by ``login_verify.lua`` on bob's slot, judging his strikes only: alice's wrong
    response disabling the card meanwhile is seen by the card's own slot, asked before the settling."""
    app = _app(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = _sharer(client, alice)
    bearer = {"Authorization": f"Bearer {bob.log_in()}"}
    opened = client.post("/api/v1/verify", json={"purpose": "change_security"}, headers=bearer)
    assert opened.status_code == 200, opened.get_json()
    step = opened.get_json()
    assert step["factor"]["device_id"] == alice.device_id, step
    answer = bob.card_response(step["factor"]["challenge"])
    raced = during_check(app, lambda: _wrongs(app.test_client(), alice, 1))
    done = client.post("/api/v1/verify", json={"txn_id": step["txn_id"], "response": answer}, headers=bearer)
    assert raced[0] == ["device_locked"]
    assert done.status_code == 423 and done.get_json()["error"] == "device_locked", done.get_json()
    assert client.get("/api/v1/session", headers=bearer).status_code == 200  # not rotated: no step-up


def test_an_approval_checked_while_a_wrong_pick_disables_the_ib_key_is_refused(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An IB Key push: its approval is settled by ``login_verify.lua``, and a wrong number picked on another
    login's push disables the app's key meanwhile (limit 1): the approval is refused, the poll gets no
    session."""
    app = _app(app_config, 1)
    world = World(app.test_client(), ADMIN)
    phone = world.activated_user("alice", "ios")
    right, right_note = push_login(world, "alice", phone)
    other = World(app.test_client(), ADMIN)
    wrong, wrong_note = push_login(other, "alice", phone)
    picked = next(c for c in wrong_note["candidates"] if c != wrong["factor"]["match"])
    factor = app.extensions["sls"].factors.get("ibkey")
    real = factor.check_approval
    raced: list[Any] = []

    def check_then(*args: Any, **kwargs: Any) -> Any:
        verdict = real(*args, **kwargs)
        if not raced:
            raced.append(None)
            with ThreadPoolExecutor(1) as pool:
                raced[0] = pool.submit(other.approve, phone, wrong_note, picked, **UNLOCK["ios"]).result()
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
    app = _app(app_config, 2)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = _sharer(client, alice)
    for _ in range(2):
        assert _wrongs(client, alice, 1) == ["invalid_response"]
        assert bob.log_in()
    card = _card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (False, 0)
    right = _start(alice)
    done = _verify(client, right, right[2])
    assert done.status_code == 200, done.get_json()


def test_a_user_taken_off_a_card_and_given_it_again_answers_from_the_cards_own_count(
    app_config: dict[str, Any],
) -> None:
    """Bob's wrong response disabled the shared card (his strikes on it at the limit); he was taken off it,
    the card unlocked for its one user, then shared with him again. His strikes from before stayed: his
    right answers were refused as a disabled card's (423) on a card enabled at no count, and the admin's
    unlock, finding nothing on the card to clear, changed nothing."""
    app = _app(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = _sharer(client, alice)
    assert _wrongs(client, bob, 1) == ["device_locked"]
    off = client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=ADMIN)
    assert off.status_code == 200, off.get_json()
    assert client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN).status_code == 200
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    assert client.post("/admin/v1/users/bob/devices", json=share, headers=ADMIN).status_code in (200, 201)
    card = _card(client)
    assert (card["factor_locked"], card["factor_failures"]) == (False, 0)
    assert bob.log_in()


def test_the_admins_unlock_lets_in_a_user_whose_strikes_stand_above_an_enabled_cards_count(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """A wrong response struck on alice's slot whose count on the card never landed (its process ended
    between the two steps): her strikes stand at the limit on a card enabled at no count, and her right
    answer is refused as a disabled card's. The admin's unlock, the remedy that 423 names, found nothing on
    the card to clear and cleared nothing; it clears the card's users' strikes either way."""
    app = _app(app_config, 1)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    strikes = connect(redis_url)
    try:
        strikes.hset(keys.user_device_strikes("alice"), alice.device_id, 1)  # the step that struck, alone
    finally:
        strikes.close()
    refused = _start(alice)
    assert _verify(client, refused, refused[2]).get_json()["error"] == "device_locked"
    unlocked = client.post(f"/admin/v1/devices/{alice.device_id}/unlock", headers=ADMIN)
    assert unlocked.status_code == 200, unlocked.get_json()
    assert alice.log_in()


def test_an_unlock_that_cleared_only_strikes_says_so_and_is_recorded(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """The unlock that let alice in again (above) answered as one with nothing to clear and left no event:
    the CLI said "nothing changed". It answers whose strikes it cleared, and records ``device.unlocked``
    naming them; an unlock after it, with nothing left, answers none and records nothing."""
    client = _app(app_config, 1).test_client()
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

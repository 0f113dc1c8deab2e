"""A login already under way does not complete while the account is locked.

The lock was judged only at the password step: a login started with the right password (its challenge
shown), then five wrong passwords locking the account (423 at the password step), and the pending login's
right card response still got 200 and a session. Now its verify answers 423 ``account_locked`` with
``retry_after`` (and Retry-After), whatever the response, and changes nothing: no attempt spent, no session,
the login not consumed, so it can be answered once the timed lock ends, within its own expiry. The lock is
read with the login (``LoginRepo.get_with_access``) and judged again where the session is made
(``session_create.lua``), so one placed while the response is checked still refuses it. A push collected by
a poll, and a step-up, follow the same rule.
"""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from flask.testing import FlaskClient
from ibkey_world import UNLOCK, World, push_login
from json_error_kit import told_to_wait

from sls_server import create_app
from sls_server.store.lockout import LockoutRepo

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
STRANGER = "203.0.113.99"
WAIT = 60  # SLS_LOCKOUT_WAIT_INCREMENT's default: the first lock's wait


def _lock(user: EnrolledUser, ip: str = STRANGER) -> None:
    """Five wrong passwords from elsewhere: the account locks (the sixth attempt meets the 423)."""
    body = {"username": user.username, "password": "wrong-password-here"}
    codes = [
        user.client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": ip}).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [423]


def _sessions(client: FlaskClient, username: str) -> list[dict[str, Any]]:
    listed = client.get(f"/admin/v1/users/{username}/sessions", headers=ADMIN)
    assert listed.status_code == 200, listed.get_json()
    return listed.get_json()["sessions"]  # type: ignore[no-any-return]


def _assert_locked(answer: Any) -> None:
    told_to_wait(answer, WAIT, status=423, error="account_locked")


def test_a_pending_login_is_refused_while_locked_and_answerable_after(alice: EnrolledUser) -> None:
    started = alice.start_login()
    right = alice.card_response(started["factor"]["challenge"])
    _lock(alice)
    _assert_locked(alice.verify(started["txn_id"], right))
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    _assert_locked(alice.verify(started["txn_id"], wrong))  # no oracle, and no attempt spent
    assert _sessions(alice.client, "alice") == []
    polled = alice.client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()
    assert polled["state"] == "pending"  # not consumed
    move_clock(alice.client, ADMIN, WAIT)
    done = alice.verify(started["txn_id"], right)
    assert done.status_code == 200, done.get_json()
    assert len(_sessions(alice.client, "alice")) == 1


def test_a_lock_placed_while_the_response_is_checked_still_refuses_it(
    alice: EnrolledUser, monkeypatch: Any
) -> None:
    """The lock lands between verify's read (which saw none) and the session's script: still 423."""
    core = alice.client.application.extensions["sls"]
    steps = core.logins._steps
    real = steps.answer_unsettled
    repo: LockoutRepo = core.lockout._repo  # the app's own: its Redis, its registered scripts
    policy = core.lockout.policy

    def lock_then_answer(*args: Any, **kwargs: Any) -> Any:
        for n in range(policy.threshold):
            attempt = f"race-{n}"
            reserved = repo.reserve("alice", "all", now=kwargs["now"], threshold=99, attempt_id=attempt)
            assert reserved.status == "ok"
            repo.settle(
                "alice",
                "all",
                now=kwargs["now"],
                attempt_id=attempt,
                ok=False,
                threshold=policy.threshold,
                wait_increment_s=policy.wait_increment_s,
                max_wait_s=policy.max_wait_s,
                permanent_after=policy.permanent_after,
            )
        return real(*args, **kwargs)

    started = alice.start_login()
    right = alice.card_response(started["factor"]["challenge"])
    monkeypatch.setattr(steps, "answer_unsettled", lock_then_answer)
    _assert_locked(alice.verify(started["txn_id"], right))
    monkeypatch.undo()
    assert _sessions(alice.client, "alice") == []
    move_clock(alice.client, ADMIN, WAIT)
    assert alice.verify(started["txn_id"], right).status_code == 200


def test_with_known_addresses_a_strangers_lock_leaves_a_login_from_home_alone(
    app_config: dict[str, Any],
) -> None:
    client = create_app({**app_config, "LOCKOUT_KNOWN_IPS": True}).test_client()
    user = EnrolledUser(client, ADMIN, "kim", "1234")
    assert user.log_in()  # 127.0.0.1, the test client's address, is now one the user logged in from
    started = user.start_login()
    _lock(user)  # the strangers' bucket
    done = user.verify(started["txn_id"], user.card_response(started["factor"]["challenge"]))
    assert done.status_code == 200, done.get_json()


def test_a_step_up_answered_while_locked_is_refused_and_answerable_after(alice: EnrolledUser) -> None:
    bearer = {"Authorization": f"Bearer {alice.log_in()}"}
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=bearer).get_json()
    answer = {"txn_id": opened["txn_id"], "response": alice.card_response(opened["factor"]["challenge"])}
    _lock(alice, ip="127.0.0.1")  # the session's own address: the bucket its step-up counts in
    _assert_locked(alice.client.post("/api/v1/verify", json=answer, headers=bearer))
    move_clock(alice.client, ADMIN, WAIT)
    verified = alice.client.post("/api/v1/verify", json=answer, headers=bearer)
    assert verified.status_code == 200 and verified.get_json()["state"] == "verified", verified.get_json()


def test_an_approved_push_is_not_collected_while_locked(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    app_id = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app_id)
    approved = world.approve(app_id, note, started["factor"]["match"], **UNLOCK["android"])
    assert approved.status_code == 200, approved.get_json()
    body = {"username": "alice", "password": "wrong-password-here"}
    for _ in range(5):
        client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": STRANGER})
    _assert_locked(client.get(f"/api/v1/auth/login/{started['txn_id']}"))
    assert _sessions(client, "alice") == []
    move_clock(client, ADMIN, WAIT)
    collected = world.poll(started["txn_id"])  # left approved: the first poll after the lock takes it
    assert collected["state"] == "authenticated" and "session" in collected


def _codes(client: FlaskClient) -> list[str]:
    texts = client.get("/sim/v1/phones/+15555550177/messages").get_json()["messages"]
    return [m["id"] for m in texts if m["purpose"] != "notice"]


def test_no_new_code_or_step_up_is_sent_while_locked(
    client: FlaskClient, admin_headers: dict[str, str], enrol: Any
) -> None:
    """Anyone holding the password could keep texting and calling the owner of a locked account: a factor
    switch (a new code) and a step-up's start sent theirs while verify already answered 423."""
    sam = enrol("sam", "1357")
    assert (
        client.put("/admin/v1/users/sam/phone", json={"phone": "+15555550177"}, headers=ADMIN).status_code
        == 200
    )
    assert client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=ADMIN).status_code == 201
    session = sam.log_in()
    started = sam.start_login()
    codes_before = _codes(client)
    _lock(sam)
    _assert_locked(client.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "sms"}))
    auth = {"Authorization": f"Bearer {session}"}
    _assert_locked(client.post("/api/v1/verify", json={"purpose": "withdrawal", "type": "sms"}, headers=auth))
    assert _codes(client) == codes_before  # the lock's notice came; no code did

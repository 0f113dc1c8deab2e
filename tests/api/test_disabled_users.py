"""Disabling or deleting a user ends, at once, their logins in progress, their step-ups and every session
(security review): a disabled user could once finish a login already started and then withdraw."""

from __future__ import annotations

from conftest import EnrolledUser
from flask.testing import FlaskClient
from ibkey_world import World, push_login

from sls_server.store import connect, keys


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _disable(client: FlaskClient, headers: dict[str, str], name: str = "alice") -> dict:
    done = client.post(f"/admin/v1/users/{name}/disable", headers=headers)
    assert done.status_code == 200, done.get_json()
    return done.get_json()  # type: ignore[no-any-return]


def test_a_login_started_before_disabling_cannot_be_finished(alice: EnrolledUser, admin_headers) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    _disable(alice.client, admin_headers)
    refused = alice.verify(started["txn_id"], response)
    assert refused.status_code == 403 and refused.get_json()["error"] == "account_disabled"
    status = alice.client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()
    assert status["state"] == "expired" and status["reason"] == "account_disabled"
    alice.client.post("/admin/v1/users/alice/enable", headers=admin_headers)
    again = alice.verify(started["txn_id"], response)
    assert again.status_code == 403, "enabling again does not revive a login begun before the disabling"
    assert alice.log_in()  # a new login works


def test_a_push_approved_before_disabling_hands_out_no_session(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    phone = world.activated_user("alice", "ios")
    started, note = push_login(world, "alice", phone)
    assert world.approve(phone, note, started["factor"]["match"], biometric=True).status_code == 200
    _disable(client, admin_headers)
    polled = client.get(f"/api/v1/auth/login/{started['txn_id']}")
    assert polled.status_code == 403 and polled.get_json()["error"] == "account_disabled"
    assert "session" not in polled.get_json()


def test_a_pending_push_polled_after_disabling_is_refused_at_once(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A client polling a push that waits on the phone learns on its next poll that the login cannot succeed
    (the answer its collection gives), rather than "pending" until it expires; enabling the user again does
    not revive it."""
    world = World(client, admin_headers)
    phone = world.activated_user("alice", "ios")
    started, _ = push_login(world, "alice", phone)
    path = f"/api/v1/auth/login/{started['txn_id']}"
    assert client.get(path).get_json()["state"] == "pending"
    _disable(client, admin_headers)
    polled = client.get(path)
    assert polled.status_code == 403 and polled.get_json()["error"] == "account_disabled"
    enabled = client.post("/admin/v1/users/alice/enable", headers=admin_headers)
    assert enabled.status_code == 200, enabled.get_json()
    assert client.get(path).status_code == 403


def test_disabling_ends_step_ups_and_sessions_and_refuses_a_withdrawal(
    alice: EnrolledUser, admin_headers
) -> None:
    token = alice.log_in()
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(token))
    assert opened.status_code == 200
    step = opened.get_json()
    answer = alice.card_response(step["factor"]["challenge"])
    assert _disable(alice.client, admin_headers)["sessions_ended"] == 1
    finished = alice.client.post(
        "/api/v1/verify", json={"txn_id": step["txn_id"], "response": answer}, headers=_bearer(token)
    )
    assert finished.status_code == 401
    withdrawal = alice.client.post("/api/v1/withdrawals", json={"amount": 100}, headers=_bearer(token))
    assert withdrawal.status_code == 401
    events = alice.client.get(
        "/admin/v1/events", query_string={"type": "session.killed"}, headers=admin_headers
    )
    assert [e["user"] for e in events.get_json()["events"]] == ["alice"]


def test_a_session_the_disabling_missed_is_refused_on_its_next_request(
    alice: EnrolledUser, admin_headers, redis_url: str
) -> None:
    token = alice.log_in()
    raw = connect(redis_url)
    raw.delete(keys.user_sessions("alice"))  # the index lost the session: disabling cannot find it
    _disable(alice.client, admin_headers)
    refused = alice.client.get("/api/v1/session", headers=_bearer(token))
    assert refused.status_code == 401 and refused.get_json()["error"] == "session_revoked"
    [left] = raw.scan_iter(match=keys.session_prefix("alice") + "*")  # only why and when, for the next ones
    assert set(raw.hgetall(left)) == {"state", "at"} and raw.hget(left, "state") == "revoked"


def test_deleting_a_user_ends_their_sessions_and_logins(alice: EnrolledUser, admin_headers) -> None:
    token = alice.log_in()
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    assert alice.client.delete("/admin/v1/users/alice", headers=admin_headers).status_code == 200
    assert alice.client.get("/api/v1/session", headers=_bearer(token)).status_code == 401
    assert alice.verify(started["txn_id"], response).status_code in (403, 404)

"""Client Services resetting a forgotten password (PUT /admin/v1/users/<u>/password): no current password,
the policy, the user's sessions and logins in progress ended, the phone told."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser, trail
from flask.testing import FlaskClient

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
NEW = "Violet-Harbour-Lantern-42"


def _reset(client: FlaskClient, body: dict[str, Any], user: str = "alice", headers: Any = ADMIN) -> Any:
    return client.put(f"/admin/v1/users/{user}/password", json=body, headers=headers)


def test_the_new_password_logs_in_and_everything_begun_with_the_old_one_ends(alice: EnrolledUser) -> None:
    assert (
        alice.client.put(
            "/admin/v1/users/alice/phone", json={"phone": "+15555550125"}, headers=ADMIN
        ).status_code
        == 200
    )
    token = alice.log_in()
    pending = alice.start_login()  # someone else's login, waiting on the card
    done = _reset(alice.client, {"password": NEW})
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {"username": "alice", "sessions_ended": 1, "logins_ended": 1}
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    late = alice.verify(pending["txn_id"], alice.card_response(pending["factor"]["challenge"]))
    assert late.status_code == 410 and late.get_json()["error"] == "challenge_expired"  # no session after all
    old = alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    assert old.status_code == 401
    alice.password = NEW
    alice.log_in()
    [event] = trail(alice.client, ADMIN, "user.password_changed")
    assert event["detail"] == {"logins_ended": 1, "by": "admin"}
    assert [e["user"] for e in trail(alice.client, ADMIN, "session.killed")] == ["alice"]
    texts = alice.client.get("/sim/v1/phones/+15555550125/messages").get_json()["messages"]
    assert any("reset by Client Services" in m["text"] for m in texts if m["purpose"] == "notice")


def test_sessions_may_be_kept(alice: EnrolledUser) -> None:
    token = alice.log_in()
    done = _reset(alice.client, {"password": NEW, "end_sessions": False})
    assert done.get_json()["sessions_ended"] == 0
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_refusals_change_nothing(alice: EnrolledUser) -> None:
    weak = _reset(alice.client, {"password": "password123!"})
    assert weak.status_code == 400
    assert (weak.get_json()["error"], weak.get_json()["field"]) == ("weak_password", "password")
    assert _reset(alice.client, {"password": NEW}, user="nobody").status_code == 404
    assert _reset(alice.client, {"password": NEW}, headers={}).status_code == 401
    assert _reset(alice.client, {}).get_json()["field"] == "password"
    assert trail(alice.client, ADMIN, "user.password_changed") == []
    alice.log_in()  # the old password still works

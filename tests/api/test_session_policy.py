"""One brokerage session per user: the newer login replaces the older one, or is refused, per setting."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_new_login_replaces_the_old_session(alice: EnrolledUser) -> None:
    first = alice.log_in()
    second = alice.log_in()
    assert first != second
    old = alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {first}"})
    assert old.status_code == 401 and old.get_json()["error"] == "session_replaced"
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    )
    listed = alice.client.get("/admin/v1/users/alice/sessions", headers=ADMIN).get_json()["sessions"]
    assert len(listed) == 1
    events = alice.client.get("/admin/v1/events?type=session.replaced", headers=ADMIN).get_json()["events"]
    assert [e["user"] for e in events] == ["alice"]


def test_refuse_rule_keeps_the_first_session(app_config) -> None:
    client = create_app({**app_config, "SESSION_CONCURRENCY": "refuse"}).test_client()
    user = EnrolledUser(client, ADMIN, "rita", "1234")
    token = user.log_in()
    started = user.start_login()
    refused = user.verify(started["txn_id"], user.card_response(started["factor"]["challenge"]))
    assert refused.status_code == 409 and refused.get_json()["error"] == "session_active"
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert user.log_in()


def test_refuse_rule_does_not_count_an_idle_expired_session(app_config) -> None:
    client = create_app({**app_config, "SESSION_CONCURRENCY": "refuse"}).test_client()
    user = EnrolledUser(client, ADMIN, "sam", "1234")
    user.log_in()
    client.post("/admin/v1/clock", json={"advance_s": 901}, headers=ADMIN)
    assert user.log_in()


def test_verify_from_a_disallowed_address_is_refused(alice: EnrolledUser) -> None:
    alice.client.put(
        "/admin/v1/users/alice/ip-allowlist", json={"ip_allowlist": ["192.0.2.0/24"]}, headers=ADMIN
    )
    started = alice.client.post(
        "/api/v1/auth/login",
        json={"username": "alice", "password": alice.password},
        environ_base={"REMOTE_ADDR": "192.0.2.8"},
    ).get_json()
    response = alice.card_response(started["factor"]["challenge"])
    relayed = alice.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": response},
        environ_base={"REMOTE_ADDR": "203.0.113.50"},
    )
    assert relayed.status_code == 403 and relayed.get_json()["error"] == "ip_restricted"
    done = alice.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": response},
        environ_base={"REMOTE_ADDR": "192.0.2.8"},
    )
    assert done.status_code == 200


def test_deleting_a_user_forgets_their_allowlist(alice: EnrolledUser, enrol) -> None:
    alice.client.put(
        "/admin/v1/users/alice/ip-allowlist", json={"ip_allowlist": ["192.0.2.0/24"]}, headers=ADMIN
    )
    alice.client.delete("/admin/v1/users/alice", headers=ADMIN)
    again = enrol("alice", "1234")
    assert (
        again.client.get("/admin/v1/users/alice/ip-allowlist", headers=ADMIN).get_json()["ip_allowlist"] == []
    )

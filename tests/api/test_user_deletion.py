"""Deleting a user takes their lockout state along (security review), so a user created again under the
name starts unlocked; unknown names are still counted and locked, so a lock says nothing about existence."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient

from sls_server.store import connect

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def login(client: FlaskClient, username: str, password: str, ip: str) -> int:
    answer = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )
    return answer.status_code


def keys_of(redis_url: str, tag: str) -> list[str]:
    client = connect(redis_url)
    try:
        return sorted(client.scan_iter(match=f"sls:{{{tag}}}:*"))
    finally:
        client.close()


def test_a_user_created_again_starts_unlocked(alice: EnrolledUser, redis_url: str) -> None:
    client = alice.client
    alice.log_in()  # from the test client's address, which becomes a known address
    first_card = alice.device_id
    wrong = alice.start_login()
    for _ in range(3):  # a wrong response counts against the card
        client.post(f"/api/v1/auth/login/{wrong['txn_id']}/verify", json={"response": "00000000"})
    assert [login(client, "alice", "not-her-password", "198.51.100.1") for _ in range(6)] == [401] * 5 + [423]

    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    assert keys_of(redis_url, "u:alice") == []  # buckets, reservations, known addresses: all gone
    assert keys_of(redis_url, f"d:{first_card}") == []  # the card, with its failure count

    again = EnrolledUser(client, ADMIN, "alice", "1234")
    assert login(client, "alice", again.password, "198.51.100.1") == 200
    again.log_in()
    status = client.get("/admin/v1/users/alice/lockout", headers=ADMIN).get_json()
    assert status["locked"] is False and status["buckets"] == {}


def test_unknown_names_are_still_counted_and_locked(alice: EnrolledUser) -> None:
    client = alice.client
    attempts = [login(client, "nobody-here", "some-password", "198.51.100.2") for _ in range(6)]
    assert attempts == [401] * 5 + [423]  # as for a real user: a lock reveals nothing

    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    attempts = [login(client, "alice", "some-password", "198.51.100.3") for _ in range(6)]
    assert attempts == [401] * 5 + [423]  # a deleted user's name is an unknown name like any other


def test_a_card_shared_with_a_deleted_user_stays_its_owners(alice: EnrolledUser, enrol) -> None:
    bob = enrol("bob", "2468")
    client = alice.client
    shared = client.post(
        "/admin/v1/users/alice/devices",
        json={"type": "dscplus", "share_device_id": bob.device_id},
        headers=ADMIN,
    )
    assert shared.status_code == 201
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    [card] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert (card["device_id"], card["shared_with"]) == (bob.device_id, [])
    bob.log_in()

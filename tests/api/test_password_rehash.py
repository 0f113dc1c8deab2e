"""Stored password hashes follow the configured profile (security review): a hash made under another
profile is replaced on the next right password, so real users cost what unknown users cost (no timing
oracle), and never over a password changed in between."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser

from sls_server import create_app
from sls_server.accounts.passwords import PasswordHasher
from sls_server.store import Store, connect, keys
from sls_server.store.records import UserRecord

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def stored_hash(redis_url: str, username: str = "alice") -> str:
    client = connect(redis_url)
    try:
        return str(client.hget(keys.user(username), "password_hash"))
    finally:
        client.close()


def test_a_login_upgrades_a_hash_made_under_another_profile(
    app_config: dict[str, Any], redis_url: str
) -> None:
    cheap = create_app(app_config).test_client()  # the "test" profile, as the user was created long ago
    alice = EnrolledUser(cheap, ADMIN, "alice", "1234")
    standard = PasswordHasher("standard")
    old = stored_hash(redis_url)
    assert standard.needs_rehash(old)

    server = create_app({**app_config, "HASH_PROFILE": "standard"}).test_client()  # same Redis, new profile
    wrong = server.post("/api/v1/auth/login", json={"username": "alice", "password": "not-her-password"})
    assert wrong.status_code == 401
    assert stored_hash(redis_url) == old  # only a verified password is hashed again

    alice.client = server
    alice.log_in()
    new = stored_hash(redis_url)
    assert new != old and not standard.needs_rehash(new)
    assert standard.verify(alice.password, new)
    rehashed = server.get("/admin/v1/events?type=user.password_rehashed", headers=ADMIN).get_json()["events"]
    assert [(e["user"], e["detail"]) for e in rehashed] == [("alice", {"profile": "standard"})]

    alice.log_in()  # the upgraded hash logs in, and is not hashed again
    assert stored_hash(redis_url) == new
    alice.client = cheap
    alice.log_in()  # a server still on the old profile verifies it too (the parameters travel with the hash)


def test_the_upgrade_never_overwrites_a_password_changed_meanwhile(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    store.users.create(UserRecord("alice", password_hash="hash-read-by-the-login", created_at=1))
    store.users.set_fields("alice", {"password_hash": "hash-of-a-new-password"})  # changed in between
    assert store.users.replace_field("alice", "password_hash", "hash-read-by-the-login", "upgraded") is False
    assert stored_hash(redis_url) == "hash-of-a-new-password"
    assert store.users.replace_field("alice", "password_hash", "hash-of-a-new-password", "upgraded") is True
    assert stored_hash(redis_url) == "upgraded"
    assert store.users.replace_field("ghost", "password_hash", "", "x") is False
    assert store.users.get("ghost") is None  # no stub record for a deleted user

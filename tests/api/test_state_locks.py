"""A saved world keeps its locks: a user locked until an administrator unlocks them comes back locked, and
the addresses a user logged in from come back known.

Before, a state document carried no lockout bucket and no known address (version 1): a user locked for good
(``SLS_LOCKOUT_PERMANENT_AFTER``) came back able to log in, and with ``SLS_LOCKOUT_KNOWN_IPS`` the user's
usual address came back a stranger's, locked out with the strangers. Version 2 carries both; a version 1
document still imports (no locks, no known addresses), and any other version is refused naming the ones
this server reads.
"""

from __future__ import annotations

import copy
from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from flask.testing import FlaskClient
from test_state_transfer import export

from sls_server import create_app
from sls_server.secretbox import key_check
from sls_server.store import keys
from sls_server.store.connection import connect

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
HOME, STRANGER = "192.0.2.10", "203.0.113.99"


def _login(user: EnrolledUser, password: str | None = None, ip: str = STRANGER) -> Any:
    return user.client.post(
        "/api/v1/auth/login",
        json={"username": user.username, "password": password or user.password},
        environ_base={"REMOTE_ADDR": ip},
    )


def _fail(user: EnrolledUser, times: int, ip: str = STRANGER) -> None:
    assert [_login(user, "wrong-password-here", ip).status_code for _ in range(times)] == [401] * times


def _reload(client: FlaskClient, document: dict[str, Any]) -> None:
    """Wipe the world, then load ``document`` into it."""
    assert client.post("/admin/v1/reset", headers=ADMIN).status_code == 200
    loaded = client.post("/admin/v1/state/import?replace=true", json=document, headers=ADMIN)
    assert loaded.status_code == 200, loaded.get_json()


def _same(first: dict[str, Any], second: dict[str, Any]) -> None:
    def kept(document: dict[str, Any]) -> dict[str, Any]:
        copied = copy.deepcopy(document)
        copied.pop("exported_at")
        for device in copied["devices"]:
            device.pop("version", None)
        return copied

    assert kept(first) == kept(second)


def test_a_user_locked_until_an_admin_unlocks_them_comes_back_locked(app_config: dict[str, Any]) -> None:
    """Locked for good, in Redis too: the bucket has no TTL after the import, as ``lockout_settle.lua`` leaves
    it (PERSIST), so thirty days without a try do not lift the lock by reclaiming the key."""
    client = create_app({**app_config, "LOCKOUT_PERMANENT_AFTER": 2}).test_client()
    pat = EnrolledUser(client, ADMIN, "pat", "1234")
    _fail(pat, 5)
    move_clock(client, ADMIN, 60)
    _fail(pat, 5)
    status = client.get("/admin/v1/users/pat/lockout", headers=ADMIN).get_json()
    assert status["buckets"]["all"]["permanent"] is True
    document = export(client, ADMIN)

    _reload(client, document)

    locked = _login(pat)
    assert locked.status_code == 423 and "retry_after" not in locked.get_json()
    assert client.get("/admin/v1/users/pat/lockout", headers=ADMIN).get_json() == status
    store = connect(app_config["REDIS_URL"])
    assert store.ttl(keys.lockout("pat", "all")) == -1, "a permanent lock must not expire"
    store.close()
    _same(export(client, ADMIN), document)
    assert client.post("/admin/v1/users/pat/unlock", headers=ADMIN).get_json()["locked"] is False
    assert _login(pat).status_code == 200


def test_a_timed_lock_comes_back_with_its_wait_and_the_locks_so_far(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "LOCKOUT_PERMANENT_AFTER": 2}).test_client()
    pat = EnrolledUser(client, ADMIN, "pat", "1234")
    _fail(pat, 5)
    waiting = _login(pat)
    assert waiting.status_code == 423
    document = export(client, ADMIN)

    _reload(client, document)

    assert _login(pat).status_code == 423
    store = connect(app_config["REDIS_URL"])
    assert store.ttl(keys.lockout("pat", "all")) > 0, "a timed lock's bucket is reclaimed in time, as before"
    store.close()
    move_clock(client, ADMIN, waiting.get_json()["retry_after"])
    _fail(pat, 5)  # the second lock, as before the save: for good
    assert client.get("/admin/v1/users/pat/lockout", headers=ADMIN).get_json()["buckets"]["all"]["permanent"]


def test_the_users_usual_address_comes_back_known(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "LOCKOUT_KNOWN_IPS": True}).test_client()
    kim = EnrolledUser(client, ADMIN, "kim", "1234")
    started = _login(kim, ip=HOME).get_json()
    assert kim.verify(started["txn_id"], kim.card_response(started["factor"]["challenge"])).status_code == 200
    _fail(kim, 5)
    document = export(client, ADMIN)

    _reload(client, document)

    assert _login(kim, ip=STRANGER).status_code == 423  # strangers are still locked out...
    assert _login(kim, ip=HOME).status_code == 200  # ...the user's usual address still is not
    _same(export(client, ADMIN), document)


def test_a_version_1_document_still_imports_and_another_version_is_refused_naming_both(
    app_config: dict[str, Any],
) -> None:
    key = bytes(range(32))
    client = create_app({**app_config, "SECRET_KEY": key.hex()}).test_client()
    EnrolledUser(client, ADMIN, "pat", "1234")
    document = export(client, ADMIN)
    old = copy.deepcopy(document)
    old["version"] = 1
    old["key_check"] = key_check(key, form=1)  # as servers before version 3 wrote it
    for user in old["users"]:
        del user["lockout"], user["known_ips"]

    _reload(client, old)
    _same(export(client, ADMIN), document)

    refused = client.post(
        "/admin/v1/state/import?replace=true", json={**document, "version": 4}, headers=ADMIN
    )
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "version"
    assert "1, 2 and 3, not 4" in refused.get_json()["message"]


def test_a_lockout_bucket_or_address_the_server_would_not_write_is_refused_naming_the_user(
    client: FlaskClient,
) -> None:
    EnrolledUser(client, ADMIN, "amy", "1234")
    EnrolledUser(client, ADMIN, "pat", "1234")
    good = export(client, ADMIN)
    bucket = {"failures": "0", "locks": "1", "permanent": "1", "failed": "0"}
    cases: list[tuple[str, Any, str]] = [
        ("lockout", {"everywhere": bucket}, "'everywhere' is not one of all, known, other, outside"),
        ("lockout", {"all": {**bucket, "permanent": "yes"}}, "lockout bucket 'all'"),
        ("lockout", {"all": {**bucket, "colour": "red"}}, "'colour' is not one this server stores"),
        ("lockout", {"all": {**bucket, "locks": "-1"}}, "'locks' must be a whole number"),
        ("known_ips", ["192.0.2.300"], "not an IP address"),
        ("known_ips", ["2001:DB8::1"], "canonical form"),
        ("known_ips", ["fe80::1%eth0"], "canonical form"),  # the server drops a zone: never written
        ("known_ips", ["::ffff:192.0.2.1"], "canonical form"),  # nor writes a mapped IPv4 as IPv6
        ("known_ips", [HOME, HOME], "twice"),
    ]
    for name, value, reason in cases:
        broken = copy.deepcopy(good)
        broken["users"][1][name] = value
        answer = client.post("/admin/v1/state/import?replace=true", json=broken, headers=ADMIN)
        body = answer.get_json()
        assert answer.status_code == 400, (name, value, body)
        assert (body["field"], body["index"]) == ("users", 1), body
        assert reason in body["message"], body
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == ["amy", "pat"]

"""How ``user_create.lua``, ``user_delete.lua``, ``user_add_device.lua``, ``device_create_held.lua`` and
``ibkey_deliver.lua`` write a user's and a device's life, where ``scripts/lua_mutation.py`` found no test held
(CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a user is created with exactly their fields, list
and account (stale ones cleared), never over a user or an unfinished deletion; a deletion takes the record,
its own keys and each login, and leaves a mark of the devices not yet dropped (sorted), the sessions, its id
and why; a device joins only a user that exists, and a temporary passcode never right after another; a
device is created holding its turn, never over another; a push replaces only its own login's earlier ones.
Through the repos, on a real redis-server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sls_server.store import Store, keys
from sls_server.store.records import DeviceRecord, PushNotification, UserRecord

NOW = 1_900_000_000
ALICE = UserRecord("alice", "hash", NOW, epoch="e1")


def hash_of(store: Store, key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(key).items()}


def test_a_user_is_created_with_their_list_and_account_and_stale_ones_cleared(store: Store) -> None:
    assert store.users.create(ALICE, ["10.0.0.0/8"], ("acct-1", "3")) is True
    assert hash_of(store, keys.user("alice")) == ALICE.to_hash()
    access = hash_of(store, keys.user_access("alice"))
    assert (access["account"], access["account_incarnation"]) == ("acct-1", "3")
    assert access["allowlist"]
    bob = replace(ALICE, username="bob")
    store.client.hset(
        keys.user_access("bob"), mapping={"allowlist": "x", "account": "a", "account_incarnation": "1"}
    )
    assert store.users.create(bob) is True
    assert hash_of(store, keys.user_access("bob")) == {}


def test_a_user_is_never_created_over_a_user_or_an_unfinished_deletion(store: Store) -> None:
    store.users.create(ALICE)
    assert store.users.create(replace(ALICE, password_hash="other"), ["10.0.0.0/8"]) is False
    assert hash_of(store, keys.user("alice")) == ALICE.to_hash()
    assert not store.client.exists(keys.user_access("alice"))
    store.client.hset(keys.user_deletion("carol"), "at", NOW)
    assert store.users.create(replace(ALICE, username="carol"), ["10.0.0.0/8"]) is False
    assert not store.client.exists(keys.user("carol")) and not store.client.exists(keys.user_access("carol"))


@pytest.mark.parametrize("taken_back", [False, True])
def test_a_deletion_takes_the_user_and_leaves_the_work_left(store: Store, taken_back: bool) -> None:
    store.users.create(ALICE)
    store.client.sadd(keys.user_devices("alice"), "dev-c", "dev-b", "dev-a")
    store.client.zadd(keys.user_logins("alice"), {"t1": NOW, "t2": NOW + 1})
    for txn in ("t1", "t2", "t3"):
        store.client.hset(keys.login_prefix("alice") + txn, "state", "x")
    store.client.set(keys.user_phone_change_tries("alice"), 1)
    assert store.users.delete(
        "alice", dropped=["dev-b"], ended=["s1", "s2"], now=NOW + 5, import_taken_back=taken_back
    )
    for key in (keys.user("alice"), keys.user_devices("alice"), keys.user_logins("alice")):
        assert not store.client.exists(key)
    assert not store.client.exists(keys.user_phone_change_tries("alice"))
    assert [store.client.exists(keys.login_prefix("alice") + t) for t in ("t1", "t2", "t3")] == [0, 0, 1]
    mark = hash_of(store, keys.user_deletion("alice"))
    expected = {"at": str(NOW + 5), "devices": "dev-a,dev-c", "sessions": "s1,s2", "id": mark["id"]}
    assert mark == ({**expected, "import_taken_back": "1"} if taken_back else expected)
    assert len(mark["id"]) == 16
    assert store.users.delete("alice", dropped=[], ended=[], now=NOW + 6) is False  # done already
    assert hash_of(store, keys.user_deletion("alice")) == mark


def test_a_deletion_with_one_device_dropped_leaves_none(store: Store) -> None:
    store.users.create(ALICE)
    store.client.sadd(keys.user_devices("alice"), "dev-a")
    assert store.users.delete("alice", dropped=["dev-a"], ended=[], now=NOW)
    assert hash_of(store, keys.user_deletion("alice"))["devices"] == ""


def test_a_device_joins_only_a_user_there_and_no_passcode_right_after_another(store: Store) -> None:
    assert store.users.add_device("alice", "dev-a", joined_as="dscplus") == ("no_user", "")
    assert not store.client.exists(keys.user_devices("alice"))
    store.users.create(ALICE)
    assert store.users.add_device("alice", "tmp-1", joined_as="temporary") == ("added", "")
    assert store.client.hget(keys.user("alice"), "temporary_passcode") == "tmp-1"
    assert store.users.add_device("alice", "tmp-1", joined_as="temporary") == ("added", "")
    assert store.users.add_device("alice", "tmp-2", joined_as="temporary") == ("consecutive", "tmp-1")
    assert store.users.device_ids("alice") == ["tmp-1"]
    assert store.users.add_device("alice", "dev-b") == ("added", "")  # an import's: judges nothing
    assert store.client.hget(keys.user("alice"), "temporary_passcode") == "tmp-1"
    assert store.users.add_device("alice", "dev-c", joined_as="dscplus") == ("added", "")
    assert store.client.hget(keys.user("alice"), "temporary_passcode") is None
    assert store.users.add_device("alice", "tmp-2", joined_as="temporary") == ("added", "")
    assert store.users.device_ids("alice") == ["dev-b", "dev-c", "tmp-1", "tmp-2"]


CARD = DeviceRecord("dscplus-1", "dscplus", "alice", "active", NOW, label="card")


def test_a_device_is_created_holding_its_turn_and_never_over_another(store: Store) -> None:
    assert store.devices.create(CARD, turn="tok-1", lease_ms=5000) is True
    assert hash_of(store, keys.device(CARD.device_id)) == {**CARD.to_hash(), "version": "0"}
    assert store.client.get(keys.device_turn(CARD.device_id)) == "tok-1"
    assert 4000 < store.client.pttl(keys.device_turn(CARD.device_id)) <= 5000
    store.client.delete(keys.device_turn(CARD.device_id))
    assert store.devices.create(replace(CARD, label="other"), turn="tok-2", lease_ms=5000) is False
    assert hash_of(store, keys.device(CARD.device_id))["label"] == "card"
    assert not store.client.exists(keys.device_turn(CARD.device_id))


def push(note_id: str, txn: str) -> PushNotification:
    return PushNotification(note_id, txn, "alice", "ibkey-1", "n", ("12", "34"), "login", NOW, NOW + 60)


def test_a_push_replaces_only_its_own_logins_earlier_ones(store: Store) -> None:
    inbox = keys.ibkey_inbox("app-1")
    store.ibkey.deliver("app-1", push("p1", "t1"), now=NOW)
    store.ibkey.deliver("app-1", push("p2", "t2"), now=NOW)
    store.client.hset(inbox, mapping={"junk": "not json", "num": "5", "p0": push("p0", "t1").to_json()})
    store.ibkey.deliver("app-1", push("p3", "t1"), now=NOW + 10)
    assert sorted(str(k) for k in store.client.hkeys(inbox)) == ["junk", "num", "p2", "p3"]
    assert store.ibkey.notification("app-1", "p3") == push("p3", "t1")
    lives = 50 + 3600  # its expiry, and the margin of reclaim
    assert lives - 5 < store.client.ttl(inbox) <= lives
